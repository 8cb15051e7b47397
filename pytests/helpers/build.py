"""Helpers for the Python tests: build the dbt project into an isolated warehouse, read relations.

Every build gets its own DuckDB file, temp dir, --target-path and --log-path next to the warehouse, so
tests never touch warehouse/ or target/ and can run while others build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = PROJECT_DIR / ".venv" / "bin" / "dbt"
SHORT_SCHEMAS = ("staging", "intermediate", "marts", "reference")


class DbtBuildError(RuntimeError):
    """dbt build failed; the message carries the tail of its output and log."""


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path})"


def build_env(warehouse: Path) -> dict[str, str]:
    work = warehouse.parent
    env = os.environ.copy()
    env.update({
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "PLG_DUCKDB_PATH": str(warehouse),
        "PLG_DUCKDB_TEMP_DIR": str(work / f"{warehouse.stem}_tmp"),
        "PLG_DUCKDB_MEMORY_LIMIT": os.environ.get("PLG_DUCKDB_MEMORY_LIMIT", "3GB"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    })
    env.pop("PLG_TARGET", None)  # always the embedded DuckDB target
    return env


def build_project(warehouse: str | Path, *, select: str | None = None, vars: dict | None = None,
                  full_refresh: bool = False, extra_args: list[str] | None = None,
                  timeout: int = 3600) -> subprocess.CompletedProcess:
    """Run `dbt build` of the project into `warehouse` (a DuckDB file); raise DbtBuildError with the
    tail of dbt's output and log when it fails. extra_args are appended to the dbt command line
    (e.g. ["--exclude-resource-type", "unit_test"])."""
    warehouse = Path(warehouse).resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    stem = warehouse.stem
    target, logs = warehouse.parent / f"{stem}_target", warehouse.parent / f"{stem}_logs"
    for d in (target, logs, warehouse.parent / f"{stem}_tmp"):
        d.mkdir(parents=True, exist_ok=True)
    dbt = str(DBT) if DBT.exists() else str(Path(sys.executable).with_name("dbt"))
    cmd = [dbt, "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
           "--target-path", str(target), "--log-path", str(logs)]
    if select:
        cmd += ["--select", select]
    if vars:
        cmd += ["--vars", json.dumps(vars)]
    if full_refresh:
        cmd.append("--full-refresh")
    if extra_args:
        cmd += list(extra_args)
    result = subprocess.run(cmd, cwd=PROJECT_DIR, env=build_env(warehouse), capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        out_tail = "\n".join(result.stdout.splitlines()[-60:])
        raise DbtBuildError(
            f"dbt build failed (exit {result.returncode}): {' '.join(cmd)}\n--- stdout tail ---\n{out_tail}\n"
            f"--- stderr ---\n{result.stderr[-3000:]}\n--- dbt.log tail ---\n{_tail(logs / 'dbt.log', 40)}")
    return result


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
        n = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                        [relation_schema(schema), name]).fetchone()[0]
        return n > 0
    finally:
        con.close()
