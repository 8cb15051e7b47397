"""Publish the public marts for readers (BI tools, the HTML report) without ever locking them out.

Only the result of a complete, successful build is published (issue 12): before copying anything,
the build's own record is checked (``--build-dir``, the build's --target-path: run_results.json and
manifest.json): it is a `dbt build`/`dbt run` whose every selected node succeeded (nothing failed,
errored or was skipped), every public mart of the manifest was built by it, and it is the latest build
that started on the working file and it ended (``<schema>.plg_run_log``, written by the on-run-start /
on-run-end hooks): a build killed midway, or a later partial one, is refused with the reason.

The marts published are the manifest's public marts (plg.marts: access public under models/marts),
each with its YAML description and column descriptions as table and column COMMENTs, in a file
written in DuckDB storage version ``v1.0.0`` so that every DuckDB 1.x client (Python 1.x wheels,
@duckdb/node-api 1.x, Evidence) opens it as well as DuckDB 2.x.

DuckDB allows one writer OR many readers on a file. The build (dbt) therefore writes a
*working* file (warehouse/plg.duckdb) that no BI tool opens; readers open the *readers'*
file (warehouse/plg_marts.duckdb) read-only. Publishing:

1. removes stale temp files left by a killed earlier run (``<readers file>.tmp-*``);
2. copies every public mart (working schema ``analytics_marts``) into a new temp file next to the
   readers' file (storage version v1.0.0), schema ``marts``, with comments, plus ``marts._published``
   (one row per mart: row_count, as_of_date, published_at, invocation_id of the build);
3. checks every copied row count, checkpoints, closes the temp file and fsyncs it;
4. swaps it in with ``os.replace`` (atomic on POSIX) and fsyncs the directory.

A reader holding a connection keeps reading the old complete file (its inode stays alive until
it closes); new connections see the new complete file. A publish killed at any point leaves the
readers' file untouched: either the old or the new complete state, never a mix. If a public mart
is missing in the working file, nothing is published (exit code 2).

    python -m plg.publish --from warehouse/plg.duckdb --to warehouse/plg_marts.duckdb --build-dir target/run

BI tools connect to the readers' file read-only, e.g. ``duckdb.connect(path, read_only=True)``,
and read ``marts.<mart>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from plg.dbt_runner import read_run_results
from plg.marts import PROJECT_DIR, Mart, load_manifest, public_mart_names, public_marts

# DuckDB 1.x clients cannot open a file in DuckDB 2.0's storage format; v1.0.0 opens in 1.0 and later.
STORAGE_VERSION = "v1.0.0"


def __getattr__(name: str):
    """PUBLIC_MARTS: the public mart names, from the project's manifest (never written out by hand)."""
    if name == "PUBLIC_MARTS":
        return public_mart_names()
    raise AttributeError(name)


# dbt writes the marts to <target schema>_marts (profiles.yml: PLG_SCHEMA, default analytics)
_BASE_SCHEMA = os.environ.get("PLG_SCHEMA", "analytics")
SOURCE_SCHEMA = f"{_BASE_SCHEMA}_marts"
CLOCK_RELATION = f"{_BASE_SCHEMA}_intermediate.int_clock"
RUN_LOG_RELATION = f"{_BASE_SCHEMA}.plg_run_log"
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


def check_build_record(build_dir: Path) -> tuple[str, dict[str, Mart]]:
    """The build's own record (run_results.json + manifest.json of its target path): returns
    (invocation_id, public marts). Raises PublishError saying why the build cannot be published."""
    build_dir = Path(build_dir).resolve()
    run_results, manifest_path = build_dir / "run_results.json", build_dir / "manifest.json"
    for path in (run_results, manifest_path):
        if not path.exists():
            raise PublishError(
                f"no build record: {path} is missing. Run the build first, e.g. "
                f"`dbt build --target-path {build_dir}` (make run does), then publish with "
                f"--build-dir {build_dir}."
            )
    record = read_run_results(run_results)
    which = record.command
    if which not in ("build", "run"):
        raise PublishError(
            f"{run_results} records a `dbt {which}`, not a build: nothing to publish. "
            "Run `dbt build` with that --target-path first."
        )
    invocation_id = record.invocation_id
    bad = [(uid, status) for uid, status, _ in record.failing()]
    if bad:
        listed = "; ".join(f"{uid} {status}" for uid, status in bad[:12])
        more = f" (and {len(bad) - 12} more)" if len(bad) > 12 else ""
        raise PublishError(
            f"the build {invocation_id} did not complete successfully: {len(bad)} nodes not "
            f"successful: {listed}{more}. Nothing was published; fix the build and run it again."
        )
    marts = public_marts(load_manifest(build_dir))
    if not marts:
        raise PublishError(f"{manifest_path} lists no public mart (models with access public under models/marts)")
    status = record.statuses()
    not_built = [m.name for m in marts.values() if status.get(m.unique_id) != "success"]
    if not_built:
        raise PublishError(
            f"the build {invocation_id} did not build every public mart (not selected or not "
            f"successful): {', '.join(not_built)}. Run a complete `dbt build` first."
        )
    return invocation_id, marts


