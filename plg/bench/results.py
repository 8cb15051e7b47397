"""The benchmark's results file: JSON (the record) and a Markdown table made from it.

Format (``schema_version`` 1, keep it stable so runs can be compared)::

    {
      "schema_version": 1,
      "runs": [ <run>, ... ]          # sorted by (run_date, size_events)
    }

A run is keyed by ``(size_events, run_date)``: merging a new run replaces the
run with the same key and keeps every other one. Each run holds::

    size_events, run_date (YYYY-MM-DD), started_at (ISO UTC), status,
    machine   {hostname, load_average_at_start, load_average_at_end, cores, memory_gb, os,
               python, duckdb, dbt_core, dbt_duckdb},
    settings  {memory_limit, duckdb_threads, dbt_threads, seed, lookback_days},
    generate  {seconds, peak_rss_mb, events_landed, events_per_second, warehouse_mb},
    floor     {seconds, peak_rss_mb, rows, sql},
    full_build{seconds, peak_rss_mb, models_seconds, tests_seconds, nodes,
               failures, failed_nodes, slowest_models [{model, seconds, materialized}]},
    parse     {first_seconds (cold, no saved manifest), partial_seconds (partial parsing)},
    append_day{seconds, peak_rss_mb, events_appended},
    incremental_build {same keys as full_build},
    ratios    {full_over_floor, full_models_over_floor, incremental_over_full},
    targets   [{target, limit, value, unit, met}],
    notes     [str]

A figure that could not be measured is null. New keys may be added; none of
these renamed or dropped without bumping ``schema_version``.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


def load(path: Path) -> dict[str, Any]:
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema_version") != SCHEMA_VERSION:
            raise SystemExit(
                f"{path} has schema_version {data.get('schema_version')!r}, this harness writes "
                f"{SCHEMA_VERSION}: move the old file aside before benchmarking."
            )
        data.setdefault("runs", [])
        return data
    return {"schema_version": SCHEMA_VERSION, "runs": []}


def merge_run(data: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """Insert ``run``, replacing a run with the same (size_events, run_date)."""
    key = (run["size_events"], run["run_date"])
    runs = [r for r in data["runs"] if (r["size_events"], r["run_date"]) != key]
    runs.append(run)
    runs.sort(key=lambda r: (r["run_date"], r["size_events"]))
    data["runs"] = runs
    return data


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; the results are meant to be read and committed
    os.replace(tmp, path)


def save(out_dir: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    json_path = out_dir / "results.json"
    md_path = out_dir / "results.md"
    _atomic_write(json_path, json.dumps(data, indent=2, sort_keys=False) + "\n")
    _atomic_write(md_path, render_markdown(data))
    return json_path, md_path


def record_run(out_dir: Path, run: dict[str, Any]) -> tuple[Path, Path]:
    """Merge one run into ``out_dir/results.json`` and regenerate ``results.md``."""
    data = load(out_dir / "results.json")
    merge_run(data, run)
    return save(out_dir, data)


# --------------------------------------------------------------------------- markdown

def _get(run: dict[str, Any], *keys: str) -> Any:
    value: Any = run
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _yes_no(value: Any) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _size_label(size: int) -> str:
    for unit, div in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if size >= div and size % (div // 10 or 1) == 0:
            label = f"{size / div:g}{unit}"
            return label
    return str(size)


SUMMARY_COLUMNS: list[tuple[str, tuple[str, ...], int]] = [
    ("run date", ("run_date",), 0),
    ("events", ("size_events",), 0),
    ("status", ("status",), 0),
    ("generate s", ("generate", "seconds"), 1),
    ("gen events/s", ("generate", "events_per_second"), 0),
    ("full build s", ("full_build", "seconds"), 1),
    ("full peak RSS MB", ("full_build", "peak_rss_mb"), 0),
    ("floor s", ("floor", "seconds"), 2),
    ("full ÷ floor", ("ratios", "full_over_floor"), 1),
    ("models ÷ floor", ("ratios", "full_models_over_floor"), 1),
    ("append day s", ("append_day", "seconds"), 1),
    ("incremental s", ("incremental_build", "seconds"), 1),
    ("incr peak RSS MB", ("incremental_build", "peak_rss_mb"), 0),
    ("incr ÷ full", ("ratios", "incremental_over_full"), 3),
    ("parse s (cold)", ("parse", "first_seconds"), 2),
    ("parse s (partial)", ("parse", "partial_seconds"), 2),
    ("memory limit", ("settings", "memory_limit"), 0),
]


def render_markdown(data: dict[str, Any]) -> str:
    runs = data.get("runs", [])
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python -m plg.bench` from `results.json` (do not edit by hand;",
        "the JSON is the record). One row per (run date, size); times are wall seconds,",
        "memory is the peak RSS of the whole process tree sampled every 0.2 s.",
        "The floor is DuckDB alone reading `raw_product.events` once and writing an",
        "account × day aggregate.",
        "",
        "## Summary",
        "",
        "| " + " | ".join(c[0] for c in SUMMARY_COLUMNS) + " |",
        "|" + "|".join("---" if i < 3 else "---:" for i, _ in enumerate(SUMMARY_COLUMNS)) + "|",
    ]
    for run in runs:
        cells = []
        for _, keys, digits in SUMMARY_COLUMNS:
            value = _get(run, *keys)
            if keys == ("size_events",) and isinstance(value, int):
                cells.append(_size_label(value))
            elif isinstance(value, float) and digits == 0:
                cells.append(f"{value:,.0f}")
            else:
                cells.append(_fmt(value, digits))
        lines.append("| " + " | ".join(cells) + " |")

    lines += ["", "## Targets", "", "| run date | events | target | limit | value | met |", "|---|---|---|---:|---:|---|"]
    for run in runs:
        for target in run.get("targets", []):
            lines.append(
                f"| {run['run_date']} | {_size_label(run['size_events'])} | {target['target']} | "
                f"{_fmt(target.get('limit'))} {target.get('unit', '')} | "
                f"{_fmt(target.get('value'), 2)} {target.get('unit', '')} | {_fmt(target.get('met'))} |"
            )

    for run in runs:
        lines += ["", f"## {run['run_date']} · {_size_label(run['size_events'])} events", ""]
        machine = run.get("machine", {})
        lines.append(
            "Machine: {cores} cores, {memory_gb} GB, DuckDB {duckdb}, dbt-core {dbt_core}, "
            "dbt-duckdb {dbt_duckdb}, Python {python}; 1-minute load average {load_average_at_start} at the start, "
            "{load_average_at_end} at the end.".format(
                **{k: machine.get(k, "?") for k in ("cores", "memory_gb", "duckdb", "dbt_core", "dbt_duckdb", "python",
                                                     "load_average_at_start", "load_average_at_end")}
            )
        )
        settings = run.get("settings", {})
        lines.append(
            f"Settings: memory_limit {settings.get('memory_limit')}, DuckDB threads "
            f"{settings.get('duckdb_threads')}, dbt threads {settings.get('dbt_threads')}, seed {settings.get('seed')}; "
            f"builds run the data tests: {_yes_no(settings.get('tests_in_build'))}, "
            f"the unit tests: {_yes_no(settings.get('unit_tests_in_build'))}."
        )
        for phase, title in (("full_build", "Full build"), ("incremental_build", "Incremental build")):
            build = run.get(phase) or {}
            slowest = build.get("slowest_models") or []
            lines += [
                "",
                f"{title}: {_fmt(build.get('seconds'))} s wall, models {_fmt(build.get('models_seconds'))} s, "
                f"tests {_fmt(build.get('tests_seconds'))} s, peak RSS {_fmt(build.get('peak_rss_mb'), 0)} MB, "
                f"failures {_fmt(build.get('failures'))}.",
            ]
            if build.get("failed_nodes"):
                lines.append(f"Failed: {', '.join(build['failed_nodes'])}.")
            if slowest:
                lines += ["", "| # | model | materialized | seconds |", "|---:|---|---|---:|"]
                for rank, item in enumerate(slowest, start=1):
                    lines.append(
                        f"| {rank} | {item['model']} | {item.get('materialized') or ''} | {item['seconds']:.2f} |"
                    )
        notes = run.get("notes") or []
        if notes:
            lines += ["", "Notes:"] + [f"- {note}" for note in notes]
    lines.append("")
    return "\n".join(lines)
