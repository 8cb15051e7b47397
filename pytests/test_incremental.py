"""Incremental equivalence (issue 5): incremental runs give the same marts as a full refresh.

On a small generated landing (``PLG_INCR_TEST_ACCOUNTS``, default 800 accounts):

(a) the events received on the last ``HELD_DAYS`` days are held back from a
    copy of the landing; the copy is built, then the held-back events are
    re-inserted day by day (in received_at order) with an incremental build
    after each day. Every public mart (and every incremental model) must equal
    a ``--full-refresh`` build of the complete landing, row for row.
(b) two consecutive builds of the same landing give identical marts.
(c) a late event (occurred_at 2 days before its received_at) appended after a
    build is counted by the incremental run (staging, fct_engagement_weekly,
    fct_activation); a re-delivery of an already staged event arriving 5 days
    later (the original is outside the lookback, the copy inside) is not
    counted twice; and the result equals a full refresh of that landing.
(e) in an incremental run the event-grain data tests read only the rows of the
    run's event window (base_product__event_windows) and the rows sharing their
    event_id; a new event colliding with an old event_id still fails, so does a
    lost event and a staged event that is not its earliest delivery; var
    full_tests true tests every row (issue 13).
(f) the clock moved by var as_of_date, forward then back, between incremental
    runs: the models that depend on the clock (windows closing, keys becoming
    known, weeks) equal a full refresh at the final as-of date.
(d) a replaced or re-synced landing (issue 12) stops the next incremental run at
    run start, before any model, with a message saying to run --full-refresh:
    the landing regenerated with another seed, a backfill received before the
    lookback window, a corrected signup_at; a full refresh of the replaced
    landing then equals a fresh build of it; int_incremental_runs_recorded has
    one row per run.

Every scenario gets its own warehouse file and spill directory under pytest's
tmp dir (never the shared warehouse/ or target/); dbt runs in the scenario's
directory with relative paths, so the profile is the same for all and one
target path (partial parsing) serves them all. Builds
skip data tests (``make test-dbt`` runs them) unless PLG_INCR_TEST_WITH_TESTS=1.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from plg.dbt_runner import run_dbt
from plg.marts import public_marts

PROJECT_DIR = Path(__file__).resolve().parents[1]
N_ACCOUNTS = int(os.environ.get("PLG_INCR_TEST_ACCOUNTS", "800"))
SEED = int(os.environ.get("PLG_INCR_TEST_SEED", "11"))
WITH_TESTS = os.environ.get("PLG_INCR_TEST_WITH_TESTS", "0") == "1"
WHOLE_BUILDS = os.environ.get("PLG_INCR_TEST_WHOLE_BUILDS", "0") == "1"
HELD_DAYS = int(os.environ.get("PLG_INCR_TEST_HELD_DAYS", "4"))
EVENTS = "raw_product.events"
FLOAT_TOLERANCE = 1e-9

# tables (not incremental themselves) built from incremental state: compared with the incremental models
BUILT_FROM_INCREMENTAL_STATE = ["stg_product__quarantine", "stg_product__events"]
# the incremental state itself (one row per run: differs between a sequence of runs and one full refresh)
RUN_RECORDS = {"int_incremental_runs_recorded"}
# audit columns that legitimately differ between runs (load time, batch id)
VOLATILE_COLUMN = re.compile(r"^_?(dbt_|loaded_at|_loaded|batch_id|run_started_at|invocation_id|incremental_)")

pytestmark = pytest.mark.skipif(
    not (PROJECT_DIR / "plg" / "generate").exists(), reason="the generator plg.generate is not there yet"
)


# --------------------------------------------------------------------------- dbt + warehouse helpers


@dataclass
class Scenario:
    """One warehouse file with its own dbt target/log/spill dirs (partial parsing stays valid)."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "wh.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DBT_PROFILES_DIR": str(PROJECT_DIR),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
                # relative to the scenario dir (the cwd of dbt): the profile stays the same for every
                # scenario, so partial parsing with the shared target path stays valid across them
                "PLG_DUCKDB_PATH": self.warehouse.name,
                "PLG_DUCKDB_TEMP_DIR": "spill",
                "PLG_DUCKDB_MEMORY_LIMIT": os.environ.get("PLG_INCR_TEST_MEMORY_LIMIT", "2GB"),
                "PLG_TARGET": "duckdb",
            }
        )
        return env

    def dbt(self, *args: str) -> None:
        (self.root / "spill").mkdir(parents=True, exist_ok=True)
        proc = run_dbt(args, env=self.env(), target_path=self.target, log_path=self.root / "logs", cwd=self.root)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
            raise AssertionError(f"dbt {' '.join(args)} failed on {self.warehouse} (exit {proc.returncode}):\n{tail}")

    def build(self, full_refresh: bool = False, dbt_vars: str | None = None) -> None:
        """``dbt build``; a follow-up (not full-refresh) build skips seeds and views, which a
        previous build of this warehouse created and which hold no state (saves time; set
        PLG_INCR_TEST_WHOLE_BUILDS=1 to rebuild them too)."""
        args = ["build"]
        if full_refresh:
            args.append("--full-refresh")
        elif not WHOLE_BUILDS:
            args += ["--exclude-resource-type", "seed", "--exclude", "config.materialized:view"]
        if not WITH_TESTS:
            args += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        if dbt_vars:
            args += ["--vars", dbt_vars]
        self.dbt(*args)

    @property
    def target(self) -> Path:
        """dbt's target path, shared by the scenarios of one module (next to their dirs)."""
        return self.root.parent / "dbt_target"

    def manifest_nodes(self) -> dict:
        return json.loads((self.target / "manifest.json").read_text(encoding="utf-8"))["nodes"]

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=read_only)

    def snapshot_to(self, other: Scenario) -> Scenario:
        """Copy this warehouse to ``other`` (dbt has exited, so the file is closed)."""
        other.root.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.warehouse, other.warehouse)
        wal = self.warehouse.with_name(self.warehouse.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, other.warehouse.with_name(other.warehouse.name + ".wal"))
        return other


