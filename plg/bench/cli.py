"""``python -m plg.bench``: benchmark the project at several landing sizes.

For each size (events), in its own directory ``<workdir>/<size>/``:

1. generate the landing (``python -m plg.generate --events N``): time, peak RSS
   of the generator's process tree, events landed and throughput;
2. the floor: one DuckDB process reads ``raw_product.events`` once and writes
   an account × day aggregate (same memory limit and threads as dbt);
3. ``dbt parse`` twice: cold (no saved manifest) then with partial parsing;
   the builds below start from that parsed project, as a deployed schedule does;
4. full build (``dbt build --full-refresh``, unit tests left to CI): wall time,
   peak RSS of dbt and its children, the ten slowest models from ``run_results.json``;
5. append one more day of events (``--append-day``, with late arrivals and
   re-deliveries as the generator makes them) and run ``dbt build``
   (incremental): time, RSS, slowest models, share of the full build;
6. merge the figures into ``<out>/results.json`` and regenerate ``results.md``.

Examples::

    python -m plg.bench --sizes 1000000
    python -m plg.bench --sizes 1000000 10000000 --workdir bench_results/scratch --out bench_results
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from plg.bench import results as results_mod
from plg.bench.procmon import Measured, run_measured

PROJECT_DIR = Path(__file__).resolve().parents[2]
FLOOR_SQL = (
    "create table t as "
    "select account_id, cast(occurred_at as date) as occurred_date, count(*) as events "
    "from {events} group by 1, 2"
)

# Targets of issue 5 (checked by reading the benchmark, never by a timed test).
TARGET_FULL_100M_SECONDS = 600.0
TARGET_FULL_100M_PEAK_MB = 12 * 1024.0
TARGET_FULL_10M_SECONDS = 60.0
TARGET_INCREMENTAL_SHARE = 0.10
TARGET_FULL_OVER_FLOOR = 10.0


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[bench {stamp}] {message}", flush=True)


# --------------------------------------------------------------------------- helpers

def machine_info() -> dict[str, Any]:
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass

    def version(module: str) -> str | None:
        try:
            from importlib.metadata import version as v

            return v(module)
        except Exception:  # noqa: BLE001 - a missing package is reported as None
            return None

    return {
        "hostname": socket.gethostname(),
        "load_average_at_start": load_average(),
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": version("duckdb"),
        "dbt_core": version("dbt-core"),
        "dbt_duckdb": version("dbt-duckdb"),
    }


def load_average() -> float | None:
    """1-minute load average: other work on the machine inflates every time measured."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise SystemExit("dbt not found next to the Python interpreter nor on PATH (run make install)")
    return found


def parse_size(text: str) -> int:
    """1000000, 1_000_000, 1e6, 1M, 10m, 100M, 500k."""
    raw = text.strip().replace("_", "").replace(",", "")
    factor = 1
    if raw[-1:].lower() in ("k", "m", "b"):
        factor = {"k": 10**3, "m": 10**6, "b": 10**9}[raw[-1].lower()]
        raw = raw[:-1]
    value = float(raw) * factor
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"not a positive whole number of events: {text!r}")
    return int(value)


def slowest_models(run_results_path: Path, manifest_path: Path | None, top: int = 10) -> dict[str, Any]:
    """Per-phase summary from run_results.json: the slowest models, model/test time."""
    if not run_results_path.exists():
        return {"slowest_models": [], "models_seconds": None, "tests_seconds": None, "nodes": None, "failures": None,
                "failed_nodes": []}
    data = json.loads(run_results_path.read_text(encoding="utf-8"))
    materialized: dict[str, str] = {}
    if manifest_path and manifest_path.exists():
        try:
            nodes = json.loads(manifest_path.read_text(encoding="utf-8")).get("nodes", {})
            materialized = {uid: node.get("config", {}).get("materialized") for uid, node in nodes.items()}
        except (OSError, ValueError):
            materialized = {}
    models, models_s, tests_s, failures, failed = [], 0.0, 0.0, 0, []
    for item in data.get("results", []):
        uid = item.get("unique_id", "")
        seconds = float(item.get("execution_time") or 0.0)
        if item.get("status") in ("error", "fail", "runtime error"):
            failures += 1
            failed.append(uid.split(".")[-1] if uid.startswith("model.") else uid)
        if uid.startswith("model."):
            models_s += seconds
            models.append({"model": uid.split(".")[-1], "seconds": round(seconds, 3),
                           "materialized": materialized.get(uid), "status": item.get("status")})
        elif uid.startswith(("test.", "unit_test.")):
            tests_s += seconds
    models.sort(key=lambda m: m["seconds"], reverse=True)
    return {
        "slowest_models": models[:top],
        "models_seconds": round(models_s, 2),
        "tests_seconds": round(tests_s, 2),
        "nodes": len(data.get("results", [])),
        "failures": failures,
        "failed_nodes": failed[:20],
    }


