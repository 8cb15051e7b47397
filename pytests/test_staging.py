"""Staging on the hand-written edge landing (pytests.helpers.staging_edge): every landed row is staged,
quarantined with its expected rule, or removed as a duplicate, exactly as written in the fixture; the
reconciliation landed = staged + quarantined + duplicates holds per table, recomputed here in Python from the
landing; the events incremental model equals a full refresh after a sequence of incremental runs.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from plg.dbt_runner import run_dbt
from pytests.helpers.build import build_env
from pytests.helpers.landing import Landing
from pytests.helpers.pii_scan import scan_for_emails
from pytests.helpers.staging_edge import DUPLICATE, QUARANTINED, STAGED, STAGING_MODELS, build_edge_landing


def build_project(warehouse: Path, select: str, vars: dict | None = None, full_refresh: bool = False) -> None:
    """dbt build of `select` into the warehouse (own target / log dirs next to it). Only the tests whose
    parents are all selected run (indirect selection `buildable`: other layers' tests are not ours)."""
    warehouse = Path(warehouse)
    stem = warehouse.parent / warehouse.stem
    args = ["build", "--select", select, "--indirect-selection", "buildable"]
    if full_refresh:
        args.append("--full-refresh")
    Path(f"{stem}_tmp").mkdir(parents=True, exist_ok=True)
    # a hand-written landing of a few rows per table: one bad row is a large share, not a broken connector
    result = run_dbt(
        args,
        env=build_env(warehouse),
        target_path=f"{stem}_target",
        log_path=f"{stem}_logs",
        vars={"quarantine_max_share": 1, **(vars or {})},
        timeout=1800,
    )
    assert result.returncode == 0, f"{' '.join(result.args)} failed:\n" + "\n".join(result.stdout.splitlines()[-60:])


STAGING = "analytics_staging"
QUARANTINE_MODEL = {src: f"stg_{src}__quarantine" for src in ("product", "crm", "stripe", "finance", "surveys")}

# landing table -> (landing key columns, normalisation of each part as staging applies it)
NATURAL_KEYS = {
    "finance.gtm_spend": (["spend_date", "category", "channel", "currency"], [str, str.lower, str.lower, str.upper]),
    "finance.headcount": (["month", "department"], [str, str.lower]),
    "finance.fx_rates": (["rate_date", "currency"], [str, str.upper]),
}
STAGED_NATURAL_KEYS = {
    "finance.gtm_spend": ["spend_date", "category", "channel", "currency_code"],
    "finance.headcount": ["month_start", "department"],
    "finance.fx_rates": ["rate_date", "currency_code"],
}


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    landing, expected = build_edge_landing()
    warehouse = tmp_path_factory.mktemp("staging_edge") / "staging_edge.duckdb"
    landing.write_duckdb(str(warehouse))
    build_project(warehouse, select="staging path:seeds")  # raises (with dbt's output) when a test fails
    con = duckdb.connect(str(warehouse), read_only=True)
    yield landing, expected, con
    con.close()


def _landing_key(table: str, row: dict) -> str | None:
    """The staging key of a landed row, computed independently of the SQL."""
    if table in NATURAL_KEYS:
        cols, norms = NATURAL_KEYS[table]
        parts = [row[c] for c in cols]
        if any(p is None for p in parts):
            return None
        return "|".join(
            norm(str(p).strip()) if isinstance(p, str) else str(p) for p, norm in zip(parts, norms, strict=False)
        )
    key_col = "id" if table.startswith("stripe.") else STAGING_MODELS[table][1]
    return row[key_col]


def _staged(con, table: str) -> pd.DataFrame:
    model, _ = STAGING_MODELS[table]
    # same row order as _staged_keys (the natural key is unique in staging), so keys line up with rows
    order = f" order by {', '.join(STAGED_NATURAL_KEYS[table])}" if table in STAGED_NATURAL_KEYS else ""
    return con.execute(f"select * from {STAGING}.{model}{order}").df()


def _staged_keys(con, table: str) -> list[str]:
    model, key = STAGING_MODELS[table]
    if table in STAGED_NATURAL_KEYS:  # python values (dates stay dates): "2026-01-01|marketing|..."
        cols = ", ".join(STAGED_NATURAL_KEYS[table])
        rows = con.execute(f"select {cols} from {STAGING}.{model} order by {cols}").fetchall()
        return ["|".join(str(v) for v in r) for r in rows]
    return [r[0] for r in con.execute(f"select {key} from {STAGING}.{model}").fetchall()]


def _quarantined(con, table: str) -> list[tuple]:
    source, name = table.split(".")
    rows = con.execute(
        f"select record_key, quarantine_rule from {STAGING}.{QUARANTINE_MODEL[source]} where source_table = ?", [name]
    ).fetchall()
    return rows


TABLES = sorted(STAGING_MODELS)


def test_fixture_covers_every_fault():
    """The edge landing holds every fault of SOURCES.md with a known outcome (guards the fixture itself)."""
    landing, expected = build_edge_landing()
    assert len(expected) == sum(len(r) for r in landing.rows.values())
    rules = {e.rule for e in expected if e.outcome == QUARANTINED}
    for rule in (
        "null_event_id",
        "occurred_in_future",
        "unattributable_account",
        "received_in_future",
        "invalid_metadata_json",
        "unknown_currency",
        "score_out_of_range",
        "null_score",
        "conflicting_duplicate",
        "implausible_signup_at",
        "null_recurring_interval",
        "paid_without_paid_at",
        "negative_subscription_line",
        "implausible_amount",
        "invoice_not_staged",
        "price_not_staged",
    ):
        assert rule in rules
    assert {e.table for e in expected if e.outcome == DUPLICATE} >= {"product.events", "crm.companies"}
    assert set(TABLES) == {e.table for e in expected}


@pytest.mark.parametrize("table", TABLES)
def test_staged_rows_are_the_expected_ones(edge, table):
    _, expected, con = edge
    want = Counter(e.key for e in expected if e.table == table and e.outcome == STAGED)
    got = Counter(_staged_keys(con, table))
    assert got == want


@pytest.mark.parametrize("table", TABLES)
def test_quarantined_rows_have_the_expected_rule(edge, table):
    _, expected, con = edge
    want = Counter((e.key, e.rule) for e in expected if e.table == table and e.outcome == QUARANTINED)
    got = Counter(_quarantined(con, table))
    assert got == want


@pytest.mark.parametrize("table", TABLES)
def test_staged_values(edge, table):
    _, expected, con = edge
    df = _staged(con, table)
    key_col = STAGING_MODELS[table][1]
    if table in STAGED_NATURAL_KEYS:
        df = df.assign(_key=_staged_keys(con, table))
        key_col = "_key"
    by_key = {r[key_col]: r for r in df.to_dict("records")}
    for e in expected:
        if e.table != table or e.outcome != STAGED:
            continue
        for column, value in e.values.items():
            got = by_key[e.key][column]
            if value is None:
                assert got is None or pd.isna(got), (e.key, column, got)
            elif isinstance(value, Decimal):
                assert Decimal(str(got)) == value, (e.key, column, got)
            elif isinstance(value, dt.datetime):
                assert pd.Timestamp(got).to_pydatetime() == value, (e.key, column, got)
            else:
                assert got == value, (e.key, column, got)


@pytest.mark.parametrize("table", TABLES)
def test_reconciliation_recomputed_in_python(edge, table):
    """landed = staged + quarantined + duplicates removed, with the duplicates counted from the landing itself
    and checked against the fixture's expectations: over rows with a non-null key, the EXACT duplicates
    (rows equal in every landed column, SOURCES.md Precisions; a conflicting version is quarantined);
    events: every delivery of an event_id but one (re-deliveries differ in received_at); companies: plus the
    distinct versions superseded by a later updated_at."""
    landing, expected, con = edge
    source, name = table.split(".")
    landed_rows = landing.rows[(source, name)]
    columns = sorted({c for r in landed_rows for c in r})
    keyed = [(k, tuple(r.get(c) for c in columns)) for r in landed_rows if (k := _landing_key(table, r)) is not None]
    if table == "product.events":
        duplicates = len(keyed) - len({k for k, _ in keyed})
    else:
        versions = set(keyed)
        duplicates = len(keyed) - len(versions)
        if table == "crm.companies":
            at = columns.index("updated_at")
            latest = {}
            for k, v in versions:
                if v[at] is not None and (latest.get(k) is None or v[at] > latest[k]):
                    latest[k] = v[at]
            duplicates += sum(1 for k, v in versions if v[at] != latest.get(k))
    staged = len(_staged_keys(con, table))
    quarantined = len(_quarantined(con, table))
    assert len(landed_rows) == staged + quarantined + duplicates
    assert duplicates == sum(1 for e in expected if e.table == table and e.outcome == DUPLICATE)
    # the landing in the warehouse is the fixture (no row lost on the way)
    assert con.execute(f"select count(*) from raw_{source}.{name}").fetchone()[0] == len(landed_rows)


def test_no_pii_in_staging_relations(edge):
    """No email address (users, customers, NPS comment) in any staging relation, views included."""
    _, _, con = edge
    assert scan_for_emails(con, schemas=[STAGING, "analytics_reference"]) == []
    cols = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = ? and column_name in ('email', 'comment', 'properties', 'metadata')",
        [STAGING],
    ).fetchall()
    assert cols == []


