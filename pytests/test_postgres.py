"""The same project on a real PostgreSQL 15 server (issue 7.1 and 7.3).

A throwaway server (plg.postgres.PostgresServer: initdb in a temp dir, loopback,
unprivileged system user) gets a generated landing; `dbt build --target postgres`
must pass completely; every public mart must equal the DuckDB build of the same
landing; the reader role may read the marts and nothing else, and write nothing.

Skipped only when no PostgreSQL server binaries exist (`make system-deps` installs them as root).
Landing size: PLG_PG_TEST_ACCOUNTS (default 1500), seed PLG_PG_TEST_SEED (default 11).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plg import postgres as pgh
from plg.dbt_runner import PROJECT_DIR, dbt_env, read_run_results, run_dbt, run_results_summary, start_dbt

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ACCOUNTS = os.environ.get("PLG_PG_TEST_ACCOUNTS", "1500")
SEED = os.environ.get("PLG_PG_TEST_SEED", "11")
REL_TOL = 1e-6


def _dbt_env_duckdb(warehouse: Path, work: Path) -> dict:
    (work / "duck_tmp").mkdir(exist_ok=True)
    return dbt_env(
        warehouse=warehouse, temp_dir=work / "duck_tmp", memory_limit=os.environ.get("PLG_DUCKDB_MEMORY_LIMIT", "3GB")
    )


def _explain(res: subprocess.CompletedProcess, target: Path) -> str:
    text = res.stdout[-6000:] + res.stderr[-2000:]
    with contextlib.suppress(Exception):
        s = run_results_summary(target)
        text += "\nfailing nodes:\n" + "\n".join(f"  {u} {st}: {m}" for u, st, m in s["failing"])
    return text


@pytest.fixture(scope="module")
def pg_bindir():
    bindir = pgh.find_bindir()
    if bindir is None:
        pytest.skip(
            "no PostgreSQL server binaries (initdb/pg_ctl): the PostgreSQL tests need a real server "
            "(`make system-deps` as root installs postgresql-15)"
        )
    return bindir


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("plg_pg")


@pytest.fixture(scope="module")
def landing(work) -> Path:
    """A generated landing in its own DuckDB file (raw_* schemas only)."""
    path = work / "landing.duckdb"
    res = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", ACCOUNTS, "--seed", SEED, "--warehouse", str(path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert res.returncode == 0, f"generator failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return path


@pytest.fixture(scope="module")
def duck_build_started(work, landing):
    """dbt build on DuckDB from a copy of the landing (the reference), started in the background so
    that it runs while the PostgreSQL build does."""
    warehouse = work / "duck.duckdb"
    shutil.copyfile(landing, warehouse)
    target = work / "target_duck"
    proc = start_dbt(
        ["build"],
        env=_dbt_env_duckdb(warehouse, work),
        target_path=target,
        log_path=work / "logs_duck",
        stdout_path=work / "logs_duck" / "stdout.txt",
    )
    yield warehouse, target, proc
    if proc.poll() is None:
        proc.kill()


@pytest.fixture(scope="module")
def duck_build(duck_build_started):
    warehouse, target, proc = duck_build_started
    proc.wait(timeout=3600)
    res = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout_path.read_text(errors="replace"), "")
    assert res.returncode == 0, "DuckDB build of the same landing failed:\n" + _explain(res, target)
    return warehouse, target


@pytest.fixture(scope="module")
def pg_build(pg_bindir, work, landing, duck_build_started):
    with pgh.PostgresServer(bindir=pg_bindir) as pg:
        with contextlib.closing(pg.connect_builder()) as conn:
            counts = pgh.load_landing(landing, conn)
        target = work / "target_pg"
        res = run_dbt(["build"], env=pg.dbt_env(), target_path=target, log_path=work / "logs_pg")
        yield pg, target, res, counts


def test_landing_loaded_completely(pg_build, landing):
    import duckdb

    pg, _, _, counts = pg_build
    with contextlib.closing(duckdb.connect(str(landing), read_only=True)) as duck:
        for name, n in counts.items():
            schema, table = name.split(".")
            assert duck.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0] == n, name
    assert sum(counts.values()) > 0


def test_dbt_build_passes_on_postgres(pg_build):
    _, target, res, _ = pg_build
    assert res.returncode == 0, "dbt build --target postgres failed:\n" + _explain(res, target)
    summary = run_results_summary(target)
    assert summary["failing"] == []
    manifest = json.loads((target / "manifest.json").read_text())
    # models, data tests and unit tests all ran
    ran = {kind for kind, _ in read_run_results(target).counts_by_type()}
    assert {"model", "test"} <= ran, ran
    if manifest.get("unit_tests"):
        assert "unit_test" in ran, ran
    print(f"\npostgres build: {summary['total']} nodes {summary['statuses']}")


def test_public_marts_equal_duckdb(pg_build, duck_build):
    pg, pg_target, res, _ = pg_build
    assert res.returncode == 0, "the postgres build failed (see test_dbt_build_passes_on_postgres)"
    warehouse, duck_target = duck_build
    with contextlib.closing(pg.connect_builder()) as conn:
        results = pgh.compare_marts_duckdb_postgres(warehouse, duck_target, conn, pg_target, rel_tol=REL_TOL)
    lines = [
        f"{r['mart']:32s} rows={r['rows']:>7} cols={r['columns']:>3} diffs={len(r['diffs'])}"
        + (f" SKIPPED: {r['skipped']}" if r.get("skipped") else "")
        for r in results
    ]
    print("\n" + "\n".join(lines))
    missing = [r["mart"] for r in results if r.get("skipped")]
    assert not missing, f"public marts of MARTS.md missing from the project: {missing}"
    diffs = [d for r in results for d in r["diffs"]]
    column_gaps = {r["mart"]: r["missing_columns"] for r in results if r["missing_columns"]}
    assert not column_gaps, f"columns differ between DuckDB and PostgreSQL: {column_gaps}"
    assert not diffs, "DuckDB and PostgreSQL marts differ:\n" + "\n".join(diffs[:40])
    assert sum(r["rows"] for r in results) > 0


def _relations(target: Path, folder: str) -> list[tuple[str, str]]:
    manifest = json.loads((target / "manifest.json").read_text())
    out = []
    for n in manifest["nodes"].values():
        if (
            n["resource_type"] == "model"
            and n["path"].startswith(folder + "/")
            and n["config"].get("materialized") != "ephemeral"
        ):
            out.append((n["schema"], n.get("alias") or n["name"]))
    return sorted(out)


def test_reader_role_reads_marts_only(pg_build):
    from psycopg2 import errors, sql

    pg, target, res, _ = pg_build
    assert res.returncode == 0, "the postgres build failed (see test_dbt_build_passes_on_postgres)"
    marts = pgh.mart_relations(target)
    assert marts, "no public mart built"
    staging = _relations(target, "staging")
    intermediate = _relations(target, "intermediate")
    assert staging, "no staging relation in the project"

    def q(schema, table):
        return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))

    def refused(conn, statement):
        with conn.cursor() as cur:
            try:
                cur.execute(statement)
            except errors.InsufficientPrivilege:
                conn.rollback()
                return True
            conn.rollback()
            return False

    with contextlib.closing(pg.connect_reader()) as conn:
        # reads every public mart
        with conn.cursor() as cur:
            for name, (schema, table) in sorted(marts.items()):
                cur.execute(sql.SQL("select count(*) from {}").format(q(schema, table)))
                assert cur.fetchone()[0] >= 0, name
        conn.rollback()
        # refused on staging, intermediate and the landing
        assert refused(conn, sql.SQL("select * from {} limit 1").format(q(*staging[0]))), staging[0]
        if intermediate:
            assert refused(conn, sql.SQL("select * from {} limit 1").format(q(*intermediate[0]))), intermediate[0]
        assert refused(conn, sql.SQL("select * from {} limit 1").format(q("raw_product", "events")))
        assert refused(conn, sql.SQL("select * from {} limit 1").format(q("raw_stripe", "invoices")))
        # cannot write: insert, update, delete, truncate a mart; create in the marts schema
        schema, table = marts.get("rpt_funnel", next(iter(marts.values())))
        assert refused(conn, sql.SQL("insert into {} select * from {}").format(q(schema, table), q(schema, table)))
        assert refused(conn, sql.SQL("delete from {}").format(q(schema, table)))
        assert refused(conn, sql.SQL("truncate {}").format(q(schema, table)))
        assert refused(conn, sql.SQL("create table {} (x integer)").format(q(schema, "reader_was_here")))
        assert refused(conn, sql.SQL("create schema reader_schema"))


def test_mart_comparison_can_fail():
    """The comparison used above is not vacuous: planted differences are found, float noise is not."""
    from datetime import datetime

    cols = ["account_id", "mrr_usd", "converted_at", "is_converted"]
    left = (cols, [("a1", 10.0, datetime(2026, 1, 1, 10), True), ("a2", None, None, False)])
    same = (list(reversed(cols)), [(False, None, None, "a2"), (True, datetime(2026, 1, 1, 10), 10.0 + 1e-9, "a1")])
    assert pgh.compare_tables("m", left, same, ("account_id",))["diffs"] == []
    off_float = (cols, [("a1", 10.01, datetime(2026, 1, 1, 10), True), ("a2", None, None, False)])
    off_null = (cols, [("a1", 10.0, datetime(2026, 1, 1, 10), True), ("a2", 0.0, None, False)])
    off_time = (cols, [("a1", 10.0, datetime(2026, 1, 1, 11), True), ("a2", None, None, False)])
    off_bool = (cols, [("a1", 10.0, datetime(2026, 1, 1, 10), False), ("a2", None, None, False)])
    missing_row = (cols, [("a1", 10.0, datetime(2026, 1, 1, 10), True)])
    for other in (off_float, off_null, off_time, off_bool, missing_row):
        assert pgh.compare_tables("m", left, other, ("account_id",))["diffs"], other
    assert pgh.compare_tables("m", left, (cols[:3], [r[:3] for r in left[1]]), ("account_id",))["missing_columns"] == [
        "is_converted"
    ]


def test_harness_has_no_passwordless_superuser_and_a_private_socket(pg_build):
    """Issue 12: no trust auth; the socket directory is not reachable by other users; loopback only."""
    import stat

    import psycopg2

    pg = pg_build[0]
    for host in (str(pg.sockdir), pg.host):
        for password in (None, "wrong-password"):
            kwargs = {} if password is None else {"password": password}
            with pytest.raises(psycopg2.OperationalError):
                psycopg2.connect(host=host, port=pg.port, user="postgres", dbname="postgres", **kwargs).close()
    assert stat.S_IMODE(os.stat(pg.sockdir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(pg.workdir).st_mode) == 0o700
    with contextlib.closing(pg.connect_admin()) as conn, conn.cursor() as cur:
        cur.execute("show listen_addresses")
        assert cur.fetchone()[0] == "127.0.0.1"
        cur.execute("show unix_socket_permissions")
        assert cur.fetchone()[0] == "0700"
        cur.execute("select distinct auth_method from pg_hba_file_rules where error is null")
        assert {r[0] for r in cur.fetchall()} == {"scram-sha-256"}