def _check_run_log(con: duckdb.DuckDBPyConnection, invocation_id: str, working_path: Path) -> None:
    """The latest build that started on the working file is `invocation_id`, and it ended."""
    schema, table = RUN_LOG_RELATION.split(".", 1)
    found = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = 'src' and table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not found:
        raise PublishError(
            f"{working_path} has no build log ({RUN_LOG_RELATION}, written by the project's "
            "on-run-start/on-run-end hooks): it was not built by this project's dbt build."
        )
    log = f"src.{_quote(schema)}.{_quote(table)}"
    latest = con.execute(
        f"select invocation_id, recorded_at from {log} where event = 'started' order by recorded_at desc limit 1"
    ).fetchone()
    if latest is None or latest[0] != invocation_id:
        started = f"build {latest[0]} started at {latest[1]}" if latest else "no build started"
        raise PublishError(
            f"the working file was changed after the recorded build {invocation_id}: {started} "
            "and is not the build in run_results.json (killed, failed before it ended, or run "
            "with another --target-path). Its marts may be stale or half rebuilt: nothing was "
            "published. Run the build again, then publish."
        )
    ended = con.execute(
        f"select count(*) from {log} where event = 'ended' and invocation_id = ?", [invocation_id]
    ).fetchone()[0]
    if not ended:
        raise PublishError(
            f"the build {invocation_id} started on the working file but never ended (killed?): "
            "nothing was published. Run the build again, then publish."
        )


def publish(
    working_path: Path,
    readers_path: Path,
    marts: Sequence[str] | None = None,
    *,
    build_dir: Path | None = None,
    check_build: bool = True,
) -> dict[str, int]:
    """Copy the public marts of the working file into the readers' file atomically.

    With check_build (the default, and always on the command line) the build record of `build_dir`
    (default: the project's target/) must show a complete successful build that is the working file's
    latest; the marts and their descriptions come from its manifest. check_build=False (tests of the
    file swap on synthetic working files) publishes `marts` (default: the project manifest's list).
    Returns {mart: row_count}. Raises PublishError (nothing published) when refused.
    """
    working_path = Path(working_path).resolve()
    readers_path = Path(readers_path).resolve()
    if not working_path.exists():
        raise PublishError(f"working file {working_path} does not exist: run the build first")
    if working_path == readers_path:
        raise PublishError("the readers' file must differ from the working file")
    invocation_id = None
    if check_build:
        invocation_id, described = check_build_record(Path(build_dir) if build_dir else PROJECT_DIR / "target")
    else:
        described = public_marts(load_manifest())
    if marts is None:
        marts = tuple(described)
    readers_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale_temp_files(readers_path):
        _log(f"removed stale temp file {stale}")

    tmp_path = readers_path.with_name(f"{readers_path.name}{TMP_SUFFIX}{os.getpid()}")
    counts: dict[str, int] = {}
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"attach {_sql_literal(str(tmp_path))} as dst (storage_version '{STORAGE_VERSION}')")
            con.execute(f"attach {_sql_literal(str(working_path))} as src (read_only)")
            if invocation_id is not None:
                _check_run_log(con, invocation_id, working_path)
            existing = {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables where table_catalog = 'src' and table_schema = ?",
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
            con.execute(f"create schema dst.{TARGET_SCHEMA}")
            for i, mart in enumerate(marts, start=1):
                src = f"src.{_quote(SOURCE_SCHEMA)}.{_quote(mart)}"
                dst = f"dst.{TARGET_SCHEMA}.{_quote(mart)}"
                con.execute(f"create table {dst} as select * from {src}")
                n_src = con.execute(f"select count(*) from {src}").fetchone()[0]
                n_dst = con.execute(f"select count(*) from {dst}").fetchone()[0]
                if n_src != n_dst:
                    raise PublishError(f"{mart}: copied {n_dst} rows, expected {n_src}")
                _comment(con, dst, mart, described.get(mart))
                counts[mart] = n_dst
                _log(f"[{i}/{len(marts)}] {mart}: {n_dst} rows")
            con.execute(
                f"create table dst.{TARGET_SCHEMA}._published ("
                "mart_name varchar not null primary key, row_count bigint not null, "
                "as_of_date date, published_at timestamp not null, invocation_id varchar)"
            )
            con.executemany(
                f"insert into dst.{TARGET_SCHEMA}._published values (?, ?, ?, ?, ?)",
                [(m, counts[m], as_of_date, published_at, invocation_id) for m in marts],
            )
            con.execute(
                f"comment on table dst.{TARGET_SCHEMA}._published is "
                + _sql_literal("One row per published mart: rows, as-of date, when, and the dbt build (invocation_id).")
            )
            con.execute("detach src")
            con.execute("checkpoint dst")
            con.execute("detach dst")
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


def _comment(con: duckdb.DuckDBPyConnection, dst: str, mart: str, described: Mart | None) -> None:
    """The mart's YAML description and column descriptions as table and column comments."""
    if described is None:
        return
    if described.description:
        con.execute(f"comment on table {dst} is {_sql_literal(described.description)}")
    present = {r[0] for r in con.execute(f"select column_name from (describe {dst})").fetchall()}
    for column, text in described.columns.items():
        if text and column in present:
            con.execute(f"comment on column {dst}.{_quote(column)} is {_sql_literal(text)}")


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
    parser.add_argument(
        "--build-dir",
        default="target/run",
        help="the build's --target-path (its run_results.json and manifest.json are checked)",
    )
    args = parser.parse_args(argv)
    try:
        counts = publish(Path(args.working), Path(args.readers), build_dir=Path(args.build_dir))
    except PublishError as exc:
        _log(f"ERROR: {exc}")
        return 2
    print(f"published {len(counts)} marts ({sum(counts.values())} rows) to {Path(args.readers).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
