"""The one way plg runs dbt and reads what it recorded.

    dbt_executable(venv_bin=None)        -> path of the dbt next to the interpreter (or of another venv)
    dbt_env(base=None, warehouse=..., ...) -> environment for a dbt run of this project
    dbt_command(args, target_path=..., log_path=..., vars=...) -> argv
    run_dbt(args, ...)                   -> subprocess.CompletedProcess (check=True raises DbtError)
    start_dbt(args, ..., stdout_path=)   -> subprocess.Popen writing its output to a file
    read_run_results(path)               -> RunResults (a target dir or a run_results.json), or None

Used by plg.bench, plg.marts, plg.postgres, plg.publish, plg.spark, plg.summary and the pytests, so that
the profile directory, the anonymous-usage switch, --target-path/--log-path and the reading of
run_results.json are written once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
# statuses of a node that did its job (warn: the severity the test's owner chose)
OK_STATUSES = ("success", "pass", "warn", "no-op")


class DbtError(RuntimeError):
    """dbt exited non-zero; the message carries the command and the tail of its output and log."""


def dbt_executable(venv_bin: str | os.PathLike | None = None) -> str:
    """dbt of `venv_bin` (another venv, e.g. .venv-spark/bin), else the one next to this interpreter,
    else the project's .venv, else dbt on PATH."""
    candidates = (
        [Path(venv_bin) / "dbt"]
        if venv_bin
        else [Path(sys.executable).parent / "dbt", PROJECT_DIR / ".venv" / "bin" / "dbt"]
    )
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise DbtError("dbt not found next to the Python interpreter, in .venv nor on PATH (run make install)")
    return found


def dbt_env(
    base: dict[str, str] | None = None,
    *,
    warehouse: str | os.PathLike | None = None,
    temp_dir: str | os.PathLike | None = None,
    memory_limit: str | None = None,
    target: str | None = None,
    profiles_dir: str | os.PathLike = PROJECT_DIR,
    **extra: str,
) -> dict[str, str]:
    """Environment of a dbt run of this project: `base` (default os.environ), the profile directory
    (default the project's), no usage statistics; `warehouse` (PLG_DUCKDB_PATH) with its spill dir `temp_dir`
    (PLG_DUCKDB_TEMP_DIR) and `memory_limit` (PLG_DUCKDB_MEMORY_LIMIT); `target` sets PLG_TARGET
    ("duckdb" removes it: the embedded DuckDB default); `extra` are set as given."""
    env = dict(os.environ if base is None else base)
    env["DBT_PROFILES_DIR"] = str(profiles_dir)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    if warehouse is not None:
        env["PLG_DUCKDB_PATH"] = str(warehouse)
        env.pop("PLG_TARGET", None)
    if temp_dir is not None:
        env["PLG_DUCKDB_TEMP_DIR"] = str(temp_dir)
    if memory_limit is not None:
        env["PLG_DUCKDB_MEMORY_LIMIT"] = memory_limit
    if target == "duckdb":
        env.pop("PLG_TARGET", None)
    elif target:
        env["PLG_TARGET"] = target
    env.update(extra)
    return env


def dbt_command(
    args: list[str] | tuple[str, ...],
    *,
    target_path: str | os.PathLike | None = None,
    log_path: str | os.PathLike | None = None,
    project_dir: str | os.PathLike | None = PROJECT_DIR,
    vars: dict | str | None = None,
    venv_bin: str | os.PathLike | None = None,
) -> list[str]:
    """argv of `dbt <args>` with --project-dir, --target-path, --log-path and --vars when given."""
    cmd = [dbt_executable(venv_bin), *args]
    if project_dir is not None:
        cmd += ["--project-dir", str(project_dir)]
    if target_path is not None:
        cmd += ["--target-path", str(target_path)]
    if log_path is not None:
        cmd += ["--log-path", str(log_path)]
    if vars:
        cmd += ["--vars", vars if isinstance(vars, str) else json.dumps(vars)]
    return cmd


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path})"


