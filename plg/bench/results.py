"""The benchmark's results file: JSON (the record) and a Markdown table made from it.

Format (``schema_version`` 1, keep it stable so runs can be compared)::

    {
      "schema_version": 1,
      "runs": [ <run>, ... ]          # sorted by (run_date, size_events, started_at)
    }

A run is keyed by ``(size_events, started_at)`` (``run_date`` for a run recorded
without a start time): every run is kept, two runs of one day included (issue 13
asks for two); merging a run with the same key (the same run written again)
replaces it. Each run holds::

    size_events, run_date (YYYY-MM-DD), started_at (ISO UTC), status,
    machine   {hostname, load_average_at_start, load_average_at_end, cores, memory_gb, os,
               python, duckdb, dbt_core, dbt_duckdb},
    settings  {memory_limit, duckdb_threads, dbt_threads, seed, lookback_days, pandas_max_events},
    generate  {seconds, peak_rss_mb, events_landed, events_per_second, warehouse_mb},
    floor     {seconds, peak_rss_mb, rows, sql},
    full_build{seconds, peak_rss_mb, models_seconds, tests_seconds (data + unit tests), nodes,
               failures, failed_nodes, slowest_models [{model, seconds, materialized}],
               -- added later, absent from older runs:
               slowest_nodes [{node, resource_type, seconds, status, materialized, on}]
                   (every resource type, data tests included; `on` = the model a test reads),
               node_counts {model, test, unit_test, seed, operation: count},
               seconds_by_type {same keys: summed execution seconds},
               tests_share (data + unit tests' share of the summed node seconds),
               models_seconds_by_layer {staging, intermediate, marts, ...: seconds},
               tests_by_model [{model, tests, seconds}], dbt_elapsed_seconds},
    parse     {first_seconds (cold, no saved manifest), partial_seconds (partial parsing)},
    pandas_reference {status (ok / skipped / failed), reason, reads, figures, max_events, seconds,
               peak_rss_mb, import_seconds, load_seconds, compute_seconds, as_of, staged_events,
               accounts, matches_marts, differences {dashboard, mrr_by_month: {differences, first}}},
    append_day{seconds, peak_rss_mb, events_appended},
    incremental_build {same keys as full_build},
    ratios    {full_over_floor, full_models_over_floor, incremental_over_full, full_over_pandas},
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


def _run_key(run: dict[str, Any]) -> tuple[int, str]:
    return run["size_events"], run.get("started_at") or run["run_date"]


def merge_run(data: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """Insert ``run``, replacing a run with the same (size_events, started_at)."""
    key = _run_key(run)
    runs = [r for r in data["runs"] if _run_key(r) != key]
    runs.append(run)
    runs.sort(key=lambda r: (r["run_date"], r["size_events"], r.get("started_at") or ""))
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


def _run_label(run: dict[str, Any]) -> str:
    """'2026-12-03 14:20' (the start time, UTC, tells two runs of one day apart), else the run date."""
    started = run.get("started_at") or ""
    return f"{run['run_date']} {started[11:16]}" if len(started) >= 16 else run["run_date"]


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
    ("pandas s", ("pandas_reference", "seconds"), 1),
    ("full ÷ pandas", ("ratios", "full_over_pandas"), 2),
    ("append day s", ("append_day", "seconds"), 1),
    ("incremental s", ("incremental_build", "seconds"), 1),
    ("incr peak RSS MB", ("incremental_build", "peak_rss_mb"), 0),
    ("incr ÷ full", ("ratios", "incremental_over_full"), 3),
    ("parse s (cold)", ("parse", "first_seconds"), 2),
    ("parse s (partial)", ("parse", "partial_seconds"), 2),
    ("memory limit", ("settings", "memory_limit"), 0),
]


TYPE_LABELS = {
    "model": "models",
    "test": "data tests",
    "unit_test": "unit tests",
    "seed": "seeds",
    "snapshot": "snapshots",
    "operation": "hooks",
}
TYPE_LABEL = {
    "model": "model",
    "test": "data test",
    "unit_test": "unit test",
    "seed": "seed",
    "snapshot": "snapshot",
    "operation": "hook",
}


def _node_counts_line(build: dict[str, Any]) -> str:
    counts, seconds = build.get("node_counts") or {}, build.get("seconds_by_type") or {}
    order = [k for k in TYPE_LABELS if k in counts] + sorted(k for k in counts if k not in TYPE_LABELS)
    parts = [f"{counts[k]:,} {TYPE_LABELS.get(k, k)} ({_fmt(seconds.get(k), 1)} s)" for k in order]
    share = build.get("tests_share")
    tail = "" if share is None else f"; tests {share * 100:.0f} % of the summed node time"
    return f"Nodes: {', '.join(parts)}{tail}."


def _slowest_table(build: dict[str, Any]) -> list[str]:
    """The slowest nodes (every resource type); runs recorded before they were kept: the slowest models."""
    nodes = build.get("slowest_nodes")
    if nodes:
        lines = ["", "| # | node | type | on model | materialized | seconds |", "|---:|---|---|---|---|---:|"]
        for rank, item in enumerate(nodes, start=1):
            lines.append(
                f"| {rank} | {item['node']} | {TYPE_LABEL.get(item['resource_type'], item['resource_type'])} "
                f"| {item.get('on') or ''} | {item.get('materialized') or ''} | {item['seconds']:.2f} |"
            )
        return lines
    slowest = build.get("slowest_models") or []
    if not slowest:
        return []
    lines = ["", "| # | model | materialized | seconds |", "|---:|---|---|---:|"]
    for rank, item in enumerate(slowest, start=1):
        lines.append(f"| {rank} | {item['model']} | {item.get('materialized') or ''} | {item['seconds']:.2f} |")
    return lines


def _pandas_lines(run: dict[str, Any]) -> list[str]:
    ref = run.get("pandas_reference")
    if not isinstance(ref, dict):
        return []
    if ref.get("status") != "ok":
        return ["", f"Pandas reference: {ref.get('status')} ({ref.get('reason') or 'no reason recorded'})."]
    match = ref.get("matches_marts")
    diffs = ref.get("differences") or {}
    verdict = (
        "not compared with the marts"
        if match is None
        else "the same figures as the marts"
        if match
        else "DIFFERENT figures from the marts ("
        + ", ".join(f"{k}: {v.get('differences')} differences" for k, v in diffs.items())
        + ")"
    )
    return [
        "",
        f"Pandas reference: {_fmt(ref.get('seconds'))} s wall (imports {_fmt(ref.get('import_seconds'))} s, "
        f"read {_fmt(ref.get('load_seconds'))} s, compute {_fmt(ref.get('compute_seconds'))} s), peak RSS "
        f"{_fmt(ref.get('peak_rss_mb'), 0)} MB, {_fmt(ref.get('staged_events'))} staged events, "
        f"{_fmt(ref.get('accounts'))} accounts; {verdict}; full build ÷ pandas "
        f"{_fmt(_get(run, 'ratios', 'full_over_pandas'), 2)}. Reads {ref.get('reads')}.",
    ]


def render_markdown(data: dict[str, Any]) -> str:
    runs = data.get("runs", [])
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python -m plg.bench` from `results.json` (do not edit by hand;",
        "the JSON is the record). One row per run and size (start time UTC); times are wall seconds,",
        "memory is the peak RSS of the whole process tree sampled every 0.2 s.",
        "The floor is DuckDB alone reading `raw_product.events` once and writing an",
        "account × day aggregate. The pandas reference is the project's independent",
        "recomputation (`plg.checks`) of the conversion dashboard and MRR by month from the",
        "staged tables the full build wrote (a notebook's work: read + compute), as one process.",
        "Node seconds are dbt's execution times; with 2 dbt threads they overlap, so their",
        "sum can exceed the wall time.",
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
            if keys == ("run_date",):
                cells.append(_run_label(run))
            elif keys == ("size_events",) and isinstance(value, int):
                cells.append(_size_label(value))
            elif isinstance(value, float) and digits == 0:
                cells.append(f"{value:,.0f}")
            else:
                cells.append(_fmt(value, digits))
        lines.append("| " + " | ".join(cells) + " |")

    lines += [
        "",
        "## Targets",
        "",
        "Issue 13: 100M events: incremental day ≤ 0.10 × full build, full build ≤ 240 s, "
        "peak RSS ≤ 10 GB; 10M events: full build ≤ 40 s, incremental day ≤ 0.3 × full (no target below 10M; "
        "runs recorded before the targets changed keep the targets of their day).",
        "",
        "| run date | events | target | limit | value | met |",
        "|---|---|---|---:|---:|---|",
    ]
    for run in runs:
        if not run.get("targets"):
            lines.append(f"| {_run_label(run)} | {_size_label(run['size_events'])} | no target at this size | | | |")
        for target in run.get("targets", []):
            lines.append(
                f"| {_run_label(run)} | {_size_label(run['size_events'])} | {target['target']} | "
                f"{_fmt(target.get('limit'))} {target.get('unit', '')} | "
                f"{_fmt(target.get('value'), 2)} {target.get('unit', '')} | {_fmt(target.get('met'))} |"
            )

    for run in runs:
        lines += ["", f"## {_run_label(run)} · {_size_label(run['size_events'])} events", ""]
        machine = run.get("machine", {})
        lines.append(
            "Machine: {cores} cores, {memory_gb} GB, DuckDB {duckdb}, dbt-core {dbt_core}, "
            "dbt-duckdb {dbt_duckdb}, Python {python}; 1-minute load average {load_average_at_start} at the start, "
            "{load_average_at_end} at the end.".format(
                **{
                    k: machine.get(k, "?")
                    for k in (
                        "cores",
                        "memory_gb",
                        "duckdb",
                        "dbt_core",
                        "dbt_duckdb",
                        "python",
                        "load_average_at_start",
                        "load_average_at_end",
                    )
                }
            )
        )
        settings = run.get("settings", {})
        lines.append(
            f"Settings: memory_limit {settings.get('memory_limit')}, DuckDB threads "
            f"{settings.get('duckdb_threads')}, dbt threads {settings.get('dbt_threads')}, "
            f"seed {settings.get('seed')}; "
            f"builds run the data tests: {_yes_no(settings.get('tests_in_build'))}, "
            f"the unit tests: {_yes_no(settings.get('unit_tests_in_build'))}."
        )
        for phase, title in (("full_build", "Full build"), ("incremental_build", "Incremental build")):
            build = run.get(phase) or {}
            lines += [
                "",
                f"{title}: {_fmt(build.get('seconds'))} s wall, models {_fmt(build.get('models_seconds'))} s, "
                f"tests {_fmt(build.get('tests_seconds'))} s, peak RSS {_fmt(build.get('peak_rss_mb'), 0)} MB, "
                f"failures {_fmt(build.get('failures'))}.",
            ]
            counts = build.get("node_counts") or {}
            if counts:
                lines.append(_node_counts_line(build))
            if build.get("models_seconds_by_layer"):
                lines.append(
                    "Models by layer: "
                    + ", ".join(
                        f"{layer} {seconds:,.1f} s" for layer, seconds in build["models_seconds_by_layer"].items()
                    )
                    + "."
                )
            if build.get("failed_nodes"):
                lines.append(f"Failed: {', '.join(build['failed_nodes'])}.")
            lines += _slowest_table(build)
            tested = (build.get("tests_by_model") or [])[:5]
            if tested:
                lines += [
                    "",
                    "Test time by the model tested (top 5):",
                    "",
                    "| model | tests | seconds |",
                    "|---|---:|---:|",
                ]
                lines += [f"| {t['model']} | {t['tests']:,} | {t['seconds']:.2f} |" for t in tested]
            if phase == "full_build":
                lines += _pandas_lines(run)
        notes = run.get("notes") or []
        if notes:
            lines += ["", "Notes:"] + [f"- {note}" for note in notes]
    lines.append("")
    return "\n".join(lines)
