"""The benchmark's bookkeeping (plg.bench): results file merge, Markdown, targets, slowest models.

Pure functions on hand-made inputs (no dbt, no timing): the benchmark's figures themselves are read by
people, never asserted.
"""
from __future__ import annotations

import json
from pathlib import Path

from plg.bench import results
from plg.bench.cli import evaluate_targets, parse_size, slowest_models


def _run(size: int, date: str, full_s: float | None = 100.0, peak_mb: float | None = 1000.0,
         incr_share: float | None = 0.5, over_floor: float | None = 50.0) -> dict:
    return {
        "size_events": size, "run_date": date, "status": "ok",
        "settings": {"memory_limit": "10GB", "tests_in_build": True, "unit_tests_in_build": False},
        "full_build": {"seconds": full_s, "peak_rss_mb": peak_mb, "slowest_models": []},
        "ratios": {"incremental_over_full": incr_share, "full_over_floor": over_floor},
    }


def test_merge_replaces_same_size_and_date_and_keeps_others(tmp_path: Path):
    results.record_run(tmp_path, _run(1_000_000, "2026-11-20", full_s=10.0))
    results.record_run(tmp_path, _run(10_000_000, "2026-11-20", full_s=50.0))
    results.record_run(tmp_path, _run(1_000_000, "2026-11-20", full_s=12.0))  # re-run: replaces
    results.record_run(tmp_path, _run(1_000_000, "2026-11-19", full_s=11.0))  # older date: kept
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["schema_version"] == results.SCHEMA_VERSION
    keys = [(r["run_date"], r["size_events"], r["full_build"]["seconds"]) for r in data["runs"]]
    assert keys == [("2026-11-19", 1_000_000, 11.0), ("2026-11-20", 1_000_000, 12.0),
                    ("2026-11-20", 10_000_000, 50.0)]
    markdown = (tmp_path / "results.md").read_text()
    summary_rows = [line for line in markdown.splitlines() if line.startswith("| 2026-11-")]
    assert len(summary_rows) == 3
    assert "parse s (cold)" in markdown and "parse s (partial)" in markdown


def test_targets_follow_the_issue_limits():
    big = evaluate_targets(_run(100_000_000, "2026-11-20", full_s=599.0, peak_mb=12_000.0,
                                incr_share=0.11, over_floor=10.0))
    met = {t["target"]: t["met"] for t in big}
    assert met == {"full build time (100M)": True, "full build peak RSS (100M)": True,
                   "incremental day ÷ full build": False, "full build ÷ floor": True}
    slow = evaluate_targets(_run(10_000_000, "2026-11-20", full_s=60.5))
    assert {t["target"]: t["met"] for t in slow}["full build time (10M)"] is False
    unknown = evaluate_targets(_run(1_000_000, "2026-11-20", incr_share=None))
    assert {t["target"]: t["met"] for t in unknown}["incremental day ÷ full build"] is None


def test_slowest_models_reads_run_results(tmp_path: Path):
    run_results = {"results": [
        {"unique_id": "model.p.fast", "execution_time": 0.5, "status": "success"},
        {"unique_id": "model.p.slow", "execution_time": 9.0, "status": "success"},
        {"unique_id": "model.p.broken", "execution_time": 1.0, "status": "error"},
        {"unique_id": "test.p.unique_slow_id", "execution_time": 2.0, "status": "pass"},
        {"unique_id": "unit_test.p.slow.case", "execution_time": 0.25, "status": "pass"},
    ]}
    manifest = {"nodes": {"model.p.slow": {"config": {"materialized": "incremental"}}}}
    (tmp_path / "run_results.json").write_text(json.dumps(run_results))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    summary = slowest_models(tmp_path / "run_results.json", tmp_path / "manifest.json", top=2)
    assert [m["model"] for m in summary["slowest_models"]] == ["slow", "broken"]
    assert summary["slowest_models"][0]["materialized"] == "incremental"
    assert summary["models_seconds"] == 10.5 and summary["tests_seconds"] == 2.25
    assert summary["nodes"] == 5 and summary["failures"] == 1 and summary["failed_nodes"] == ["broken"]


def test_sizes_accept_shorthand():
    assert parse_size("1M") == 1_000_000
    assert parse_size("1e7") == 10_000_000
    assert parse_size("100000000") == 100_000_000
