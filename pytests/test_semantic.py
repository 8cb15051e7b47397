"""The semantic layer answers like the marts, and the BI interface is enforced.

- `mf query` (MetricFlow, subprocess) over several metrics equals the marts' figures, recomputed here
  independently: month grain, quarter grain (stocks take the quarter's last month, flows add up),
  the dashboard's ratio metrics, and metrics from the account-grain marts (fct_mrr, dim_accounts)
  against the scorecard (test warehouse only: the synthetic marts are not mutually consistent).
- every public mart of MARTS.md has an enforced contract (target manifest).
- every public mart is documented (model and column descriptions) and has its contract columns.

mf reads `<project>/target/semantic_manifest.json`: the test parses the project into a temp target
and points mf at a shadow project dir (DBT_PROJECT_DIR) holding that manifest, so it never touches
the repository's target/.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from plg.dbt_runner import dbt_executable
from plg.publish import PUBLIC_MARTS
from pytests.helpers.report_sample import build_sample

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent  # the .venv running pytest holds dbt and mf
MARTS_MD = ROOT.parent / "shared" / "spec" / "MARTS.md"
KPI_FLOWS = ["new_signups", "new_mrr_usd", "expansion_mrr_usd", "churned_mrr_usd"]
KPI_STOCKS = ["mrr_usd", "arr_usd", "paying_accounts"]
KPI_RATES = ["conversion_rate_30d", "net_revenue_retention_rate", "logo_churn_rate", "nps"]
SEGMENT_ROWS = ["overall", "freemium", "trial", "high_engagement", "low_engagement"]


def _bin(name: str) -> str:
    for path in (VENV_BIN / name, ROOT / ".venv" / "bin" / name):
        if path.exists():
            return str(path)
    return name


class Parser:
    """dbt parse into temp targets. dbt-duckdb names the database after the DuckDB file's stem and
    the semantic manifest embeds it, so mf must query a file with the stem the project was parsed with:
    one parse per stem, each in a shadow project dir holding target/semantic_manifest.json."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.shadows: dict[str, Path] = {}

    def shadow_for(self, stem: str = "plg") -> Path:
        if stem in self.shadows:
            return self.shadows[stem]
        work = self.base / stem
        env = dict(
            os.environ,
            DBT_PROFILES_DIR=str(ROOT),
            PLG_DUCKDB_PATH=str(work / "db" / f"{stem}.duckdb"),
            PLG_DUCKDB_TEMP_DIR=str(work / "tmp"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        )
        proc = subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--project-dir",
                str(ROOT),
                "--target-path",
                str(work / "target"),
                "--log-path",
                str(work / "logs"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        shadow = work / "project"
        (shadow / "target").mkdir(parents=True)
        shutil.copy(ROOT / "dbt_project.yml", shadow / "dbt_project.yml")
        for name in ("semantic_manifest.json", "manifest.json"):
            shutil.copy(work / "target" / name, shadow / "target" / name)
        self.shadows[stem] = shadow
        return shadow


@pytest.fixture(scope="session")
def parser(tmp_path_factory) -> Parser:
    return Parser(tmp_path_factory.mktemp("semantic"))


@pytest.fixture(scope="session")
def parsed(parser) -> Path:
    return parser.shadow_for("plg")


def mf_query(parser: Parser, warehouse: Path, metrics: list[str], group_by: str | None = None) -> list[dict[str, str]]:
    shadow = parser.shadow_for(Path(warehouse).stem)
    out = shadow / f"q{abs(hash((tuple(metrics), group_by)))}.csv"
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(ROOT),
        DBT_PROJECT_DIR=str(shadow),
        PLG_DUCKDB_PATH=str(warehouse),
        PLG_DUCKDB_TEMP_DIR=str(shadow / "tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    cmd = [_bin("mf"), "query", "--metrics", ",".join(metrics), "--csv", str(out)]
    if group_by:
        cmd += ["--group-by", group_by, "--order", group_by]
    proc = subprocess.run(cmd, cwd=shadow, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    with out.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _num(v: str | None) -> float | None:
    return None if v in (None, "", "None", "nan") else float(v)


def _close(a: float | None, b: float | None, tol: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _mart_rows(warehouse: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=False)) for r in cur.fetchall()]
    finally:
        con.close()


def _month_key(v) -> str:
    return str(v)[:7]


def _add_time_spine(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("create schema if not exists analytics")
    con.execute(
        "create or replace table analytics.metricflow_time_spine as "
        "select cast(range as date) as date_day "
        "from range(date '2018-01-01', date '2036-01-01', interval 1 day)"
    )
    con.close()


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("semantic_sample") / "plg.duckdb"
    build_sample(path)
    _add_time_spine(path)
    return path


@pytest.fixture(scope="session")
def test_warehouse(tmp_path_factory) -> Path:
    wh = os.environ.get("PLG_TEST_WAREHOUSE")
    if not wh or not Path(wh).exists():
        pytest.skip("PLG_TEST_WAREHOUSE not built (make test-dbt)")
    return Path(wh).resolve()  # mf runs in another directory


def _check_kpis_by_month_and_quarter(parser: Parser, warehouse: Path) -> list[dict]:
    kpis = _mart_rows(warehouse, "select * from analytics_marts.rpt_kpis_monthly order by month_start")
    assert kpis, "rpt_kpis_monthly is empty"
    metrics = KPI_FLOWS + KPI_STOCKS + KPI_RATES
    got = {_month_key(r["metric_time__month"]): r for r in mf_query(parser, warehouse, metrics, "metric_time__month")}
    assert set(got) == {_month_key(k["month_start"]) for k in kpis}
    for k in kpis:
        row = got[_month_key(k["month_start"])]
        for m in metrics:
            assert _close(_num(row[m]), None if k[m] is None else float(k[m])), (k["month_start"], m, row[m], k[m])

    # quarter grain: stocks = the quarter's last month, flows = the sum of its months
    quarters: dict[str, list[dict]] = {}
    for k in kpis:
        d = k["month_start"]
        quarters.setdefault(f"{d.year}-{(d.month - 1) // 3 * 3 + 1:02d}", []).append(k)
    got_q = {
        _month_key(r["metric_time__quarter"]): r
        for r in mf_query(
            parser, warehouse, ["mrr_usd", "paying_accounts", "new_mrr_usd", "new_signups"], "metric_time__quarter"
        )
    }
    assert set(got_q) == set(quarters)
    for q, months in quarters.items():
        last = max(months, key=lambda r: r["month_start"])
        assert _close(_num(got_q[q]["mrr_usd"]), float(last["mrr_usd"])), q
        assert _close(_num(got_q[q]["paying_accounts"]), float(last["paying_accounts"])), q
        flows = [float(r["new_mrr_usd"]) for r in months if r["new_mrr_usd"] is not None]
        assert _close(_num(got_q[q]["new_mrr_usd"]), sum(flows) if flows else None), q
        assert _close(_num(got_q[q]["new_signups"]), float(sum(r["new_signups"] or 0 for r in months))), q
    return kpis


def _check_dashboard_ratios(parser: Parser, warehouse: Path) -> None:
    dash = _mart_rows(
        warehouse,
        "select segment_row, window_days, accounts, conversions, conversion_rate "
        "from analytics_marts.rpt_conversion_dashboard",
    )
    by_key = {(r["segment_row"], r["window_days"]): r for r in dash}
    metrics = [f"conversion_rate_{row}_{w}d" for row in SEGMENT_ROWS for w in (30, 60, 90) if (row, w) in by_key]
    assert metrics, "rpt_conversion_dashboard is empty"
    got = mf_query(parser, warehouse, metrics)
    assert len(got) == 1
    for m in metrics:
        row, w = m[len("conversion_rate_") : -1].rsplit("_", 1)
        r = by_key[(row, int(w))]
        expected = r["conversions"] / r["accounts"] if r["accounts"] else None  # recomputed, not copied
        assert _close(_num(got[0][m]), expected), (m, got[0][m], expected)
        assert _close(_num(got[0][m]), None if r["conversion_rate"] is None else float(r["conversion_rate"]))


@pytest.mark.slow
def test_mf_queries_equal_the_sample_marts(parser, sample_warehouse):
    # the report's synthetic sample has the contract columns only (not the additive numerators and
    # denominators of the rates): flows and stocks here, rates on a built warehouse below
    global KPI_RATES
    saved, KPI_RATES = KPI_RATES, []
    try:
        _check_kpis_by_month_and_quarter(parser, sample_warehouse)
    finally:
        KPI_RATES = saved
    _check_dashboard_ratios(parser, sample_warehouse)


# ---- exact at any grain (METRICS.md "Semantic layer"), on a warehouse built from a generated landing ----

GROSS_MARGIN = 0.80  # dbt_project.yml default of var gross_margin


def _period(d, grain: str) -> str:
    if grain == "quarter":
        return f"{d.year}-{(d.month - 1) // 3 * 3 + 1:02d}"
    return f"{d.year}-01"


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _expected_by_period(warehouse: Path, grain: str) -> dict[str, dict[str, float | None]]:
    """Every KPI of a quarter or a year recomputed here: rates as the ratio of the period's sums (of the
    marts' monthly numerators and denominators, or straight from fct_mrr / fct_activation), stocks at the
    period's last month, the median over the accounts that signed up in the period."""
    import statistics

    kpis = _mart_rows(warehouse, "select * from analytics_marts.rpt_kpis_monthly order by month_start")
    mrr = _mart_rows(
        warehouse,
        "select account_id, month_start, mrr_usd, previous_mrr_usd, movement, "
        "mrr_change_usd, fx_adjustment_usd from analytics_marts.fct_mrr",
    )
    act = _mart_rows(
        warehouse,
        "select d.signup_at, a.activation_hours from analytics_marts.fct_activation a "
        "join analytics_marts.dim_accounts d on a.account_id = d.account_id",
    )
    # fct_mrr -> per month: churned accounts, paying at the previous month end, previous MRR, movements
    paying_by_month: dict = {}
    mrr_by_month: dict = {}
    for r in mrr:
        if r["mrr_usd"] and r["mrr_usd"] > 0:
            paying_by_month[r["month_start"]] = paying_by_month.get(r["month_start"], 0) + 1
            mrr_by_month[r["month_start"]] = mrr_by_month.get(r["month_start"], 0.0) + r["mrr_usd"]
    sums: dict[str, dict[str, float]] = {}
    last: dict[str, dict] = {}
    for k in kpis:
        p = _period(k["month_start"], grain)
        s = sums.setdefault(p, {})
        if p not in last or k["month_start"] > last[p]["month_start"]:
            last[p] = k
        m = k["month_start"]
        prev = dt.date(m.year - (m.month == 1), 12 if m.month == 1 else m.month - 1, 1)
        moves = [r for r in mrr if r["month_start"] == m]
        for key, v in {
            "conv": k["conversions_30d"],
            "conv_den": k["conversion_accounts_30d"],
            "trial": k["trial_conversions"],
            "trial_den": k["trial_accounts"],
            "adopt": k["adopted_accounts"],
            "adopt_den": k["adoption_accounts"],
            "churned": sum(1 for r in moves if r["movement"] == "churn"),
            "prev_paying": paying_by_month.get(prev, 0),
            "prev_mrr": mrr_by_month.get(prev, 0.0),
            # movement amounts in constant currency: the USD change less its FX part (0 for new / churn)
            "lost": sum(
                r["fx_adjustment_usd"] - r["mrr_change_usd"] for r in moves if r["movement"] in ("churn", "contraction")
            ),
            "expansion": sum(
                r["mrr_change_usd"] - r["fx_adjustment_usd"] for r in moves if r["movement"] == "expansion"
            ),
            "spend": k["gtm_spend_usd"] or 0.0,
            "new_paying": sum(1 for r in moves if r["movement"] == "new"),
            "new_mrr": sum(r["mrr_change_usd"] for r in moves if r["movement"] == "new"),
            "promoters": k["nps_promoters"],
            "detractors": k["nps_detractors"],
            "respondents": k["nps_respondents"],
        }.items():
            s[key] = s.get(key, 0) + (v or 0)
    hours: dict[str, list[float]] = {}
    for r in act:
        if r["activation_hours"] is not None:
            hours.setdefault(_period(r["signup_at"], grain), []).append(r["activation_hours"])
    out = {}
    for p, s in sums.items():
        end = last[p]
        out[p] = {
            "conversion_rate_30d": _ratio(s["conv"], s["conv_den"]),
            "trial_conversion_rate": _ratio(s["trial"], s["trial_den"]),
            "product_adoption_rate": _ratio(s["adopt"], s["adopt_den"]),
            "logo_churn_rate": _ratio(s["churned"], s["prev_paying"]),
            "gross_revenue_churn_rate": _ratio(s["lost"], s["prev_mrr"]),
            "net_revenue_retention_rate": _ratio(s["prev_mrr"] + s["expansion"] - s["lost"], s["prev_mrr"]),
            "cac_usd": _ratio(s["spend"], s["new_paying"]),
            "payback_months": _ratio(s["spend"], s["new_mrr"] * GROSS_MARGIN),
            "nps": _ratio(100.0 * (s["promoters"] - s["detractors"]), s["respondents"]),
            "mrr_usd": end["mrr_usd"],
            "paying_accounts": end["paying_accounts"],
            "arpa_usd": end["arpa_usd"],
            "revenue_per_employee_usd": end["revenue_per_employee_usd"],
            "ltv_usd": end["ltv_usd"],
            "median_activation_hours": statistics.median(hours[p]) if hours.get(p) else None,
        }
    return out


EXACT_METRICS = [
    "conversion_rate_30d",
    "trial_conversion_rate",
    "product_adoption_rate",
    "logo_churn_rate",
    "gross_revenue_churn_rate",
    "net_revenue_retention_rate",
    "cac_usd",
    "payback_months",
    "nps",
    "mrr_usd",
    "paying_accounts",
    "arpa_usd",
    "revenue_per_employee_usd",
    "ltv_usd",
    "median_activation_hours",
]


@pytest.fixture(scope="session")
def built_warehouse(generated_warehouse) -> Path:
    return Path(generated_warehouse).resolve()


@pytest.mark.slow
def test_monthly_numerators_and_denominators_reproduce_the_scorecard_rates(built_warehouse):
    """The additive columns are the rates' own inputs: at month grain each rate is their ratio."""
    pairs = {
        "conversion_rate_30d": ("conversions_30d", "conversion_accounts_30d"),
        "trial_conversion_rate": ("trial_conversions", "trial_accounts"),
        "product_adoption_rate": ("adopted_accounts", "adoption_accounts"),
        "logo_churn_rate": ("churned_accounts", "previous_paying_accounts"),
    }
    for k in _mart_rows(built_warehouse, "select * from analytics_marts.rpt_kpis_monthly"):
        for rate, (num, den) in pairs.items():
            assert _close(k[rate], _ratio(k[num] or 0, k[den] or 0)), (k["month_start"], rate)
        expected_nps = _ratio(100.0 * (k["nps_promoters"] - k["nps_detractors"]), k["nps_respondents"])
        assert _close(k["nps"], expected_nps), k["month_start"]


@pytest.mark.slow
@pytest.mark.parametrize("grain", ["quarter", "year"])
def test_mf_query_by_quarter_and_year_equals_the_sums_of_the_marts(parser, built_warehouse, grain):
    expected = _expected_by_period(built_warehouse, grain)
    dim = f"metric_time__{grain}"
    rows = mf_query(parser, built_warehouse, EXACT_METRICS, dim)
    got = {_month_key(r[dim]): r for r in rows}
    assert [_month_key(r[dim]) for r in rows] == sorted(got), "mf query rows are not sorted by period"
    assert set(expected) <= set(got)
    problems = []
    for p, exp in expected.items():
        for m in EXACT_METRICS:
            tol = 1e-4 if m.endswith("_usd") or m == "payback_months" else 1e-6
            if not _close(_num(got[p][m]), None if exp[m] is None else float(exp[m]), tol):
                problems.append(f"{grain} {p} {m}: mf {got[p][m]} vs marts {exp[m]}")
    assert not problems, "\n".join(problems)


def test_window_metrics_follow_the_conversion_windows_var(parser, tmp_path):
    """A dashboard ratio metric for a window no longer in var conversion_windows is disabled at parse (so
    `mf query` fails naming the known metrics instead of returning an empty cell); the window-generic
    metrics cover every window."""
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(ROOT),
        PLG_DUCKDB_PATH=str(tmp_path / "w.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    proc = subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--project-dir",
            str(ROOT),
            "--target-path",
            str(tmp_path / "t"),
            "--log-path",
            str(tmp_path / "logs"),
            "--vars",
            "{conversion_windows: [30, 45]}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    sem = json.loads((tmp_path / "t" / "semantic_manifest.json").read_text())
    names = {m["name"] for m in sem["metrics"]}
    assert {"conversion_rate_overall_30d", "conversion_rate_overall"} <= names
    assert not {n for n in names if n.endswith("_60d") or n.endswith("_90d")}
    shadow = tmp_path / "project"
    (shadow / "target").mkdir(parents=True)
    shutil.copy(ROOT / "dbt_project.yml", shadow / "dbt_project.yml")
    shutil.copy(tmp_path / "t" / "semantic_manifest.json", shadow / "target" / "semantic_manifest.json")
    q = subprocess.run(
        [_bin("mf"), "query", "--metrics", "conversion_rate_overall_60d"],
        cwd=shadow,
        env=dict(env, DBT_PROJECT_DIR=str(shadow)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert q.returncode != 0
    assert "does not exactly match any known metrics" in q.stdout + q.stderr


def test_no_rate_is_averaged_over_months():
    """METRICS.md "Semantic layer": no measure averages a monthly rate."""
    import yaml

    doc = yaml.safe_load((ROOT / "models" / "semantic" / "_semantic__models.yml").read_text())
    averaged = [m["name"] for sm in doc["semantic_models"] for m in sm.get("measures", []) if m.get("agg") == "average"]
    assert not averaged, averaged


@pytest.mark.slow
def test_mf_queries_equal_the_test_warehouse_marts(parser, test_warehouse):
    kpis = _check_kpis_by_month_and_quarter(parser, test_warehouse)
    _check_dashboard_ratios(parser, test_warehouse)
    # account-grain marts through MetricFlow agree with the scorecard
    got = {
        _month_key(r["metric_time__month"]): r
        for r in mf_query(
            parser, test_warehouse, ["account_mrr_usd", "account_paying_accounts", "signups"], "metric_time__month"
        )
    }
    for k in kpis:
        row = got.get(_month_key(k["month_start"]), {})
        if k["mrr_usd"] is not None and float(k["mrr_usd"]) != 0:
            assert _close(_num(row.get("account_mrr_usd")), float(k["mrr_usd"]), 1e-4), k["month_start"]
            assert _close(_num(row.get("account_paying_accounts")), float(k["paying_accounts"])), k["month_start"]
        if k["new_signups"]:
            assert _close(_num(row.get("signups")), float(k["new_signups"])), k["month_start"]


def _public_mart_columns() -> dict[str, list[str]]:
    out = {}
    for line in MARTS_MD.read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1].startswith("`") and cells[1].strip("`") in PUBLIC_MARTS:
            listed = re.sub(r"\([^)]*\)", "", cells[3])  # drop "(`self_serve`, `sales_assisted`, null)"
            cols = [c.strip().split(" ")[0].strip("`") for c in listed.split(",")]
            out[cells[1].strip("`")] = [c for c in cols if c]
    return out


def test_public_mart_list_matches_marts_md():
    if not MARTS_MD.exists():
        pytest.skip("MARTS.md not available")
    # every mart of MARTS.md's table is public; the two reports it names besides the table too
    assert set(_public_mart_columns()) <= set(PUBLIC_MARTS)
    assert set(PUBLIC_MARTS) - set(_public_mart_columns()) <= {"rpt_cac_by_channel", "rpt_revenue_retention_cohorts"}


def test_every_public_mart_has_an_enforced_documented_contract(parsed):
    manifest = json.loads((parsed / "target" / "manifest.json").read_text())
    models = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "plg_analytics"
    }
    expected_cols = _public_mart_columns() if MARTS_MD.exists() else {}
    problems = []
    for mart in PUBLIC_MARTS:
        node = models.get(mart)
        if node is None:
            problems.append(f"{mart}: missing")
            continue
        if not node["config"].get("contract", {}).get("enforced"):
            problems.append(f"{mart}: contract not enforced")
        if not node.get("description"):
            problems.append(f"{mart}: no description")
        for col in expected_cols.get(mart, []):
            c = node["columns"].get(col)
            if c is None:
                problems.append(f"{mart}.{col}: not in the contract")
            elif not c.get("description") or not c.get("data_type"):
                problems.append(f"{mart}.{col}: no description or data_type")
    assert not problems, "\n".join(problems)


def test_every_model_is_described(parsed):
    manifest = json.loads((parsed / "target" / "manifest.json").read_text())
    undocumented = sorted(
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "plg_analytics" and not n.get("description")
    )
    assert not undocumented, f"models without a description: {undocumented}"


def test_exposures_declare_the_report_and_the_dashboard(parsed):
    manifest = json.loads((parsed / "target" / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"plg_kpi_report", "bi_plg_dashboard"} <= set(exposures)
    for e in exposures.values():
        assert e["owner"].get("email") or e["owner"].get("name")
        assert e["depends_on"]["nodes"], f"{e['name']} depends on nothing"
        for node in e["depends_on"]["nodes"]:
            assert node.split(".")[-1] in PUBLIC_MARTS, f"{e['name']} depends on a private model {node}"


def test_time_spine_is_configured(parsed):
    manifest = json.loads((parsed / "target" / "manifest.json").read_text())
    spine = [n for n in manifest["nodes"].values() if n["name"] == "metricflow_time_spine"]
    assert spine and spine[0].get("time_spine", {}).get("standard_granularity_column") == "date_day"
