"""The HTML KPI report renders every chart in headless Chromium, with no console error, no network and
no clipped label, and its marks match the marts (counted here with SQL, independently of the renderer).

Sources: a synthetic set of marts (pytests.helpers.report_sample, always: with the newer marts and columns, and as
an older file without them) and the test warehouse built by `make test-dbt` (PLG_TEST_WAREHOUSE,
published with plg.publish first; skipped when absent). Chromium comes from the Debian packages:
`make system-deps` (run by `make test` as root, as on a fresh CI machine) installs it when missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from plg import publish as pub
from plg.report import (
    HEATMAP_OFFSETS,
    KM_COHORTS,
    MOVEMENTS,
    RETENTION_COHORTS,
    RETENTION_MONTHS,
    TRENDS,
    load,
    render,
    settings,
    write_report,
)
from pytests.helpers.browser import find_chromium, inspect_page
from pytests.helpers.report_sample import build_sample

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
SVG_CHARTS = ["conversion-dashboard", "funnel", "mrr-bridge", "mrr-movements", "kpi-trends"] + [
    f"kpi-trend-{col}" for col, *_ in TRENDS
]
OPTIONAL_SVG = ["cohort-heatmap", "km-curves", "revenue-retention"]  # a note instead when the mart/column is absent
TABLES = ["segment-table", "pqa-table"]


@pytest.fixture(scope="session")
def chromium() -> str:
    exe = find_chromium()
    if exe is None:
        pytest.fail("Chromium is missing: run `make system-deps` as root (apt-get install -y chromium)")
    return exe


def _working_marts(working: Path) -> list[str]:
    """The marts a synthetic working file holds (it has no dbt build record to derive them from)."""
    con = duckdb.connect(str(working), read_only=True)
    try:
        return [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'analytics_marts'"
            ).fetchall()
        ]
    finally:
        con.close()


@pytest.fixture(scope="session")
def sample_marts(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sample")
    build_sample(d / "plg.duckdb")
    pub.publish(
        d / "plg.duckdb", d / "plg_marts.duckdb", _working_marts(d / "plg.duckdb"), check_build=False
    )  # synthetic sample: every mart it has
    return d / "plg_marts.duckdb"


@pytest.fixture(scope="session")
def old_sample_marts(tmp_path_factory) -> Path:
    """An older readers' file: no KM columns, no revenue retention or data-quality mart."""
    d = tmp_path_factory.mktemp("old_sample")
    build_sample(d / "plg.duckdb", with_km=False, with_new_marts=False)
    pub.publish(d / "plg.duckdb", d / "plg_marts.duckdb", _working_marts(d / "plg.duckdb"), check_build=False)
    return d / "plg_marts.duckdb"


@pytest.fixture(scope="session")
def test_warehouse_marts(tmp_path_factory) -> Path:
    wh = os.environ.get("PLG_TEST_WAREHOUSE")
    if not wh or not Path(wh).exists():
        pytest.skip("PLG_TEST_WAREHOUSE not built (make test-dbt)")
    d = tmp_path_factory.mktemp("published")
    pub.publish(
        Path(wh), d / "plg_marts.duckdb", check_build=False
    )  # make test-dbt's docs generate rewrites its run_results
    return d / "plg_marts.duckdb"


def _last_day(m: dt.date) -> dt.date:
    return m.replace(day=calendar.monthrange(m.year, m.month)[1])


def _mature(m: dt.date, w: int, as_of: dt.date) -> bool:
    """Independent of plg.report.kpi: every account of the month has w full days by the end of the as-of day."""
    return dt.datetime.combine(_last_day(m), dt.time()) + dt.timedelta(days=1 + w) <= dt.datetime.combine(
        as_of, dt.time()
    ) + dt.timedelta(days=1)


