"""The KPI report: one self-contained HTML file rendered from the public marts (inline SVG, inline CSS,
no JavaScript, nothing fetched from the network).

    python -m plg.report --warehouse warehouse/plg_marts.duckdb --out reports/plg_report.html

Reads the readers' file published by plg.publish (schema ``marts``) or, when given the build's
working file, schema ``analytics_marts``. Opens the file read-only. Every chart or table is an
element with a ``data-chart`` attribute (the headless browser test checks each one rendered).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from plg.report import svg
from plg.report.svg import money, num, pct

SCHEMAS = ("marts", "analytics_marts")
SEGMENT_ROW_LABELS = {
    "overall": "Overall",
    "freemium": "Freemium → Paid",
    "trial": "Trial → Paid",
    "high_engagement": "High engagement",
    "low_engagement": "Low engagement",
}
# KPI trend small multiples: (column, title, formatter)
TRENDS = [
    ("mrr_usd", "MRR", money),
    ("paying_accounts", "Paying accounts", num),
    ("new_signups", "New signups", num),
    ("conversion_rate_30d", "Conversion rate (30 days)", pct),
    ("trial_conversion_rate", "Trial conversion rate", pct),
    ("product_adoption_rate", "Product adoption rate", pct),
    ("median_activation_hours", "Median activation time (hours)", num),
    ("net_revenue_retention_rate", "Net revenue retention", pct),
    ("logo_churn_rate", "Logo churn rate", pct),
    ("gross_revenue_churn_rate", "Gross revenue churn", pct),
    ("arpa_usd", "ARPA", money),
    ("ltv_usd", "LTV", money),
    ("cac_usd", "CAC", money),
    ("payback_months", "CAC payback (months)", num),
    ("nps", "NPS", num),
    ("revenue_per_employee_usd", "Revenue per employee", money),
]
HEADLINE = [
    ("mrr_usd", "MRR", money),
    ("arr_usd", "ARR", money),
    ("paying_accounts", "Paying accounts", num),
    ("net_revenue_retention_rate", "NRR", pct),
    ("conversion_rate_30d", "Conversion (30 d)", pct),
    ("nps", "NPS", num),
]
PQA_LIMIT = 50
# a cohort curve point is drawn only when at least this many accounts are old enough for it: the
# latest cohorts' tails rest on a handful of early signups and would only show noise
COHORT_MIN_AT_RISK = 30


class ReportError(RuntimeError):
    """The warehouse does not hold the public marts."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def find_schema(con: duckdb.DuckDBPyConnection) -> str:
    present = {r[0] for r in con.execute(
        "select table_schema from information_schema.tables where table_name = 'rpt_kpis_monthly'").fetchall()}
    for schema in SCHEMAS:
        if schema in present:
            return schema
    raise ReportError("no public marts found (schema marts or analytics_marts): run the build and plg.publish first")


def load(warehouse: Path, schema: str | None = None) -> dict[str, Any]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        s = schema or find_schema(con)
        data: dict[str, Any] = {"schema": s}
        data["dashboard"] = _rows(con, f"select * from {s}.rpt_conversion_dashboard order by segment_row, window_days")
        data["cohorts"] = _rows(con, f"""
            select cohort_start, day_offset, cumulative_conversion_rate, accounts_at_risk
            from {s}.fct_cohort_conversion
            where cohort_grain = 'month'
              and cohort_start in (
                  select distinct cohort_start from {s}.fct_cohort_conversion
                  where cohort_grain = 'month' order by cohort_start desc limit 12)
            order by cohort_start, day_offset""")
        data["funnel"] = _rows(con, f"select * from {s}.rpt_funnel order by step")
        data["kpis"] = _rows(con, f"select * from {s}.rpt_kpis_monthly order by month_start")
        data["segments"] = _rows(con, f"select * from {s}.rpt_segment_conversion order by dimension, expected_new_arr_usd desc")
        data["pqa_count"] = con.execute(f"select count(*) from {s}.rpt_product_qualified_accounts").fetchone()[0]
        data["pqa_actions"] = _rows(con, f"""
            select recommended_action, count(*) as accounts from {s}.rpt_product_qualified_accounts
            group by recommended_action order by recommended_action""")
        data["pqa"] = _rows(con, f"""
            select account_id, pes_14d, feature_adoption_30d, employee_count, recommended_action
            from {s}.rpt_product_qualified_accounts
            order by pes_14d desc nulls last, feature_adoption_30d desc nulls last, account_id
            limit {PQA_LIMIT}""")
        data["published"] = None
        if s == "marts":
            got = con.execute(f"select max(as_of_date), max(published_at) from {s}._published").fetchone()
            data["published"] = {"as_of_date": got[0], "published_at": got[1]}
        else:
            got = con.execute("select count(*) from information_schema.tables "
                              "where table_schema = 'analytics_intermediate' and table_name = 'int_clock'").fetchone()[0]
            if got:
                as_of = con.execute("select max(as_of_date) from analytics_intermediate.int_clock").fetchone()[0]
                data["published"] = {"as_of_date": as_of, "published_at": None}
        return data
    finally:
        con.close()