def relations(nodes: dict, kind: str) -> dict[str, tuple[str, str]]:
    """name -> (schema, alias) of the marts (``kind='marts'``) or incremental models (with the
    relations built from their state, BUILT_FROM_INCREMENTAL_STATE)."""
    found = {}
    for node in nodes.values():
        if node.get("resource_type") != "model":
            continue
        if kind == "marts":
            wanted = node["original_file_path"].replace("\\", "/").startswith("models/marts/")
        else:
            wanted = (
                node.get("config", {}).get("materialized") == "incremental"
                or node["name"] in BUILT_FROM_INCREMENTAL_STATE
            ) and node["name"] not in RUN_RECORDS
        if wanted:
            found[node["name"]] = (node["schema"], node.get("alias") or node["name"])
    return found


def relation_for(nodes: dict, name: str) -> str:
    for node in nodes.values():
        if node.get("resource_type") in ("model", "seed") and node["name"] == name:
            return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'
    raise AssertionError(f"{name} is not in the manifest")


_FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC")


def _fetch_sorted(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str):
    cols = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    if not cols:
        raise AssertionError(f"{catalog}.{schema}.{table} does not exist")
    kept = [(name, dtype) for name, dtype in cols if not VOLATILE_COLUMN.match(name)]
    exact = [f'"{n}"' for n, t in kept if not t.upper().startswith(_FLOAT_TYPES)]
    floats = [f'round(cast("{n}" as double), 6)' for n, t in kept if t.upper().startswith(_FLOAT_TYPES)]
    order = ", ".join(f"{c} nulls first" for c in exact + floats) or "1"
    select = ", ".join(f'"{n}"' for n, _ in kept)
    rows = con.execute(f'select {select} from "{catalog}"."{schema}"."{table}" order by {order}').fetchall()
    return [n for n, _ in kept], rows


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (float, Decimal)) or isinstance(b, (float, Decimal)):
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return abs(fa - fb) <= FLOAT_TOLERANCE * max(1.0, abs(fa), abs(fb))
    return a == b


def compare_relations(left: Scenario, right: Scenario, rels: dict[str, tuple[str, str]]) -> list[str]:
    """Row-for-row comparison; returns one message per differing relation."""
    problems = []
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left.warehouse}' as l (read_only)")
        con.execute(f"attach '{right.warehouse}' as r (read_only)")
        for name, (schema, table) in sorted(rels.items()):
            lcols, lrows = _fetch_sorted(con, "l", schema, table)
            rcols, rrows = _fetch_sorted(con, "r", schema, table)
            if lcols != rcols:
                problems.append(f"{name}: columns differ {lcols} vs {rcols}")
                continue
            if len(lrows) != len(rrows):
                problems.append(f"{name}: {len(lrows)} rows vs {len(rrows)} rows")
                continue
            for index, (lrow, rrow) in enumerate(zip(lrows, rrows, strict=False)):
                if not all(_same_value(a, b) for a, b in zip(lrow, rrow, strict=False)):
                    diff = {c: (a, b) for c, a, b in zip(lcols, lrow, rrow, strict=False) if not _same_value(a, b)}
                    row = dict(zip(lcols, lrow, strict=False))
                    problems.append(f"{name}: first difference at sorted row {index}: {diff} (row {row})")
                    break
    finally:
        con.close()
    return problems


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("incremental")