def _expected(marts: Path) -> dict:
    """What each chart must draw, counted from the marts with SQL."""
    con = duckdb.connect(str(marts), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        cols = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = 'fct_cohort_conversion'"
            ).fetchall()
        }
        as_of = q("select max(as_of_date) from marts._published")
        latest12 = (
            "select distinct cohort_start from marts.fct_cohort_conversion where cohort_grain = 'month' "
            "order by cohort_start desc limit 12"
        )
        offsets = ", ".join(str(d) for d in HEATMAP_OFFSETS)
        out = {
            "as_of": as_of,
            "conversion-dashboard": q("select count(conversion_rate) from marts.rpt_conversion_dashboard"),
            "funnel": q("select count(*) from marts.rpt_funnel"),
            "segment-table": q("select count(*) from marts.rpt_segment_conversion"),
            "pqa-table": min(50, q("select count(*) from marts.rpt_product_qualified_accounts")),
            "months": q("select count(*) from marts.rpt_kpis_monthly"),
            "segments": sum(q(f"select count(*) from marts.rpt_kpis_monthly where {c} > 0") for c, *_ in MOVEMENTS),
            "kpis": [
                dict(zip([d[0] for d in con.description], r, strict=False))
                for r in con.execute("select * from marts.rpt_kpis_monthly order by month_start").fetchall()
            ],
        }
        km = "km_cumulative_conversion_rate" in cols
        value = "km_cumulative_conversion_rate" if km else "cumulative_conversion_rate"
        out["km"] = km
        out["heat_cells"] = q(
            f"select count({value}) from marts.fct_cohort_conversion where cohort_grain = 'month' "
            f"and day_offset in ({offsets}) and cohort_start in ({latest12})"
            + ("" if km else " and accounts_at_risk > 0")
        )
        if "is_complete" in cols:
            out["heat_incomplete"] = q(
                f"select count({value}) from marts.fct_cohort_conversion where cohort_grain = "
                f"'month' and day_offset in ({offsets}) and cohort_start in ({latest12}) "
                "and not is_complete"
            )
        if km:
            out["km_series"] = q(f"""select count(*) from (select cohort_start from marts.fct_cohort_conversion
                where cohort_grain = 'month' and cohort_start in ({latest12}) group by cohort_start
                having count(km_cumulative_conversion_rate) > 0 order by cohort_start desc limit {KM_COHORTS})""")
        out["retention"] = "rpt_revenue_retention_cohorts" in tables
        if out["retention"]:
            out["retention_cells"] = (
                q(f"""select count(net_revenue_retention_rate) from marts.rpt_revenue_retention_cohorts
                where months_since_start <= {RETENTION_MONTHS} and cohort_month in (select distinct cohort_month
                from marts.rpt_revenue_retention_cohorts order by cohort_month desc limit {RETENTION_COHORTS})""")
            )
        out["quality"] = "rpt_data_quality" in tables
        if out["quality"]:
            out["quality_rows"] = q(
                "select count(*) from (select distinct source_name, table_name, rule from marts.rpt_data_quality)"
            )
        return out
    finally:
        con.close()