def _section(chart_id: str, title: str, body: str, note: str = "", kind: str = "svg") -> str:
    return (f'<section class="card" data-chart="{escape(chart_id)}" data-kind="{kind}">'
            f"<h2>{escape(title)}</h2>{body}"
            + (f'<p class="note">{note}</p>' if note else "") + "</section>")


def _dashboard_chart(rows: list[dict[str, Any]]) -> str:
    by_row: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_row.setdefault(r["segment_row"], []).append(r)
    groups = []
    for key in [k for k in SEGMENT_ROW_LABELS if k in by_row] + [k for k in by_row if k not in SEGMENT_ROW_LABELS]:
        rs = sorted(by_row[key], key=lambda r: r["window_days"])
        bars = [(f"{r['window_days']} d", _f(r["conversion_rate"])) for r in rs]
        status = " / ".join(str(r["benchmark_status"] or "n/a") for r in rs)
        groups.append((SEGMENT_ROW_LABELS.get(key, key), bars, _f(rs[0]["benchmark_low_rate"]),
                       _f(rs[0]["benchmark_high_rate"]), status))
    chart = svg.band_bars(groups, "Product-led conversion rate by segment and window against the benchmark band")
    table = ["<table><thead><tr><th>row</th><th>window</th><th>accounts</th><th>conversions</th><th>rate</th>"
             "<th>self-serve rate</th><th>sales-assisted share</th><th>benchmark</th><th>status</th></tr></thead><tbody>"]
    for r in rows:
        table.append(
            f"<tr><td>{escape(SEGMENT_ROW_LABELS.get(r['segment_row'], r['segment_row']))}</td><td>{r['window_days']} d</td>"
            f"<td>{num(r['accounts'])}</td><td>{num(r['conversions'])}</td><td>{pct(_f(r['conversion_rate']))}</td>"
            f"<td>{pct(_f(r['self_serve_conversion_rate']))}</td><td>{pct(_f(r['sales_assisted_share']))}</td>"
            f"<td>{pct(_f(r['benchmark_low_rate']), 0)}–{pct(_f(r['benchmark_high_rate']), 0)}</td>"
            f"<td class=\"status-{escape(str(r['benchmark_status']))}\">{escape(str(r['benchmark_status']))}</td></tr>")
    table.append("</tbody></table>")
    return chart + "<details><summary>figures</summary>" + "".join(table) + "</details>"


def _cohort_chart(rows: list[dict[str, Any]]) -> str:
    offsets = sorted({r["day_offset"] for r in rows})
    index = {d: i for i, d in enumerate(offsets)}
    series: dict[str, list[float | None]] = {}
    for r in rows:
        ys = series.setdefault(str(r["cohort_start"])[:7], [None] * len(offsets))
        if (r["accounts_at_risk"] or 0) >= COHORT_MIN_AT_RISK:
            ys[index[r["day_offset"]]] = _f(r["cumulative_conversion_rate"])
    series = {k: v for k, v in series.items() if any(y is not None for y in v)}
    return svg.line_chart(list(series.items()), [f"day {d}" for d in offsets], pct,
                          "Cumulative conversion rate by day since signup, monthly signup cohorts",
                          width=1000, height=340)