def _duckdb_count(path: Path, sql: str) -> int | None:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return int(con.execute(sql).fetchone()[0])
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001 - reported, never fatal
        log(f"  could not count ({exc.__class__.__name__}: {exc})")
        return None


FLOOR_SCRIPT = r"""
import sys, time, duckdb
warehouse, floor_db, memory_limit, threads, temp_dir, sql = sys.argv[1:7]
con = duckdb.connect(floor_db)
con.execute(f"set memory_limit = '{memory_limit}'")
con.execute(f"set threads = {int(threads)}")
con.execute(f"set temp_directory = '{temp_dir}'")
con.execute("set preserve_insertion_order = false")
con.execute(f"attach '{warehouse}' as wh (read_only)")
con.execute("drop table if exists t")
start = time.perf_counter()
con.execute(sql)
con.execute("checkpoint")
seconds = time.perf_counter() - start
rows = con.execute("select count(*) from t").fetchone()[0]
print(f"FLOOR seconds={seconds:.6f} rows={rows}")
"""


# --------------------------------------------------------------------------- one size

class SizeRun:
    def __init__(self, size: int, args: argparse.Namespace, workdir: Path):
        self.size = size
        self.args = args
        self.dir = workdir / str(size)
        self.warehouse = self.dir / "wh.duckdb"
        self.temp_dir = self.dir / "tmp"
        self.target = self.dir / "target"
        self.logs = self.dir / "logs"
        self.dbt = dbt_executable()
        self.notes: list[str] = []

    # environment shared by dbt and the generator: our own warehouse, spill dir and limits
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "DBT_PROFILES_DIR": str(self.args.profiles_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "PLG_DUCKDB_PATH": str(self.warehouse),
            "PLG_DUCKDB_TEMP_DIR": str(self.temp_dir),
            "PLG_DUCKDB_MEMORY_LIMIT": self.args.memory_limit,
            "PLG_DUCKDB_THREADS": str(self.args.duckdb_threads),
            "PLG_THREADS": str(self.args.dbt_threads),
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def prepare(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        for path in (self.temp_dir, self.target, self.logs):
            path.mkdir(parents=True, exist_ok=True)

    def _run(self, name: str, argv: list[str], cwd: Path | None = None) -> Measured:
        echo = "    | " if self.args.verbose else None
        measured = run_measured(argv, env=self.env(), cwd=cwd or self.args.project_dir,
                                log_file=self.logs / f"{name}.out", echo_prefix=echo)
        status = "ok" if measured.ok else f"FAILED (exit {measured.returncode})"
        rss = f", peak RSS {measured.peak_rss_mb:,.0f} MB" if measured.peak_rss_mb is not None else ""
        log(f"  {name}: {status} in {measured.seconds:,.1f} s{rss}")
        if not measured.ok:
            for line in measured.output_tail[-15:]:
                log(f"    | {line}")
            log_path = self.logs / f"{name}.out"
            try:
                log_path = log_path.relative_to(self.args.project_dir)
            except ValueError:
                pass
            self.notes.append(f"{name} failed with exit code {measured.returncode}; see {log_path}")
        return measured

    def _dbt(self, name: str, *dbt_args: str) -> Measured:
        argv = [self.dbt, *dbt_args, "--project-dir", str(self.args.project_dir),
                "--target-path", str(self.target), "--log-path", str(self.logs)]
        if self.args.vars:
            argv += ["--vars", self.args.vars]
        return self._run(name, argv)

    def _phase_copy(self, name: str) -> None:
        """Keep a copy of run_results.json of a phase (the next dbt call overwrites it)."""
        src = self.target / "run_results.json"
        if src.exists():
            shutil.copy2(src, self.logs / f"{name}.run_results.json")

    def generate(self, append_day: bool) -> Measured:
        argv = [sys.executable, "-m", "plg.generate", "--events", str(self.size), "--seed", str(self.args.seed),
                "--warehouse", str(self.warehouse)]
        if append_day:
            argv.append("--append-day")
        argv += self.args.generator_arg or []
        return self._run("append_day" if append_day else "generate", argv)

    def floor(self) -> dict[str, Any]:
        floor_db = self.dir / "floor.duckdb"
        if floor_db.exists():
            floor_db.unlink()
        sql = FLOOR_SQL.format(events=f"wh.{self.args.product_schema}.events")
        argv = [sys.executable, "-c", FLOOR_SCRIPT, str(self.warehouse), str(floor_db), self.args.memory_limit,
                str(self.args.duckdb_threads), str(self.temp_dir), sql]
        measured = self._run("floor", argv)
        result: dict[str, Any] = {"seconds": None, "process_seconds": round(measured.seconds, 3),
                                  "peak_rss_mb": measured.peak_rss_mb, "rows": None,
                                  "sql": FLOOR_SQL.format(events=f"{self.args.product_schema}.events")}
        for line in measured.output_tail:
            if line.startswith("FLOOR "):
                fields = dict(part.split("=", 1) for part in line.split()[1:])
                result["seconds"] = round(float(fields["seconds"]), 3)
                result["rows"] = int(fields["rows"])
        if floor_db.exists():
            floor_db.unlink()
        return result

    def build(self, name: str, full_refresh: bool) -> dict[str, Any]:
        args = ["build"] + (["--full-refresh"] if full_refresh else [])
        # unit tests check logic on fixed fixtures, not the data: a scheduled run leaves them to CI
        # (the dbt docs' advice; `make test` runs them). --unit-tests puts them back.
        if self.args.exclude_tests:
            args += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        elif not self.args.unit_tests:
            args += ["--exclude-resource-type", "unit_test"]
        measured = self._dbt(name, *args)
        self._phase_copy(name)
        summary = slowest_models(self.target / "run_results.json", self.target / "manifest.json", self.args.top)
        summary.update({"seconds": round(measured.seconds, 2), "peak_rss_mb": measured.peak_rss_mb,
                        "returncode": measured.returncode})
        for rank, item in enumerate(summary["slowest_models"][:3], start=1):
            log(f"    slowest #{rank}: {item['model']} {item['seconds']:.2f} s")
        return summary

    def parse(self) -> dict[str, Any]:
        first = self._dbt("parse_1", "parse")
        second = self._dbt("parse_2", "parse")
        return {"first_seconds": round(first.seconds, 2), "partial_seconds": round(second.seconds, 2),
                "partial_parse_file": (self.target / "partial_parse.msgpack").exists()}

    def run(self) -> dict[str, Any]:
        started = dt.datetime.now(dt.timezone.utc)
        run: dict[str, Any] = {
            "size_events": self.size,
            "run_date": started.date().isoformat(),
            "started_at": started.replace(microsecond=0).isoformat(),
            "status": "running",
            "machine": machine_info(),
            "settings": {
                "memory_limit": self.args.memory_limit,
                "duckdb_threads": self.args.duckdb_threads,
                "dbt_threads": self.args.dbt_threads,
                "seed": self.args.seed,
                "vars": self.args.vars,
                "tests_in_build": not self.args.exclude_tests,
                "unit_tests_in_build": bool(self.args.unit_tests and not self.args.exclude_tests),
            },
        }
        self.prepare()
        log(f"size {self.size:,} events -> {self.dir}")

        log("generate the landing")
        gen = self.generate(append_day=False)
        events = _duckdb_count(self.warehouse, f"select count(*) from {self.args.product_schema}.events") if gen.ok else None
        run["generate"] = {
            "seconds": round(gen.seconds, 2),
            "peak_rss_mb": gen.peak_rss_mb,
            "events_landed": events,
            "events_per_second": round(events / gen.seconds) if events and gen.seconds else None,
            "warehouse_mb": round(self.warehouse.stat().st_size / 2**20, 1) if self.warehouse.exists() else None,
        }
        if not gen.ok:
            return self._finish(run, "generate failed")
        log(f"  landed {events:,} events ({run['generate']['events_per_second'] or 0:,} events/s)")

        log("floor: DuckDB alone, events -> account x day")
        run["floor"] = self.floor()
        if run["floor"]["seconds"] is not None:
            log(f"  floor query {run['floor']['seconds']:.2f} s, {run['floor']['rows']:,} account-days")

        # parse first, as a deployed schedule has: the builds then start from a saved, partially parsed
        # project (parse_1 is the cold full parse, parse_2 the partial parse every later run pays)
        log("dbt parse x2 (cold, then partial parsing)")
        run["parse"] = self.parse()

        log("full build (dbt build --full-refresh)")
        run["full_build"] = self.build("full_build", full_refresh=True)

        log("append one more day of events")
        before = _duckdb_count(self.warehouse, f"select count(*) from {self.args.product_schema}.events")
        app = self.generate(append_day=True)
        after = _duckdb_count(self.warehouse, f"select count(*) from {self.args.product_schema}.events") if app.ok else None
        run["append_day"] = {
            "seconds": round(app.seconds, 2),
            "peak_rss_mb": app.peak_rss_mb,
            "events_appended": (after - before) if (after is not None and before is not None) else None,
        }
        if app.ok:
            log(f"  appended {run['append_day']['events_appended'] or 0:,} events")
            log("incremental build (dbt build)")
            run["incremental_build"] = self.build("incremental_build", full_refresh=False)
        else:
            run["incremental_build"] = None

        return self._finish(run, None)

    def _finish(self, run: dict[str, Any], error: str | None) -> dict[str, Any]:
        full = _num(run, "full_build", "seconds")
        floor = _num(run, "floor", "seconds")
        incr = _num(run, "incremental_build", "seconds")
        models = _num(run, "full_build", "models_seconds")
        run["ratios"] = {
            "full_over_floor": round(full / floor, 1) if full and floor else None,
            # sum of the models' execution times (dbt start-up, parse and tests left out) over the floor
            "full_models_over_floor": round(models / floor, 1) if models and floor else None,
            "incremental_over_full": round(incr / full, 3) if incr and full else None,
        }
        run["targets"] = evaluate_targets(run)
        run["machine"]["load_average_at_end"] = load_average()
        cores = run["machine"].get("cores") or 1
        # the load at the end is the benchmark's own build (2 busy cores): only the start says whether
        # something else was running (it still carries the previous size's tail for a minute)
        if (run["machine"].get("load_average_at_start") or 0) > cores:
            self.notes.append(
                f"the machine was busy before this size started (1-minute load average "
                f"{run['machine'].get('load_average_at_start')}, {cores} cores): times may be inflated")
        failed_builds = [p for p in ("full_build", "incremental_build")
                         if isinstance(run.get(p), dict) and (run[p].get("returncode") or run[p].get("failures"))]
        if error:
            run["status"] = "error"
            self.notes.append(error)
        elif failed_builds:
            run["status"] = "build_failures"
        else:
            run["status"] = "ok"
        run["notes"] = self.notes
        if not self.args.keep_warehouse:
            for path in (self.warehouse, self.warehouse.with_suffix(".duckdb.wal"), self.temp_dir):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                elif path.exists():
                    path.unlink()
        return run


def _num(run: dict[str, Any], *keys: str) -> float | None:
    value: Any = run
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return float(value) if isinstance(value, (int, float)) else None


def evaluate_targets(run: dict[str, Any]) -> list[dict[str, Any]]:
    size = run["size_events"]
    full = _num(run, "full_build", "seconds")
    peak = _num(run, "full_build", "peak_rss_mb")
    targets: list[dict[str, Any]] = []

    def add(name: str, limit: float, value: float | None, unit: str) -> None:
        targets.append({"target": name, "limit": limit, "value": value, "unit": unit,
                        "met": None if value is None else value <= limit})

    if size >= 100_000_000:
        add("full build time (100M)", TARGET_FULL_100M_SECONDS, full, "s")
        add("full build peak RSS (100M)", TARGET_FULL_100M_PEAK_MB, peak, "MB")
    elif size >= 10_000_000:
        add("full build time (10M)", TARGET_FULL_10M_SECONDS, full, "s")
    add("incremental day ÷ full build", TARGET_INCREMENTAL_SHARE, _num(run, "ratios", "incremental_over_full"), "×")
    add("full build ÷ floor", TARGET_FULL_OVER_FLOOR, _num(run, "ratios", "full_over_floor"), "×")
    return targets


# --------------------------------------------------------------------------- CLI

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m plg.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=parse_size, default=[1_000_000],
                        help="landing sizes in events (1000000, 1e6, 1M ...); default 1000000")
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "bench_results" / "scratch",
                        help="scratch directory: one sub-directory (warehouse, target, logs) per size")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "bench_results",
                        help="where results.json and results.md are merged/written")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-limit", default=os.environ.get("PLG_DUCKDB_MEMORY_LIMIT", "10GB"),
                        help="DuckDB memory_limit for dbt and the floor (default $PLG_DUCKDB_MEMORY_LIMIT or 10GB)")
    parser.add_argument("--duckdb-threads", type=int, default=int(os.environ.get("PLG_DUCKDB_THREADS", "2")))
    parser.add_argument("--dbt-threads", type=int, default=int(os.environ.get("PLG_THREADS", "2")))
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    parser.add_argument("--profiles-dir", type=Path, default=None,
                        help="default: $DBT_PROFILES_DIR or the project directory")
    parser.add_argument("--product-schema", default="raw_product", help="landing schema of the events")
    parser.add_argument("--vars", default=None, help="--vars passed to every dbt command (YAML)")
    parser.add_argument("--generator-arg", action="append",
                        help="extra argument passed to plg.generate (repeatable, e.g. --generator-arg=--foo)")
    parser.add_argument("--exclude-tests", action="store_true",
                        help="dbt build without data/unit tests (default: data tests included, as a scheduled run)")
    parser.add_argument("--unit-tests", action="store_true",
                        help="also run the unit tests in each build (default: left to CI, as in a scheduled run)")
    parser.add_argument("--top", type=int, default=10, help="how many slowest models to keep (default 10)")
    parser.add_argument("--keep-warehouse", action="store_true",
                        help="keep each size's warehouse file (default: delete it after the size is done)")
    parser.add_argument("--verbose", action="store_true", help="echo every line of dbt and the generator")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.project_dir = args.project_dir.resolve()
    args.profiles_dir = (args.profiles_dir or Path(os.environ.get("DBT_PROFILES_DIR", args.project_dir))).resolve()
    workdir = args.workdir.resolve()
    out = args.out.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"sizes {', '.join(f'{s:,}' for s in args.sizes)}; memory_limit {args.memory_limit}, "
        f"DuckDB threads {args.duckdb_threads}; workdir {workdir}; results {out}")
    exit_code = 0
    for size in args.sizes:
        start = time.perf_counter()
        run = SizeRun(size, args, workdir).run()
        json_path, md_path = results_mod.record_run(out, run)
        for target in run["targets"]:
            mark = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
            value = "–" if target["value"] is None else f"{target['value']:,.2f}"
            log(f"  target {target['target']}: {value} {target['unit']} (limit {target['limit']:,} {target['unit']}) {mark}")
        log(f"size {size:,} done in {time.perf_counter() - start:,.0f} s, status {run['status']}; "
            f"written {json_path} and {md_path}")
        if run["status"] != "ok":
            exit_code = 1
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
