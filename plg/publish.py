"""Publish the public marts for readers (BI tools, the HTML report) without ever locking them out.

DuckDB allows one writer OR many readers on a file. The build (dbt) therefore writes a
*working* file (warehouse/plg.duckdb) that no BI tool opens; readers open the *readers'*
file (warehouse/plg_marts.duckdb) read-only. Publishing:

1. removes stale temp files left by a killed earlier run (``<readers file>.tmp-*``);
2. copies every public mart of MARTS.md (working schema ``analytics_marts``) into a new
   temp file next to the readers' file, schema ``marts``, plus ``marts._published``
   (one row per mart: row_count, as_of_date, published_at);
3. checks every copied row count, checkpoints, closes the temp file and fsyncs it;
4. swaps it in with ``os.replace`` (atomic on POSIX) and fsyncs the directory.

A reader holding a connection keeps reading the old complete file (its inode stays alive until
it closes); new connections see the new complete file. A publish killed at any point leaves the
readers' file untouched: either the old or the new complete state, never a mix. If a public mart
is missing in the working file, nothing is published (exit code 2).

    python -m plg.publish --from warehouse/plg.duckdb --to warehouse/plg_marts.duckdb

BI tools connect to the readers' file read-only, e.g. ``duckdb.connect(path, read_only=True)``,
and read ``marts.<mart>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import sys
from pathlib import Path
from typing import Sequence

import duckdb

# The public marts of MARTS.md: the readers' interface.
PUBLIC_MARTS: tuple[str, ...] = (
    "dim_accounts",
    "fct_activation",
    "fct_engagement_weekly",
    "fct_conversions",
    "fct_cohort_conversion",
    "fct_mrr",
    "rpt_conversion_dashboard",
    "rpt_funnel",
    "rpt_segment_conversion",
    "rpt_kpis_monthly",
    "rpt_product_qualified_accounts",
    "rpt_low_converting_cohorts",
    "rpt_team_invites",
    "rpt_trial_length",
    "rpt_sales_assist",
    "rpt_data_quality",
)
# dbt writes the marts to <target schema>_marts (profiles.yml: PLG_SCHEMA, default analytics)
_BASE_SCHEMA = os.environ.get("PLG_SCHEMA", "analytics")
SOURCE_SCHEMA = f"{_BASE_SCHEMA}_marts"
CLOCK_RELATION = f"{_BASE_SCHEMA}_intermediate.int_clock"
TARGET_SCHEMA = "marts"
TMP_SUFFIX = ".tmp-"


class PublishError(RuntimeError):
    """The working file cannot be published (missing mart, row count mismatch)."""


def _log(message: str) -> None:
    print(f"[publish] {message}", file=sys.stderr, flush=True)


def remove_stale_temp_files(readers_path: Path) -> list[Path]:
    """Remove temp files (and their WAL) left by an earlier publish that was killed."""
    removed = []
    for name in glob.glob(glob.escape(str(readers_path)) + TMP_SUFFIX + "*"):
        path = Path(name)
        pid_part = path.name.split(TMP_SUFFIX, 1)[1].split(".", 1)[0]
        if pid_part.isdigit() and int(pid_part) != os.getpid() and _pid_alive(int(pid_part)):
            continue  # another publish is running right now: leave its file alone
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def publish(working_path: Path, readers_path: Path, marts: Sequence[str] = PUBLIC_MARTS) -> dict[str, int]:
    """Copy the public marts of the working file into the readers' file atomically.

    Returns {mart: row_count}. Raises PublishError (nothing published) when a mart is missing.
    """
    working_path = Path(working_path).resolve()
    readers_path = Path(readers_path).resolve()
    if not working_path.exists():
        raise PublishError(f"working file {working_path} does not exist: run the build first")
    if working_path == readers_path:
        raise PublishError("the readers' file must differ from the working file")
    readers_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale_temp_files(readers_path):
        _log(f"removed stale temp file {stale}")

    tmp_path = readers_path.with_name(f"{readers_path.name}{TMP_SUFFIX}{os.getpid()}")
    counts: dict[str, int] = {}
    published_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    try:
        con = duckdb.connect(str(tmp_path))
        try:
            con.execute(f"attach {_sql_literal(str(working_path))} as src (read_only)")
            existing = {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = 'src' and table_schema = ?",
                    [SOURCE_SCHEMA],
                ).fetchall()
            }
            missing = [m for m in marts if m not in existing]
            if missing:
                raise PublishError(
                    f"public marts missing in {working_path} schema {SOURCE_SCHEMA}: {', '.join(missing)}. "
                    "Nothing was published; the readers' file is unchanged. Run the build (dbt build) first."
                )
            as_of_date = _as_of_date(con)
            con.execute(f"create schema {TARGET_SCHEMA}")
            for i, mart in enumerate(marts, start=1):
                src = f"src.{_quote(SOURCE_SCHEMA)}.{_quote(mart)}"
                con.execute(f"create table {TARGET_SCHEMA}.{_quote(mart)} as select * from {src}")
                n_src = con.execute(f"select count(*) from {src}").fetchone()[0]
                n_dst = con.execute(f"select count(*) from {TARGET_SCHEMA}.{_quote(mart)}").fetchone()[0]
                if n_src != n_dst:
                    raise PublishError(f"{mart}: copied {n_dst} rows, expected {n_src}")
                counts[mart] = n_dst
                _log(f"[{i}/{len(marts)}] {mart}: {n_dst} rows")
            con.execute(
                f"create table {TARGET_SCHEMA}._published ("
                "mart_name varchar not null primary key, row_count bigint not null, "
                "as_of_date date, published_at timestamp not null)"
            )
            con.executemany(
                f"insert into {TARGET_SCHEMA}._published values (?, ?, ?, ?)",
                [(m, counts[m], as_of_date, published_at) for m in marts],
            )
            con.execute("detach src")
            con.execute("checkpoint")
        finally:
            con.close()
        wal = Path(str(tmp_path) + ".wal")
        if wal.exists():  # checkpoint + close leaves no WAL; a WAL here means the file is incomplete
            raise PublishError(f"temp file {tmp_path} still has a WAL after checkpoint; not publishing")
        _fsync_path(tmp_path)
        os.replace(tmp_path, readers_path)  # atomic swap: readers see the old or the new file
        _fsync_path(readers_path.parent, directory=True)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        Path(str(tmp_path) + ".wal").unlink(missing_ok=True)
        raise
    # a WAL of an older readers' file would be replayed onto the new file: there must be none
    Path(str(readers_path) + ".wal").unlink(missing_ok=True)
    return counts


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    schema, table = CLOCK_RELATION.split(".", 1)
    found = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = 'src' and table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not found:
        return None
    return con.execute(f"select max(as_of_date) from src.{_quote(schema)}.{_quote(table)}").fetchone()[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="working", default="warehouse/plg.duckdb", help="the build's working file")
    parser.add_argument("--to", dest="readers", default="warehouse/plg_marts.duckdb", help="the readers' file")
    args = parser.parse_args(argv)
    try:
        counts = publish(Path(args.working), Path(args.readers))
    except PublishError as exc:
        _log(f"ERROR: {exc}")
        return 2
    print(f"published {len(counts)} marts ({sum(counts.values())} rows) to {Path(args.readers).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