def _check_report(marts: Path, chromium: str, name: str, capsys) -> dict:
    html_path = write_report(marts, REPORTS / f"{name}.html")
    html = html_path.read_text(encoding="utf-8")
    # self-contained: no script, stylesheet, image or font fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "external resource in the report"
    assert "<script" not in html and "@import" not in html and not re.search(r"url\((?!#)", html)

    screenshot = REPORTS / f"{name}.png"
    res = inspect_page(html_path, screenshot=screenshot, executable=chromium)
    with capsys.disabled():  # shown in the pytest output even when the test passes
        print(f"\n[report] {html_path}\n[report] screenshot: {res['screenshot']}")

    assert res["console_errors"] == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in res["requests"]), res["requests"]
    charts = {c["chart"]: c for c in res["charts"]}
    exp = _expected(marts)
    missing = [c for c in SVG_CHARTS + OPTIONAL_SVG + TABLES + ["headline", "data-quality"] if c not in charts]
    assert not missing, f"charts missing from the page: {missing}"
    for cid, c in charts.items():
        assert c["width"] > 100 and c["height"] > 30, f"{cid} has no size: {c}"
        assert c["overflow"] == [], f"{cid}: labels drawn outside their chart (clipped): {c['overflow']}"
    present = (
        SVG_CHARTS
        + ["cohort-heatmap"]
        + (["km-curves"] if exp["km"] else [])
        + (["revenue-retention"] if exp["retention"] else [])
    )
    for cid in present:
        c = charts[cid]
        assert c["svgs"] >= 1 and all(w > 100 and h > 50 for w, h in c["svg_sizes"]), f"{cid} svg not laid out: {c}"
        assert c["marks"] > 0, f"{cid} drew nothing"

    assert charts["conversion-dashboard"]["marks"] == exp["conversion-dashboard"]
    assert charts["funnel"]["marks"] == exp["funnel"]
    assert charts["mrr-bridge"]["marks"] == 8
    assert charts["mrr-movements"]["segments"] == exp["segments"]
    assert charts["mrr-movements"]["net_points"] == exp["months"]
    assert charts["segment-table"]["rows"] == exp["segment-table"]
    assert charts["pqa-table"]["rows"] == exp["pqa-table"]
    assert charts["cohort-heatmap"]["cells"] == exp["heat_cells"]
    if "heat_incomplete" in exp:
        assert charts["cohort-heatmap"]["incomplete"] == exp["heat_incomplete"]
    if exp["km"]:
        assert charts["km-curves"]["series"] == exp["km_series"] > 0
    else:
        assert charts["km-curves"]["absent"] == 1 and "km_cumulative_conversion_rate" in charts["km-curves"]["text"]
    if exp["retention"]:
        assert charts["revenue-retention"]["cells"] == exp["retention_cells"]
    else:
        assert charts["revenue-retention"]["absent"] == 1
    if exp["quality"]:
        assert charts["data-quality"]["rows"] == exp["quality_rows"]
    else:
        assert charts["data-quality"]["absent"] == 1

    # immature months: hollow marks in each trend = months with a value not mature for the trend's window
    st = settings(load(marts))
    as_of = exp["as_of"]
    for col, _, _, wkey in TRENDS:
        w = st["window"][wkey]
        want = sum(1 for r in exp["kpis"] if r[col] is not None and not _mature(r["month_start"], w, as_of))
        assert charts[f"kpi-trend-{col}"]["immature"] == want, col

    # headline: every dated tile is mature; conversion (30 d) is the latest cohort mature for 30 days
    tiles = {t["col"]: t for t in charts["headline"]["tiles"]}
    for t in tiles.values():
        assert t["period"] is None or t["mature"] == "true", t
    conv = [
        r["month_start"]
        for r in exp["kpis"]
        if r["conversion_rate_30d"] is not None and _mature(r["month_start"], 30, as_of)
    ]
    assert tiles["conversion_rate_30d"]["period"] == str(conv[-1])
    months = [r["month_start"] for r in exp["kpis"] if r["mrr_usd"] is not None and _mature(r["month_start"], 0, as_of)]
    assert tiles["mrr_usd"]["period"] == str(months[-1])
    # T12M NRR beside the monthly NRR: the product of the last 12 complete months' NRR, recomputed here
    done = [r for r in exp["kpis"] if _mature(r["month_start"], 0, as_of)][-12:]
    if len(done) == 12 and all(r["net_revenue_retention_rate"] is not None for r in done):
        prod = 1.0
        for r in done:
            prod *= r["net_revenue_retention_rate"]
        assert f"{100 * prod:.1f} %" in tiles["nrr_t12m"]["text"], tiles["nrr_t12m"]
        assert tiles["nrr_t12m"]["period"] == str(done[-1]["month_start"])
    else:
        assert "needs 12 complete months" in tiles["nrr_t12m"]["text"]
    assert "monthly" in tiles["net_revenue_retention_rate"]["text"]
    assert screenshot.exists() and screenshot.stat().st_size > 10_000
    return {"charts": charts, "html": html}


@pytest.mark.slow
def test_report_from_sample_marts_renders_every_chart(sample_marts, chromium, capsys):
    out = _check_report(sample_marts, chromium, "plg_report_sample", capsys)
    assert 'data-col="nrr_t12m"' in out["html"]


@pytest.mark.slow
def test_report_from_an_older_readers_file_shows_notes(old_sample_marts, chromium, capsys):
    out = _check_report(old_sample_marts, chromium, "plg_report_old_sample", capsys)
    assert out["html"].count('class="absent"') == 3  # KM curves, revenue retention, data quality


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
    expected = len(SVG_CHARTS) + len(OPTIONAL_SVG) + len(TABLES) + 2  # + headline, data-quality
    assert html.count('data-chart="') == expected
    assert 'class="absent"' not in html


def test_report_command_prints_its_path(sample_marts, tmp_path):
    out = tmp_path / "r" / "report.html"
    proc = subprocess.run(
        [
            str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else "python",
            "-m",
            "plg.report",
            "--warehouse",
            str(sample_marts),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert str(out.resolve()) in proc.stdout
    assert out.exists()


def test_report_refuses_a_file_without_marts(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    con.close()
    from plg.report.__main__ import main

    assert main(["--warehouse", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "x.html")]) == 2