def _bridge_chart(kpis: list[dict[str, Any]]) -> tuple[str, str]:
    rows = [r for r in kpis if r.get("mrr_usd") is not None]
    if not rows:
        return "", ""
    cur = rows[-1]
    prev = rows[-2]["mrr_usd"] if len(rows) > 1 else 0.0
    steps = [
        ("previous MRR", _f(prev) or 0.0, "total"),
        ("new", _f(cur["new_mrr_usd"]) or 0.0, "delta"),
        ("reactivation", _f(cur["reactivation_mrr_usd"]) or 0.0, "delta"),
        ("expansion", _f(cur["expansion_mrr_usd"]) or 0.0, "delta"),
        ("contraction", -(_f(cur["contraction_mrr_usd"]) or 0.0), "delta"),
        ("churn", -(_f(cur["churned_mrr_usd"]) or 0.0), "delta"),
        ("FX", _f(cur["fx_adjustment_mrr_usd"]) or 0.0, "delta"),
        ("MRR", _f(cur["mrr_usd"]) or 0.0, "total"),
    ]
    explained = sum(v for _, v, k in steps[:-1])
    gap = (_f(cur["mrr_usd"]) or 0.0) - explained
    note = (f"Month {escape(str(cur['month_start'])[:7])}: previous MRR + new + reactivation + expansion − contraction − churn "
            f"+ FX adjustment = MRR")
    if abs(gap) > 0.01:
        note += f" (unexplained difference {money(gap)})"
    return svg.waterfall(steps, f"MRR bridge {str(cur['month_start'])[:7]}"), note


def _trend_charts(kpis: list[dict[str, Any]]) -> str:
    labels = [str(r["month_start"])[:7] for r in kpis]
    out = ['<div class="grid">']
    for col, title, fmt in TRENDS:
        if not kpis or col not in kpis[0]:
            continue
        ys = [_f(r[col]) for r in kpis]
        latest = next((v for v in reversed(ys) if v is not None), None)
        chart = svg.line_chart([(title, ys)], labels, fmt, f"{title} by month", width=420, height=200, legend=False)
        out.append(f'<div class="mini" data-chart="kpi-trend-{escape(col)}" data-kind="svg"><h3>{escape(title)}'
                   f' <span class="latest">{escape(fmt(latest))}</span></h3>{chart}</div>')
    out.append("</div>")
    return "".join(out)