@pytest.fixture(scope="module")
def landing(workdir) -> Path:
    """The raw landing only (no dbt relations), generated once for the module."""
    path = workdir / "landing.duckdb"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "plg.generate",
            "--accounts",
            str(N_ACCOUNTS),
            "--seed",
            str(SEED),
            "--warehouse",
            str(path),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"generator failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return path


def _scenario_from_landing(workdir: Path, name: str, landing: Path) -> Scenario:
    scenario = Scenario(workdir / name)
    scenario.root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(landing, scenario.warehouse)
    return scenario


@pytest.fixture(scope="module")
def reference(workdir, landing) -> dict[str, Scenario]:
    """Full refresh of the complete landing, and the state after one more (incremental) build."""
    ref = _scenario_from_landing(workdir, "reference", landing)
    ref.build(full_refresh=True)
    full = ref.snapshot_to(Scenario(workdir / "reference_full"))
    ref.build()
    return {"full": full, "twice": ref, "nodes": ref.manifest_nodes()}


@pytest.fixture(scope="module")
def incremental_sequence(workdir, landing) -> dict:
    inc = _scenario_from_landing(workdir, "sequence", landing)
    held = workdir / "held_back.duckdb"
    con = inc.connect(read_only=False)
    try:
        days = [
            row[0]
            for row in con.execute(
                f"select distinct cast(received_at as date) as d from {EVENTS} where received_at is not null "
                f"order by d desc limit {HELD_DAYS}"
            ).fetchall()
        ]
        days.sort()
        assert len(days) == HELD_DAYS, f"the landing spans fewer than {HELD_DAYS} received days"
        total = con.execute(f"select count(*) from {EVENTS}").fetchone()[0]
        con.execute(f"attach '{held}' as held")
        con.execute(
            f"create table held.events as select * from {EVENTS} where cast(received_at as date) >= ?", [days[0]]
        )
        con.execute(f"delete from {EVENTS} where cast(received_at as date) >= ?", [days[0]])
        per_day = dict(con.execute("select cast(received_at as date), count(*) from held.events group by 1").fetchall())
        con.execute("detach held")
    finally:
        con.close()
    assert all(per_day.get(d, 0) > 0 for d in days), per_day

    inc.build(full_refresh=True)
    for day in days:
        con = inc.connect(read_only=False)
        try:
            con.execute(f"attach '{held}' as held (read_only)")
            con.execute(
                f"insert into {EVENTS} select * from held.events where cast(received_at as date) = ? "
                "order by received_at",
                [day],
            )
            con.execute("detach held")
        finally:
            con.close()
        inc.build()
    con = inc.connect()
    try:
        final_total = con.execute(f"select count(*) from {EVENTS}").fetchone()[0]
    finally:
        con.close()
    assert final_total == total, "re-inserting the held-back events did not restore the landing"
    return {"scenario": inc, "days": days, "per_day": per_day}


# --------------------------------------------------------------------------- (a) and (b)


def _public_marts(nodes: dict) -> dict[str, tuple[str, str]]:
    marts = relations(nodes, "marts")
    assert marts, "no model under models/marts/ in the manifest"
    return marts


def test_public_marts_exist(reference):
    """Every public mart (the manifest's, plg.marts) is built (else the comparisons below would silently skip it)."""
    marts = relations(reference["nodes"], "marts")
    public = public_marts({"nodes": reference["nodes"]})
    assert public, "no public mart in the manifest"
    missing = [name for name in public if name not in marts]
    assert not missing, f"public marts not in the project yet: {missing}"


def test_incremental_sequence_equals_full_refresh(reference, incremental_sequence):
    problems = compare_relations(reference["full"], incremental_sequence["scenario"], _public_marts(reference["nodes"]))
    assert not problems, "incremental day-by-day build differs from --full-refresh:\n" + "\n".join(problems)


def test_incremental_models_equal_full_refresh(reference, incremental_sequence):
    """The incremental relations themselves (the event verdicts, ...) end up identical."""
    incremental = relations(reference["nodes"], "incremental")
    materialized = {
        n["name"]: n["config"]["materialized"] for n in reference["nodes"].values() if n.get("resource_type") == "model"
    }
    assert materialized.get("base_product__event_verdicts") == "incremental", "the event verdicts must be incremental"
    assert "stg_product__events" in incremental
    assert "stg_product__quarantine" in incremental
    problems = compare_relations(reference["full"], incremental_sequence["scenario"], incremental)
    assert not problems, "incremental relations differ from --full-refresh:\n" + "\n".join(problems)


