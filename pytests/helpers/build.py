"""Helpers for the Python tests: build the dbt project into an isolated warehouse, read relations.

Every build gets its own DuckDB file, temp dir, --target-path and --log-path next to the warehouse, so
tests never touch warehouse/ or target/ and can run while others build.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pandas as pd

from plg.dbt_runner import PROJECT_DIR, DbtError, dbt_env, run_dbt

__all__ = [
    "PROJECT_DIR",
    "DbtBuildError",
    "build_env",
    "build_project",
    "read_relation",
    "relation_exists",
    "relation_schema",
]

SHORT_SCHEMAS = ("staging", "intermediate", "marts", "reference")
DbtBuildError = DbtError  # dbt build failed; the message carries the tail of its output and log


def build_env(warehouse: Path) -> dict[str, str]:
    """dbt's environment for a build into `warehouse` (its own spill dir next to it, 3GB by default)."""
    warehouse = Path(warehouse)
    return dbt_env(
        warehouse=warehouse,
        temp_dir=warehouse.parent / f"{warehouse.stem}_tmp",
        memory_limit=os.environ.get("PLG_DUCKDB_MEMORY_LIMIT", "3GB"),
    )


def build_project(
    warehouse: str | Path,
    *,
    select: str | None = None,
    vars: dict | None = None,
    full_refresh: bool = False,
    extra_args: list[str] | None = None,
    timeout: int = 3600,
) -> subprocess.CompletedProcess:
    """Run `dbt build` of the project into `warehouse` (a DuckDB file); raise DbtBuildError with the
    tail of dbt's output and log when it fails. extra_args are appended to the dbt command line
    (e.g. ["--exclude-resource-type", "unit_test"])."""
    warehouse = Path(warehouse).resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    stem = warehouse.stem
    target, logs = warehouse.parent / f"{stem}_target", warehouse.parent / f"{stem}_logs"
    for d in (target, logs, warehouse.parent / f"{stem}_tmp"):
        d.mkdir(parents=True, exist_ok=True)
    args = ["build"]
    if select:
        args += ["--select", select]
    if full_refresh:
        args.append("--full-refresh")
    args += list(extra_args or [])
    return run_dbt(
        args, env=build_env(warehouse), target_path=target, log_path=logs, vars=vars, timeout=timeout, check=True
    )


def relation_schema(schema: str) -> str:
    """'marts' -> 'analytics_marts' (dbt's `<target schema>_<custom schema>`); full names pass through."""
    if schema in SHORT_SCHEMAS:
        return f"{os.environ.get('PLG_SCHEMA', 'analytics')}_{schema}"
    return schema


def read_relation(warehouse: str | Path, schema: str, name: str) -> pd.DataFrame:
    """The whole relation schema.name of the warehouse as a DataFrame (read-only connection)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(f'select * from "{relation_schema(schema)}"."{name}"').df()
    finally:
        con.close()


def relation_exists(warehouse: str | Path, schema: str, name: str) -> bool:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        n = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [relation_schema(schema), name],
        ).fetchone()[0]
        return n > 0
    finally:
        con.close()