# ------------------------------------------------------------------------------------- incremental events
def _landing_received_before(landing: Landing, cutoff: dt.datetime | None) -> Landing:
    """A copy of the landing holding only the events received before cutoff (null received_at: always)."""
    part = copy.deepcopy(landing)
    if cutoff is not None:
        events = part.rows[("product", "events")]
        part.rows[("product", "events")] = [r for r in events if r["received_at"] is None or r["received_at"] < cutoff]
    return part


def _events_table(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(f"select * from {STAGING}.stg_product__events order by event_id").df()
    finally:
        con.close()


def test_incremental_runs_equal_full_refresh(edge, tmp_path):
    """Events arrive in three loads: the first ends between two deliveries of e_dup, the second between the
    two deliveries of e_dup_future (its first, quarantined, delivery then falls before the 1-day re-scan
    window). The table built by the chain of incremental runs (plus a rerun with nothing new) equals the
    full build of the complete landing (the `edge` warehouse)."""
    landing, _ = build_edge_landing()
    _, _, edge_con = edge
    full = edge_con.execute(f"select * from {STAGING}.stg_product__events order by event_id").df()
    incr = tmp_path / "incr.duckdb"
    select, variables = "+stg_product__events,resource_type:model", {"lookback_days": 1}
    loaded: list[dict] = []
    for i, cutoff in enumerate([dt.datetime(2026, 1, 11, 9, 0, 3), dt.datetime(2026, 2, 5), None]):
        part = _landing_received_before(landing, cutoff)
        if i == 0:
            part.write_duckdb(str(incr))
        else:  # the landing is append-only: insert the newly received events
            new_rows = [r for r in part.rows[("product", "events")] if r not in loaded]
            assert new_rows
            con = duckdb.connect(str(incr))
            con.executemany(
                "insert into raw_product.events values (?, ?, ?, ?, ?, ?, ?)", [list(r.values()) for r in new_rows]
            )
            con.close()
        loaded = list(part.rows[("product", "events")])
        build_project(incr, select=select, vars=variables)
        if i == 0:
            first = _events_table(incr)
            assert "e_dup" in set(first["event_id"]) and "e_feb" not in set(first["event_id"])
    build_project(incr, select=select, vars=variables)  # nothing new: a no-op
    final = _events_table(incr)
    pd.testing.assert_frame_equal(final, full)
    assert {"e_dup", "e_feb", "e_late"} <= set(final["event_id"])
    assert "e_dup_future" not in set(final["event_id"])
    assert len(final) == len(set(final["event_id"]))