def test_two_consecutive_builds_are_identical(reference):
    rels = {**_public_marts(reference["nodes"]), **relations(reference["nodes"], "incremental")}
    problems = compare_relations(reference["full"], reference["twice"], rels)
    assert not problems, "a second build of the same landing changed relations:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- (c) late arrivals and re-deliveries


def _one(con, sql, params=None):
    row = con.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


@pytest.fixture(scope="module")
def late_arrivals(workdir, reference) -> dict:
    """Append late events to a built copy of the complete landing, run the incremental build."""
    nodes = reference["nodes"]
    late = reference["twice"].snapshot_to(Scenario(workdir / "late"))
    stg = relation_for(nodes, "stg_product__events")
    accounts = relation_for(nodes, "stg_product__accounts")
    users = relation_for(nodes, "stg_product__users")
    catalogue = relation_for(nodes, "event_catalogue")
    milestones_rel = relation_for(nodes, "activation_milestones")
    activation = relation_for(nodes, "fct_activation")
    weekly = relation_for(nodes, "fct_engagement_weekly")

    con = late.connect()
    try:
        received_at = _one(con, f"select max(received_at) from {EVENTS}")
        occurred_at = received_at - dt.timedelta(days=2)
        core = [r[0] for r in con.execute(f"select event_name from {catalogue} where is_core order by 1").fetchall()]
        milestones = [
            r[0] for r in con.execute(f"select event_name from {milestones_rel} order by milestone_order").fetchall()
        ]
        core_list = ", ".join(f"'{name}'" for name in core)
        # A: a young, real account with no core event within 7 days either side of the late event,
        #    so the week holding the late event has exactly that one core event.
        account_a = _one(
            con,
            f"""
            select a.account_id from {accounts} as a
            where not a.is_internal
              and a.signup_at between ? and ?
              and a.account_id in (select account_id from {weekly})
              and not exists (
                  select 1 from {stg} as e
                  where e.account_id = a.account_id and e.event_name in ({core_list})
                    and e.occurred_at > ? and e.occurred_at < ?)
            order by a.account_id limit 1""",
            [
                occurred_at - dt.timedelta(days=20),
                occurred_at - dt.timedelta(days=8),
                occurred_at - dt.timedelta(days=7),
                occurred_at + dt.timedelta(days=7),
            ],
        )
        # B: a real account not activated yet, signed up before the late event
        account_b = _one(
            con,
            f"""
            select f.account_id from {activation} as f
            inner join {accounts} as a on a.account_id = f.account_id
            where f.activated_at is null and not a.is_internal and a.signup_at < ?
              and f.account_id <> coalesce(?, '')
            order by f.account_id limit 1""",
            [occurred_at - dt.timedelta(hours=1), account_a],
        )
        if account_a is None or account_b is None:
            pytest.skip(f"no candidate account in this landing (A={account_a}, B={account_b})")
        user_a = _one(con, f"select min(user_id) from {users} where account_id = ?", [account_a])
        user_b = _one(con, f"select min(user_id) from {users} where account_id = ?", [account_b])
        signup_b, as_of_end = con.execute(
            f"select signup_at, cast(cast(? as date) + interval 1 day as timestamp) from {accounts} "
            "where account_id = ?",
            [received_at, account_b],
        ).fetchone()
        # B's first reach of each milestone before the late events (an independent recomputation)
        first_reached = {
            m: _one(
                con,
                f"""
            select min(occurred_at) from {stg}
            where account_id = ? and event_name = ? and occurred_at >= ? and occurred_at < ?""",
                [account_b, m, signup_b, as_of_end],
            )
            for m in milestones
        }
        weekly_a_before = con.execute(
            f"select week_number, active_days, core_features_used, active_users from {weekly} "
            "where account_id = ? order by week_number",
            [account_a],
        ).fetchall()
        stg_rows_before = _one(con, f"select count(*) from {stg}")
    finally:
        con.close()

    late_events = [("bench_late_a_0", core[0], user_a, account_a, occurred_at, received_at)]
    for offset, milestone in enumerate(milestones):
        late_events.append(
            (
                f"bench_late_b_{offset}",
                milestone,
                user_b,
                account_b,
                occurred_at + dt.timedelta(seconds=offset),
                received_at,
            )
        )
    expected_b = max(
        min(filter(None, [first_reached[m], occurred_at + dt.timedelta(seconds=i)])) for i, m in enumerate(milestones)
    )

    con = late.connect(read_only=False)
    try:
        con.executemany(
            f"insert into {EVENTS} (event_id, event_name, user_id, account_id, occurred_at, received_at, properties) "
            "values (?, ?, ?, ?, ?, ?, '{}')",
            late_events,
        )
    finally:
        con.close()
    late.build()
    after_late = late.snapshot_to(Scenario(workdir / "late_after_phase1"))
    return {
        "scenario": late,
        "after_late": after_late,
        "nodes": nodes,
        "late_events": late_events,
        "account_a": account_a,
        "account_b": account_b,
        "user_a": user_a,
        "expected_b": expected_b,
        "weekly_a_before": weekly_a_before,
        "stg_rows_before": stg_rows_before,
        "received_at": received_at,
        "stg": stg,
        "weekly": weekly,
        "activation": activation,
    }