def _segment_table(rows: list[dict[str, Any]]) -> str:
    out = ["<table><thead><tr><th>dimension</th><th>segment</th><th>accounts (60 d)</th><th>conversion 60 d</th>"
           "<th>ACV</th><th>expected new ARR</th><th>priority</th></tr></thead><tbody>"]
    for r in rows:
        out.append(f"<tr><td>{escape(str(r['dimension']))}</td><td>{escape(str(r['segment']))}</td>"
                   f"<td>{num(r['accounts'])}</td><td>{pct(_f(r['conversion_rate_60d']))}</td>"
                   f"<td>{money(_f(r['acv_usd']))}</td><td>{money(_f(r['expected_new_arr_usd']))}</td>"
                   f"<td class=\"priority-{escape(str(r['priority']))}\">{escape(str(r['priority']))}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _pqa_table(data: dict[str, Any]) -> str:
    actions = ", ".join(f"{num(a['accounts'])} {escape(str(a['recommended_action']))}" for a in data["pqa_actions"])
    out = [f"<p>{num(data['pqa_count'])} product-qualified accounts ({actions or 'none'}); "
           f"the {min(PQA_LIMIT, data['pqa_count'])} most engaged:</p>",
           "<table><thead><tr><th>account</th><th>PES (14 d)</th><th>feature adoption (30 d)</th><th>employees</th>"
           "<th>recommended action</th></tr></thead><tbody>"]
    for r in data["pqa"]:
        out.append(f"<tr><td>{escape(str(r['account_id']))}</td><td>{num(_f(r['pes_14d']))}</td>"
                   f"<td>{pct(_f(r['feature_adoption_30d']), 0)}</td><td>{num(r['employee_count'])}</td>"
                   f"<td>{escape(str(r['recommended_action']))}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cbd5e1;font-size:13px}main{padding:18px 28px;max-width:1240px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:14px 18px;margin:0 0 18px}
.card h2{font-size:17px;margin:0 0 8px}.mini h3{font-size:13px;margin:4px 0}.latest{color:#2563eb;float:right}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.mini{border:1px solid #e2e8f0;border-radius:6px;padding:6px 10px}
.tiles{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;margin-bottom:18px}
.tile{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px}
.tile b{display:block;font-size:22px}.tile span{color:#64748b;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{background:#f1f5f9}
.note{color:#64748b;font-size:12px}svg text{font-size:11px;fill:#334155}svg .strong{font-weight:600}
svg .value{font-size:10px;fill:#0f172a}svg .legend{font-size:11px}svg .grid{stroke:#e2e8f0}
svg .band{fill:#bbf7d0;opacity:.6}svg .connector{stroke:#94a3b8;stroke-dasharray:3 2}
.status-below{color:#dc2626;fill:#dc2626}.status-above{color:#2563eb;fill:#2563eb}.status-within{color:#16a34a;fill:#16a34a}
.priority-high{color:#dc2626;font-weight:600}details{margin-top:8px;font-size:13px}
"""


def render(data: dict[str, Any]) -> str:
    pub = data.get("published") or {}
    as_of = pub.get("as_of_date")
    published_at = pub.get("published_at")
    kpis = data["kpis"]
    latest = kpis[-1] if kpis else {}
    tiles = "".join(f'<div class="tile"><span>{escape(t)}</span><b>{escape(f(_f(latest.get(c))))}</b></div>'
                    for c, t, f in HEADLINE)
    bridge, bridge_note = _bridge_chart(kpis)
    funnel_rows = [(str(r["step_name"]), int(r["accounts"] or 0), _f(r["step_rate"]), _f(r["rate_from_signup"]))
                   for r in data["funnel"]]
    sections = [
        _section("conversion-dashboard", "Product-led conversion rate against the benchmark bands",
                 _dashboard_chart(data["dashboard"]),
                 "Bars: conversion rate within 30, 60 and 90 days of signup over accounts mature for the window; "
                 "green band: the benchmark range (conversion_benchmarks seed)."),
        _section("cohort-curves", "Cohort conversion curves (monthly signup cohorts)", _cohort_chart(data["cohorts"]),
                 "Share of the cohort converted before day d+1, over the cohort's accounts at least d+1 days old "
                 f"(the 12 latest monthly cohorts; a point is drawn when at least {COHORT_MIN_AT_RISK} accounts are "
                 "that old)."),
        _section("funnel", "Funnel (30 days, mature accounts)", svg.funnel(funnel_rows, "Signup to paid funnel"),
                 "Nested steps: each counts only the accounts that passed every earlier step."),
        _section("mrr-bridge", "MRR bridge (latest month)", bridge, bridge_note),
        _section("kpi-trends", "KPI trends by month", _trend_charts(kpis), kind="group"),
        _section("segment-table", "Segments: 60-day conversion, ACV and expected new ARR",
                 _segment_table(data["segments"]), kind="table"),
        _section("pqa-table", "Product-qualified accounts", _pqa_table(data), kind="table"),
    ]
    subtitle = f"as of {escape(str(as_of))}" if as_of else "as-of date unknown"
    if published_at:
        subtitle += f" · published {escape(str(published_at)[:19])} UTC"
    subtitle += f" · rendered {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC · source schema {escape(data['schema'])}"
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>PLG KPI report {escape(str(as_of or ''))}</title><style>{CSS}</style></head><body>"
            f"<header><h1>Product-led growth KPI report</h1><p>{subtitle}</p></header><main>"
            f"<div class=\"tiles\" data-chart=\"headline\" data-kind=\"tiles\">{tiles}</div>"
            + "".join(sections) + "</main></body></html>")


def write_report(warehouse: Path, out: Path, schema: str | None = None) -> Path:
    html = render(load(warehouse, schema))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out.resolve()