def run_dbt(
    args: list[str] | tuple[str, ...],
    *,
    env: dict[str, str] | None = None,
    target_path: str | os.PathLike | None = None,
    log_path: str | os.PathLike | None = None,
    cwd: str | os.PathLike = PROJECT_DIR,
    project_dir: str | os.PathLike | None = PROJECT_DIR,
    vars: dict | str | None = None,
    venv_bin: str | os.PathLike | None = None,
    timeout: float | None = None,
    check: bool = False,
) -> subprocess.CompletedProcess:
    """Run `dbt <args>` (output captured as text). env defaults to dbt_env(). check=True raises
    DbtError with the tail of the output, of stderr and of dbt.log when dbt fails."""
    cmd = dbt_command(
        args, target_path=target_path, log_path=log_path, project_dir=project_dir, vars=vars, venv_bin=venv_bin
    )
    proc = subprocess.run(
        cmd, cwd=cwd, env=dbt_env() if env is None else env, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        log = Path(log_path or Path(cwd) / "logs") / "dbt.log"
        out_tail = "\n".join(proc.stdout.splitlines()[-60:])
        raise DbtError(
            f"dbt {args[0] if args else ''} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout tail ---\n{out_tail}\n--- stderr ---\n{proc.stderr[-3000:]}\n"
            f"--- dbt.log tail ---\n{_tail(log, 40)}"
        )
    return proc


def start_dbt(
    args: list[str] | tuple[str, ...],
    *,
    stdout_path: str | os.PathLike,
    env: dict[str, str] | None = None,
    target_path: str | os.PathLike | None = None,
    log_path: str | os.PathLike | None = None,
    cwd: str | os.PathLike = PROJECT_DIR,
    vars: dict | str | None = None,
) -> subprocess.Popen:
    """Like run_dbt, in the background; stdout and stderr go to `stdout_path` (also proc.stdout_path)."""
    cmd = dbt_command(args, target_path=target_path, log_path=log_path, vars=vars)
    out = Path(stdout_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as fh:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=dbt_env() if env is None else env, stdout=fh, stderr=subprocess.STDOUT, text=True
        )
    proc.stdout_path = out  # type: ignore[attr-defined]
    return proc


# --------------------------------------------------------------------------- run_results.json


@dataclass(frozen=True)
class RunResults:
    """dbt's record of one invocation (run_results.json)."""

    path: Path
    data: dict[str, Any]

    @property
    def results(self) -> list[dict[str, Any]]:
        return self.data.get("results", [])

    @property
    def invocation_id(self) -> str | None:
        return (self.data.get("metadata") or {}).get("invocation_id")

    @property
    def command(self) -> str | None:
        """The dbt sub-command recorded (build, run, docs, ...)."""
        return (self.data.get("args") or {}).get("which")

    @property
    def elapsed_seconds(self) -> float | None:
        value = self.data.get("elapsed_time")
        return float(value) if isinstance(value, (int, float)) else None

    def statuses(self) -> dict[str, str]:
        """unique_id -> status."""
        return {r["unique_id"]: r["status"] for r in self.results}

    def status_counts(self) -> dict[str, int]:
        return dict(Counter(r["status"] for r in self.results))

    def counts_by_type(self) -> Counter[tuple[str, str]]:
        """(resource type from the unique_id, status) -> nodes."""
        return Counter((r["unique_id"].split(".")[0], r["status"]) for r in self.results)

    def failing(self, message_chars: int = 300) -> list[tuple[str, str, str]]:
        """(unique_id, status, message) of every node whose status is not in OK_STATUSES."""
        return [
            (r["unique_id"], r["status"], (r.get("message") or "")[:message_chars])
            for r in self.results
            if r["status"] not in OK_STATUSES
        ]


def read_run_results(path: str | os.PathLike) -> RunResults | None:
    """The run_results.json at `path` (a file, or a --target-path directory holding one); None if absent."""
    path = Path(path)
    if path.is_dir():
        path = path / "run_results.json"
    if not path.exists():
        return None
    return RunResults(path, json.loads(path.read_text(encoding="utf-8")))


def run_results_summary(target_path: str | os.PathLike) -> dict[str, Any]:
    """{"statuses": {status: n}, "failing": [(unique_id, status, message)], "total": n} of a target dir."""
    record = read_run_results(target_path)
    if record is None:
        return {
            "statuses": {},
            "failing": [("dbt", "error", "no run_results.json: dbt did not run (parse error?)")],
            "total": 0,
        }
    return {"statuses": record.status_counts(), "failing": record.failing(), "total": len(record.results)}