def test_late_events_are_staged(late_arrivals):
    ctx = late_arrivals
    con = ctx["after_late"].connect()
    try:
        ids = [e[0] for e in ctx["late_events"]]
        staged = dict(
            con.execute(
                f"select event_id, count(*) from {ctx['stg']} "
                f"where event_id in ({', '.join('?' for _ in ids)}) group by 1",
                ids,
            ).fetchall()
        )
        total = _one(con, f"select count(*) from {ctx['stg']}")
    finally:
        con.close()
    assert staged == dict.fromkeys(ids, 1), f"late events staged: {staged}"
    assert total == ctx["stg_rows_before"] + len(ids)


def test_late_event_counted_in_weekly_engagement(late_arrivals):
    ctx = late_arrivals
    con = ctx["after_late"].connect()
    try:
        after = con.execute(
            f"select week_number, active_days, core_features_used, active_users from {ctx['weekly']} "
            "where account_id = ? order by week_number",
            [ctx["account_a"]],
        ).fetchall()
    finally:
        con.close()
    before = {row[0]: row for row in ctx["weekly_a_before"]}
    changed = [row for row in after if before.get(row[0]) != row]
    assert len(changed) == 1, (
        f"expected exactly one week of {ctx['account_a']} to change: before {before}, after {after}"
    )
    week = changed[0]
    previous = before.get(week[0])
    assert previous is None or previous[1] == 0, f"the week already had core activity: {previous}"
    assert week[1] == 1 and week[2] == 1, f"the late event should make 1 active day and 1 core feature: {week}"
    if ctx["user_a"] is not None:
        assert week[3] == 1, f"the late event's user should be the week's one active user: {week}"


def test_late_events_counted_in_activation(late_arrivals):
    ctx = late_arrivals
    con = ctx["after_late"].connect()
    try:
        activated_at = _one(
            con, f"select activated_at from {ctx['activation']} where account_id = ?", [ctx["account_b"]]
        )
    finally:
        con.close()
    assert activated_at is not None and _as_datetime(activated_at) == ctx["expected_b"], (
        f"{ctx['account_b']}: activated_at {activated_at}, expected {ctx['expected_b']}"
    )


@pytest.fixture(scope="module")
def redelivery(workdir, late_arrivals) -> dict:
    """Re-deliver an already staged event 5 days later: the original is outside the lookback."""
    ctx = late_arrivals
    late: Scenario = ctx["scenario"]
    received_max = ctx["received_at"]
    con = late.connect()
    try:
        original = con.execute(
            f"""
            select event_id, received_at from {ctx["stg"]}
            where received_at between ? and ? and event_id not like 'bench_%'
            order by received_at, event_id limit 1""",
            [received_max - dt.timedelta(days=8), received_max - dt.timedelta(days=5, hours=1)],
        ).fetchone()
        stg_rows = _one(con, f"select count(*) from {ctx['stg']}")
    finally:
        con.close()
    if original is None:
        pytest.skip("no staged event received 5 to 8 days before the last delivery")
    event_id, first_received = original
    con = late.connect(read_only=False)
    try:
        cols = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw_product' "
                "and table_name = 'events' order by ordinal_position"
            ).fetchall()
        ]
        select = ", ".join("received_at + interval 5 day" if c == "received_at" else f'"{c}"' for c in cols)
        con.execute(
            f"insert into {EVENTS} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
            f"select {select} from {EVENTS} where event_id = ? and received_at = ? limit 1",
            [event_id, first_received],
        )
    finally:
        con.close()
    late.build()
    return {"event_id": event_id, "first_received": first_received, "stg_rows": stg_rows}


