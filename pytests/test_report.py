"""The HTML KPI report renders every chart in headless Chromium, with no console error and no network.

Two sources: a synthetic set of marts (plg.report.sample, always) and the test warehouse built by
`make test-dbt` (PLG_TEST_WAREHOUSE, published with plg.publish first; skipped when absent).
Chromium comes from the Debian packages: when /usr/bin/chromium is missing and we run as root,
the test setup installs it (`apt-get install -y chromium`), as on a fresh CI machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from plg import publish as pub
from plg.report import TRENDS, render, load, write_report
from plg.report.browser import find_chromium, inspect_page
from plg.report.sample import build_sample

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
SVG_CHARTS = ["conversion-dashboard", "cohort-curves", "funnel", "mrr-bridge", "kpi-trends"] + [
    f"kpi-trend-{col}" for col, _, _ in TRENDS
]
TABLES = ["segment-table", "pqa-table"]


@pytest.fixture(scope="session")
def chromium() -> str:
    exe = find_chromium()
    if exe is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.fail("Chromium is missing and cannot be installed here: run `apt-get install -y chromium` as root")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, env=env)
        exe = find_chromium()
    assert exe is not None, "Chromium still missing after apt-get install"
    return exe


@pytest.fixture(scope="session")
def sample_marts(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sample")
    build_sample(d / "plg.duckdb")
    con = duckdb.connect(str(d / "plg.duckdb"), read_only=True)
    sample_marts = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'analytics_marts'").fetchall()]
    con.close()
    pub.publish(d / "plg.duckdb", d / "plg_marts.duckdb", sample_marts, check_build=False)  # synthetic sample
    return d / "plg_marts.duckdb"


@pytest.fixture(scope="session")
def test_warehouse_marts(tmp_path_factory) -> Path:
    wh = os.environ.get("PLG_TEST_WAREHOUSE")
    if not wh or not Path(wh).exists():
        pytest.skip("PLG_TEST_WAREHOUSE not built (make test-dbt)")
    d = tmp_path_factory.mktemp("published")
    pub.publish(Path(wh), d / "plg_marts.duckdb", check_build=False)  # make test-dbt's docs generate rewrites its run_results
    return d / "plg_marts.duckdb"


def _expected_marks(marts: Path) -> dict[str, int]:
    """Marks each chart must draw, counted from the marts independently of the renderer."""
    con = duckdb.connect(str(marts), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        months = q("select count(*) from marts.rpt_kpis_monthly")
        return {
            "conversion-dashboard": q("select count(conversion_rate) from marts.rpt_conversion_dashboard"),
            "funnel": q("select count(*) from marts.rpt_funnel"),
            "mrr-bridge": 8 if q("select count(mrr_usd) from marts.rpt_kpis_monthly") else 0,
            "segment-table": q("select count(*) from marts.rpt_segment_conversion"),
            "pqa-table": min(50, q("select count(*) from marts.rpt_product_qualified_accounts")),
            "months": months,
        }
    finally:
        con.close()


def _check_report(marts: Path, chromium: str, name: str, capsys) -> dict:
    html_path = write_report(marts, REPORTS / f"{name}.html")
    html = html_path.read_text(encoding="utf-8")
    # self-contained: no script, stylesheet, image or font fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "external resource in the report"
    assert "<script" not in html and "@import" not in html and "url(" not in html

    screenshot = REPORTS / f"{name}.png"
    res = inspect_page(html_path, screenshot=screenshot, executable=chromium)
    with capsys.disabled():  # shown in the pytest output even when the test passes
        print(f"\n[report] {html_path}\n[report] screenshot: {res['screenshot']}")

    assert res["console_errors"] == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in res["requests"]), res["requests"]
    charts = {c["chart"]: c for c in res["charts"]}
    missing = [c for c in SVG_CHARTS + TABLES + ["headline"] if c not in charts]
    assert not missing, f"charts missing from the page: {missing}"
    for cid, c in charts.items():
        assert c["width"] > 100 and c["height"] > 30, f"{cid} has no size: {c}"
    for cid in SVG_CHARTS:
        c = charts[cid]
        assert c["svgs"] >= 1 and all(w > 100 and h > 50 for w, h in c["svg_sizes"]), f"{cid} svg not laid out: {c}"
        assert c["marks"] > 0, f"{cid} drew nothing"

    expected = _expected_marks(marts)
    assert charts["conversion-dashboard"]["marks"] == expected["conversion-dashboard"]
    assert charts["funnel"]["marks"] == expected["funnel"]
    assert charts["mrr-bridge"]["marks"] == expected["mrr-bridge"]
    assert charts["segment-table"]["rows"] == expected["segment-table"]
    assert charts["pqa-table"]["rows"] == expected["pqa-table"]
    assert screenshot.exists() and screenshot.stat().st_size > 10_000
    return {"charts": charts, "html": html}


@pytest.mark.slow
def test_report_from_sample_marts_renders_every_chart(sample_marts, chromium, capsys):
    _check_report(sample_marts, chromium, "plg_report_sample", capsys)


@pytest.mark.slow
def test_report_from_test_warehouse_renders_every_chart(test_warehouse_marts, chromium, capsys):
    out = _check_report(test_warehouse_marts, chromium, "plg_report_test", capsys)
    # the MRR bridge adds up: previous + new + reactivation + expansion - contraction - churn + fx = MRR
    assert "unexplained difference" not in out["html"]


def test_report_reads_the_working_file_too(tmp_path):
    build_sample(tmp_path / "plg.duckdb")
    data = load(tmp_path / "plg.duckdb")
    assert data["schema"] == "analytics_marts"
    assert str(data["published"]["as_of_date"]) == "2026-06-15"
    html = render(data)
    assert html.count('data-chart="') == len(SVG_CHARTS) + len(TABLES) + 1


def test_report_command_prints_its_path(sample_marts, tmp_path):
    out = tmp_path / "r" / "report.html"
    proc = subprocess.run(
        [str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else "python",
         "-m", "plg.report", "--warehouse", str(sample_marts), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert str(out.resolve()) in proc.stdout
    assert out.exists()


def test_report_refuses_a_file_without_marts(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    con.close()
    from plg.report.__main__ import main

    assert main(["--warehouse", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "x.html")]) == 2