def test_redelivery_not_counted_twice(late_arrivals, redelivery):
    ctx = late_arrivals
    con = ctx["scenario"].connect()
    try:
        rows = con.execute(
            f"select received_at from {ctx['stg']} where event_id = ?", [redelivery["event_id"]]
        ).fetchall()
        total = _one(con, f"select count(*) from {ctx['stg']}")
    finally:
        con.close()
    assert len(rows) == 1, f"event {redelivery['event_id']} staged {len(rows)} times after its re-delivery"
    assert rows[0][0] == redelivery["first_received"], "staging must keep the earliest delivery"
    assert total == redelivery["stg_rows"]
    problems = compare_relations(ctx["after_late"], ctx["scenario"], _public_marts(ctx["nodes"]))
    assert not problems, "a re-delivered event changed the marts:\n" + "\n".join(problems)


def test_late_landing_incremental_equals_full_refresh(workdir, late_arrivals, redelivery):
    """The incremental result with late events and a re-delivery equals a full refresh of that landing."""
    ctx = late_arrivals
    rebuilt = ctx["scenario"].snapshot_to(Scenario(workdir / "late_full_refresh"))
    rebuilt.build(full_refresh=True)
    rels = {**_public_marts(ctx["nodes"]), **relations(ctx["nodes"], "incremental")}
    problems = compare_relations(rebuilt, ctx["scenario"], rels)
    assert not problems, "after late events and a re-delivery, incremental differs from full refresh:\n" + "\n".join(
        problems
    )


# --------------------------------------------------------------------------- (d) replaced / re-synced landing


def _dbt_fails(scenario: Scenario, *args: str) -> str:
    """Run dbt expecting failure; return its output."""
    (scenario.root / "spill").mkdir(parents=True, exist_ok=True)
    proc = run_dbt(
        args, env=scenario.env(), target_path=scenario.target, log_path=scenario.root / "logs", cwd=scenario.root
    )
    assert proc.returncode != 0, f"dbt {' '.join(args)} succeeded on a re-synced landing:\n{proc.stdout[-3000:]}"
    return proc.stdout + proc.stderr


def _built_model_tables(scenario: Scenario) -> dict[str, int]:
    """Row counts of the incremental models and the marts (what a refused run must not touch)."""
    con = scenario.connect()
    try:
        out = {}
        for schema, table in [
            ("analytics_staging", "stg_product__events"),
            ("analytics_intermediate", "int_account_days_aggregated"),
            ("analytics_marts", "fct_activation"),
            ("analytics_intermediate", "int_incremental_runs_recorded"),
        ]:
            out[table] = _one(con, f'select count(*) from "{schema}"."{table}"')
        return out
    finally:
        con.close()


def _assert_refused(scenario: Scenario, what: str) -> None:
    before = _built_model_tables(scenario)
    out = _dbt_fails(scenario, "build", "--exclude-resource-type", "unit_test")
    assert "The landing was replaced or re-synced" in out, f"{what}: no re-sync message:\n{out[-3000:]}"
    assert "dbt build --full-refresh" in out, f"{what}: the message does not say what to run"
    assert _built_model_tables(scenario) == before, f"{what}: the refused run changed tables"


def test_incremental_state_recorded_per_run(reference):
    con = reference["twice"].connect()
    try:
        rows = con.execute(
            "select is_full_refresh, frozen_event_rows from analytics_intermediate.int_incremental_runs_recorded "
            "order by recorded_at"
        ).fetchall()
        landed_before = _one(
            con,
            f"""select count(*) from {EVENTS} where received_at < (
            select max(frozen_before_at) from analytics_intermediate.int_incremental_runs_recorded)""",
        )
    finally:
        con.close()
    assert [r[0] for r in rows] == [True, False]  # the full refresh, then the incremental build
    assert rows[-1][1] == landed_before  # the fingerprint counts the landing itself


def test_backfill_older_than_lookback_is_refused(workdir, reference):
    backfill = reference["twice"].snapshot_to(Scenario(workdir / "backfill"))
    con = backfill.connect(read_only=False)
    try:
        # 50 events re-landed with new ids, received 10 days before the latest delivery (lookback: 3 days)
        con.execute(f"""insert into {EVENTS}
                (event_id, event_name, user_id, account_id, occurred_at, received_at, properties)
            select 'backfill_' || event_id, event_name, user_id, account_id, occurred_at - interval 10 day,
                   (select max(received_at) from {EVENTS}) - interval 10 day, properties
            from {EVENTS} where event_name = 'report_created' order by event_id limit 50""")
    finally:
        con.close()
    _assert_refused(backfill, "backfill older than the lookback")


def test_corrected_signup_is_refused(workdir, reference):
    corrected = reference["twice"].snapshot_to(Scenario(workdir / "signup"))
    con = corrected.connect(read_only=False)
    try:
        account = _one(con, "select min(account_id) from raw_product.accounts where not is_internal")
        con.execute(
            "update raw_product.accounts set created_at = created_at - interval 1 day where account_id = ?", [account]
        )
    finally:
        con.close()
    _assert_refused(corrected, "corrected signup_at")


def test_landing_regenerated_with_another_seed_is_refused_then_full_refresh_works(workdir, reference):
    replaced = reference["twice"].snapshot_to(Scenario(workdir / "reseeded"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "plg.generate",
            "--accounts",
            str(N_ACCOUNTS),
            "--seed",
            str(SEED + 1),
            "--warehouse",
            str(replaced.warehouse),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    _assert_refused(replaced, "landing regenerated with another seed")
    # what the message says to run (and what `make run` runs): the marts are those of a fresh build
    replaced.build(full_refresh=True)
    fresh = Scenario(workdir / "reseeded_fresh")
    fresh.root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "plg.generate",
            "--accounts",
            str(N_ACCOUNTS),
            "--seed",
            str(SEED + 1),
            "--warehouse",
            str(fresh.warehouse),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    fresh.build(full_refresh=True)
    nodes = replaced.manifest_nodes()
    problems = compare_relations(replaced, fresh, {**relations(nodes, "marts"), **relations(nodes, "incremental")})
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- (e) data tests scoped to the window


def _dbt_output(scenario: Scenario, *args: str) -> tuple[int, str]:
    (scenario.root / "spill").mkdir(parents=True, exist_ok=True)
    proc = run_dbt(
        args, env=scenario.env(), target_path=scenario.target, log_path=scenario.root / "logs", cwd=scenario.root
    )
    return proc.returncode, proc.stdout + proc.stderr


def _compiled_test_sql(scenario: Scenario, test_prefix: str) -> str:
    found = sorted((scenario.target / "run").rglob(f"{test_prefix}*.sql"))
    assert found, f"no compiled test {test_prefix} under {scenario.target / 'run'}"
    return found[0].read_text(encoding="utf-8")


def test_event_tests_scoped_to_the_window(workdir, reference):
    """An incremental run tests the window's rows (fewer rows read), a collision of a new event with an old
    event_id still fails, and full_tests (or a --full-refresh) tests everything."""
    scoped = reference["twice"].snapshot_to(Scenario(workdir / "scoped_tests"))
    select = ["test", "--select", "stg_product__events", "--exclude-resource-type", "unit_test"]
    con = scoped.connect()
    try:
        bound = _one(con, "select rescan_from_at from analytics_staging.base_product__event_windows")
        total = _one(con, "select count(*) from analytics_staging.stg_product__events")
        old = con.execute(
            "select event_id from analytics_staging.stg_product__events where received_at < ? "
            "order by event_id limit 1",
            [bound],
        ).fetchone()
    finally:
        con.close()
    assert bound is not None, "the incremental build left no window bound"
    assert old is not None, "no staged event before the window"

    # the correct incremental state passes the scoped tests (reconciliation included), reading fewer rows
    code, out = _dbt_output(scoped, *select)
    assert code == 0, f"scoped tests failed on a correct incremental state:\n{out[-3000:]}"
    sql = _compiled_test_sql(scoped, "unique_stg_product__events_event_id")
    where = re.search(r"\(select \* from .* where (\(event_id is null or .*?)\) dbt_subquery", sql, re.S)
    assert where, f"the scoped unique test has no window filter:\n{sql}"
    con = scoped.connect()
    try:
        scoped_rows = _one(con, f"select count(*) from analytics_staging.stg_product__events where {where.group(1)}")
    finally:
        con.close()
    assert 0 < scoped_rows < total, (scoped_rows, total)

    # full_tests: no filter
    code, out = _dbt_output(scoped, *select, "--vars", "{full_tests: true}")
    assert code == 0, out[-3000:]
    assert "judged.received_at >=" not in _compiled_test_sql(scoped, "unique_stg_product__events_event_id")

    # a new verdict (inside the window) colliding with an old event_id fails the scoped uniqueness test
    con = scoped.connect(read_only=False)
    try:
        con.execute(
            "insert into analytics_staging.base_product__event_verdicts "
            "select * replace (cast(? as timestamp) + interval 1 hour as received_at) "
            "from analytics_staging.base_product__event_verdicts where event_id = ?",
            [bound, old[0]],
        )
    finally:
        con.close()
    code, out = _dbt_output(scoped, *select)
    assert code != 0, "a new event colliding with an old event_id passed the scoped tests"
    assert re.search(r"FAIL \d+ unique_stg_product__events_event_id", out), out[-3000:]

    # a staged event of the window lost (its verdict deleted) fails the scoped reconciliation
    lost = reference["twice"].snapshot_to(Scenario(workdir / "scoped_tests_lost"))
    con = lost.connect(read_only=False)
    try:
        con.execute(
            "delete from analytics_staging.base_product__event_verdicts where event_id = ("
            "select min(event_id) from analytics_staging.base_product__event_verdicts "
            "where received_at >= ? and quarantine_rule is null)",
            [bound],
        )
    finally:
        con.close()
    code, out = _dbt_output(lost, *select)
    assert code != 0, "a staged event of the window went missing and the scoped reconciliation passed"
    assert re.search(r"FAIL \d+ source_reconciles_stg_product__events", out), out[-3000:]

    # an earlier delivery of a staged event of the window lands (the staged row is no longer the earliest): the
    # counts still balance (one more landed row, one more duplicate), the first-delivery check fails, scoped or not
    earlier = reference["twice"].snapshot_to(Scenario(workdir / "scoped_tests_earlier"))
    con = earlier.connect(read_only=False)
    try:
        event_id, received_at = con.execute(
            "select event_id, received_at from analytics_staging.stg_product__events "
            "where received_at >= cast(? as timestamp) + interval 1 hour order by event_id limit 1",
            [bound],
        ).fetchone()
        con.execute(
            f"insert into {EVENTS} select * replace (cast(? as timestamp) - interval 1 second as received_at) "
            f"from {EVENTS} where event_id = ? limit 1",
            [received_at, event_id],
        )
    finally:
        con.close()
    for extra in ([], ["--vars", "{full_tests: true}"]):
        code, out = _dbt_output(earlier, *select, *extra)
        assert code != 0, f"a staged event that is not its earliest delivery passed the reconciliation {extra}"
        assert re.search(r"FAIL 1 source_reconciles_stg_product__events", out), out[-3000:]


# --------------------------------------------------------------------------- (f) the clock moves both ways


def test_clock_moved_forward_then_back_equals_full_refresh(workdir, landing, reference):
    """var as_of_date: a full build at D-20, incremental builds at D-5 (forward) then D-12 (back): every public
    mart and incremental model equals a full refresh at D-12 (windows that closed and reopened, keys known then
    unknown again, weeks added then removed)."""
    probe = _scenario_from_landing(workdir, "clock_probe", landing)
    con = probe.connect()
    try:
        latest = _as_datetime(_one(con, f"select cast(max(received_at) as date) from {EVENTS}")).date()
    finally:
        con.close()

    def as_of(days_before: int) -> str:
        return json.dumps({"as_of_date": (latest - dt.timedelta(days=days_before)).isoformat()})

    moving = _scenario_from_landing(workdir, "clock_moving", landing)
    moving.build(full_refresh=True, dbt_vars=as_of(20))
    moving.build(dbt_vars=as_of(5))
    moving.build(dbt_vars=as_of(12))
    fixed = _scenario_from_landing(workdir, "clock_fixed", landing)
    fixed.build(full_refresh=True, dbt_vars=as_of(12))
    rels = {**_public_marts(reference["nodes"]), **relations(reference["nodes"], "incremental")}
    problems = compare_relations(fixed, moving, rels)
    assert not problems, "incremental builds with a moving clock differ from --full-refresh:\n" + "\n".join(problems)


def test_engagement_table_from_an_earlier_version_is_refused(workdir, reference):
    """A warehouse built before the engagement models were incremental (a plain table without the
    _incremental_* state columns) stops the next incremental run at run start with a message saying to run
    --full-refresh, instead of failing inside the model on a missing column."""
    old = reference["twice"].snapshot_to(Scenario(workdir / "earlier_version"))
    table = relation_for(reference["nodes"], "int_engagement_scored")
    con = old.connect(read_only=False)
    try:
        con.execute(f"create or replace table {table} as select account_id, pes_14d from {table}")
    finally:
        con.close()
    before = _built_model_tables(old)
    out = _dbt_fails(old, "build", "--exclude-resource-type", "unit_test")
    assert "int_engagement_scored" in out and "earlier version" in out, f"no upgrade message:\n{out[-3000:]}"
    assert "dbt build --full-refresh" in out, "the message does not say what to run"
    assert _built_model_tables(old) == before, "the refused run changed tables"
