"""The KPI report: one self-contained HTML file rendered from the public marts (inline SVG, inline CSS,
no JavaScript, nothing fetched from the network).

    python -m plg.report --warehouse warehouse/plg_marts.duckdb --out reports/plg_report.html

Reads the readers' file published by plg.publish (schema ``marts``) or, when given the build's
working file, schema ``analytics_marts``. Opens the file read-only. Every chart or table is an
element with a ``data-chart`` attribute (the headless browser test checks each one rendered).

Periods: a signup-cohort figure is shown as the headline only for the latest cohort mature for its
window, a calendar-month figure only for the latest complete month (plg.report.kpi); immature or
incomplete periods are drawn hollow/dashed/hatched in the charts. The windows come from the marts
where they carry them (rpt_conversion_dashboard.window_days, dim_accounts.trial_length_days), else
from the `_published` metadata, else from the project's dbt_project.yml vars (the caption says which).
A mart or column missing from the file (an older readers' file, an optional source switched off)
leaves a short note in its panel instead of failing.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from plg.report import kpi, svg
from plg.report.svg import integer, money, num, pct

SCHEMAS = ("marts", "analytics_marts")
ROOT = Path(__file__).resolve().parents[2]
SEGMENT_ROW_LABELS = {
    "overall": "Overall",
    "freemium": "Freemium → Paid",
    "trial": "Trial → Paid",
    "high_engagement": "High engagement",
    "low_engagement": "Low engagement",
}
# KPI trend small multiples: (column, title, value kind, maturity window key). Window keys:
# "calendar" (the month must be over), "conversion" (W = 30 d), "trial" (longest trial + grace),
# "adoption" (evaluation period + adoption window), "activation" (the longest conversion window).
TRENDS = [
    ("mrr_usd", "MRR", "money", "calendar"),
    ("paying_accounts", "Paying accounts", "int", "calendar"),
    ("new_signups", "New signups", "int", "calendar"),
    ("conversion_rate_30d", "Conversion rate (30 days)", "pct", "conversion"),
    ("trial_conversion_rate", "Trial conversion rate", "pct", "trial"),
    ("product_adoption_rate", "Product adoption rate", "pct", "adoption"),
    ("median_activation_hours", "Median activation time (hours)", "num", "activation"),
    ("net_revenue_retention_rate", "NRR (monthly)", "pct", "calendar"),
    ("logo_churn_rate", "Logo churn rate (monthly)", "pct", "calendar"),
    ("gross_revenue_churn_rate", "Gross revenue churn (monthly)", "pct", "calendar"),
    ("arpa_usd", "ARPA", "money", "calendar"),
    ("ltv_usd", "LTV", "money", "calendar"),
    ("cac_usd", "CAC", "money", "calendar"),
    ("payback_months", "CAC payback (months)", "num", "calendar"),
    ("nps", "NPS", "num", "calendar"),
    ("revenue_per_employee_usd", "Revenue per employee", "money", "calendar"),
]
# headline tiles: (column, title, kind, window key, change kind)
HEADLINE = [
    ("mrr_usd", "MRR", "money", "calendar", "rel"),
    ("arr_usd", "ARR", "money", "calendar", "rel"),
    ("paying_accounts", "Paying accounts", "int", "calendar", "rel"),
    ("net_revenue_retention_rate", "NRR (monthly)", "pct", "calendar", "pct"),
    ("conversion_rate_30d", "Conversion (30 d)", "pct", "conversion", "pct"),
    ("trial_conversion_rate", "Trial conversion", "pct", "trial", "pct"),
    ("nps", "NPS", "num", "calendar", "points"),
]
MOVEMENTS = [  # (column, label, colour, sign)
    ("new_mrr_usd", "new", "#16a34a", 1),
    ("expansion_mrr_usd", "expansion", "#4ade80", 1),
    ("reactivation_mrr_usd", "reactivation", "#0891b2", 1),
    ("contraction_mrr_usd", "contraction", "#f97316", -1),
    ("churned_mrr_usd", "churn", "#dc2626", -1),
]
PQA_LIMIT = 50
COHORT_MONTHS = 12  # heatmap rows: the latest monthly signup cohorts
KM_COHORTS = 6  # KM curves: the latest cohorts (more lines would hide each other)
HEATMAP_OFFSETS = (0, 6, 13, 29, 44, 59, 89)  # day_offset d: converted within d + 1 days
RETENTION_COHORTS = 12
RETENTION_MONTHS = 12
VAR_DEFAULTS_SOURCE = "dbt_project.yml"


class ReportError(RuntimeError):
    """The warehouse does not hold the public marts."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=False)) for r in cur.fetchall()]


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _month_label(d: dt.date | None) -> str:
    return "–" if d is None else d.strftime("%b %Y")


def find_schema(con: duckdb.DuckDBPyConnection) -> str:
    present = {
        r[0]
        for r in con.execute(
            "select table_schema from information_schema.tables where table_name = 'rpt_kpis_monthly'"
        ).fetchall()
    }
    for schema in SCHEMAS:
        if schema in present:
            return schema
    raise ReportError("no public marts found (schema marts or analytics_marts): run the build and plg.publish first")


def project_vars(path: Path | None = None) -> dict[str, Any]:
    """The vars of dbt_project.yml (the defaults of the build); {} when the file is not there."""
    p = path or ROOT / "dbt_project.yml"
    try:
        import yaml

        return dict((yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("vars") or {})
    except (OSError, ValueError, ImportError):
        return {}


def _columns(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t, c in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?", [schema]
    ).fetchall():
        out.setdefault(t, set()).add(c)
    return out


def load(warehouse: Path, schema: str | None = None) -> dict[str, Any]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        s = schema or find_schema(con)
        cols = _columns(con, s)
        data: dict[str, Any] = {"schema": s, "columns": cols, "missing": {}}

        def need(table: str, *columns: str) -> bool:
            if table not in cols:
                data["missing"][table] = f"<code>{table}</code> is not in this file"
                return False
            absent = [c for c in columns if c not in cols[table]]
            if absent:
                data["missing"][table] = f"<code>{table}</code> has no column " + ", ".join(
                    f"<code>{c}</code>" for c in absent
                )
                return False
            return True

        data["dashboard"] = _rows(con, f"select * from {s}.rpt_conversion_dashboard order by segment_row, window_days")
        data["kpis"] = _rows(con, f"select * from {s}.rpt_kpis_monthly order by month_start")
        data["funnel"] = _rows(con, f"select * from {s}.rpt_funnel order by step")
        data["segments"] = _rows(
            con, f"select * from {s}.rpt_segment_conversion order by dimension, expected_new_arr_usd desc"
        )
        data["cohorts"] = []
        if need("fct_cohort_conversion", "cohort_grain", "cohort_start", "day_offset", "cumulative_conversion_rate"):
            extra = [
                c
                for c in ("km_cumulative_conversion_rate", "is_complete", "accounts_at_risk")
                if c in cols["fct_cohort_conversion"]
            ]
            data["cohorts"] = _rows(
                con,
                f"""
                select cohort_start, day_offset, cumulative_conversion_rate{"".join(", " + c for c in extra)}
                from {s}.fct_cohort_conversion
                where cohort_grain = 'month'
                  and cohort_start in (
                      select distinct cohort_start from {s}.fct_cohort_conversion
                      where cohort_grain = 'month' order by cohort_start desc limit {COHORT_MONTHS})
                order by cohort_start, day_offset""",
            )
        data["retention"] = None
        if need(
            "rpt_revenue_retention_cohorts",
            "cohort_month",
            "month_start",
            "months_since_start",
            "net_revenue_retention_rate",
        ):
            data["retention"] = _rows(
                con,
                f"""
                select cohort_month, month_start, months_since_start, cohort_accounts, net_revenue_retention_rate
                from {s}.rpt_revenue_retention_cohorts
                where months_since_start <= {RETENTION_MONTHS}
                  and cohort_month in (
                      select distinct cohort_month from {s}.rpt_revenue_retention_cohorts
                      order by cohort_month desc limit {RETENTION_COHORTS})
                order by cohort_month, months_since_start""",
            )
        data["quality"] = None
        if need("rpt_data_quality", "source_name", "table_name", "rule", "received_date", "rows", "is_quarantined"):
            data["quality"] = _rows(
                con,
                f"""
                select source_name, table_name, rule,
                       sum(case when is_quarantined then rows else 0 end) as quarantined_rows,
                       sum(case when is_quarantined then 0 else rows end) as flagged_rows,
                       min(received_date) as first_received_date, max(received_date) as last_received_date
                from {s}.rpt_data_quality
                group by source_name, table_name, rule
                order by source_name, table_name, rule""",
            )
        data["max_trial_length_days"] = None
        if "dim_accounts" in cols and "trial_length_days" in cols["dim_accounts"]:
            data["max_trial_length_days"] = con.execute(
                f"select max(trial_length_days) from {s}.dim_accounts"
            ).fetchone()[0]
        data["pqa_count"] = con.execute(f"select count(*) from {s}.rpt_product_qualified_accounts").fetchone()[0]
        data["pqa_actions"] = _rows(
            con,
            f"""
            select recommended_action, count(*) as accounts from {s}.rpt_product_qualified_accounts
            group by recommended_action order by recommended_action""",
        )
        data["pqa"] = _rows(
            con,
            f"""
            select account_id, pes_14d, feature_adoption_30d, employee_count, recommended_action
            from {s}.rpt_product_qualified_accounts
            order by pes_14d desc nulls last, feature_adoption_30d desc nulls last, account_id
            limit {PQA_LIMIT}""",
        )
        data["published"] = None
        if s == "marts" and "_published" in cols:
            meta = _rows(con, f"select * from {s}._published limit 1")
            got = con.execute(f"select max(as_of_date), max(published_at) from {s}._published").fetchone()
            data["published"] = {**(meta[0] if meta else {}), "as_of_date": got[0], "published_at": got[1]}
        else:
            got = con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'analytics_intermediate' and table_name = 'int_clock'"
            ).fetchone()[0]
            if got:
                as_of = con.execute("select max(as_of_date) from analytics_intermediate.int_clock").fetchone()[0]
                data["published"] = {"as_of_date": as_of, "published_at": None}
        return data
    finally:
        con.close()


def settings(data: dict[str, Any], vars_: dict[str, Any] | None = None) -> dict[str, Any]:
    """The as-of date and the maturity windows, each with where it came from."""
    pub = data.get("published") or {}
    v = project_vars() if vars_ is None else vars_

    def var(name: str) -> tuple[Any, str]:
        if pub.get(name) is not None:
            return pub[name], "_published"
        if name in v and v[name] is not None:
            return v[name], VAR_DEFAULTS_SOURCE
        return None, "unknown"

    windows = sorted({int(r["window_days"]) for r in data["dashboard"] if r.get("window_days") is not None})
    if not windows:
        cw, _ = var("conversion_windows")
        windows = sorted(int(w) for w in (cw or [30]))
    w30 = 30 if 30 in windows else windows[0]
    max_trial = data.get("max_trial_length_days")
    grace, grace_src = var("trial_grace_days")
    adoption, adoption_src = var("product_adoption_window_days")
    funnel_w, funnel_src = var("funnel_window_days")
    trial_w = int(max_trial or 0) + int(grace or 0)
    adoption_w = max(int(max_trial or 0), int(adoption or 30)) + int(adoption or 30)
    return {
        "as_of": pub.get("as_of_date"),
        "windows": windows,
        "window": {
            "calendar": 0,
            "conversion": w30,
            "trial": trial_w,
            "adoption": adoption_w,
            "activation": max(windows),
        },
        "explain": {
            "conversion": f"{w30} days (rpt_conversion_dashboard.window_days)",
            "trial": f"{trial_w} days = longest trial {max_trial or 0} d (dim_accounts) + grace {grace} d "
            f"(trial_grace_days, {grace_src})",
            "adoption": f"{adoption_w} days = evaluation period (longest trial {max_trial or 0} d, or "
            f"{adoption} d for freemium) + {adoption} d adoption window "
            f"(product_adoption_window_days, {adoption_src})",
            "activation": f"{max(windows)} days (the longest conversion window): later activations still "
            "move a younger cohort's median",
        },
        "funnel_window": funnel_w,
        "funnel_window_source": funnel_src,
    }


def _section(chart_id: str, title: str, body: str, note: str = "", kind: str = "svg", attrs: str = "") -> str:
    return (
        f'<section class="card" data-chart="{escape(chart_id)}" data-kind="{kind}"{attrs}>'
        f"<h2>{escape(title)}</h2>{body}" + (f'<p class="note">{note}</p>' if note else "") + "</section>"
    )


def _absent(data: dict[str, Any], table: str) -> str:
    return (
        f'<p class="absent">Not shown: {data["missing"].get(table, table + " is missing")} '
        "(an older readers' file, or the source is switched off). Re-run the build and plg.publish.</p>"
    )


# ---------------------------------------------------------------- headline


def _tiles(data: dict[str, Any], st: dict[str, Any]) -> str:
    kpis, as_of = data["kpis"], st["as_of"]
    out = []
    for col, title, kind, wkey, ckind in HEADLINE:
        if not kpis or col not in kpis[0]:
            continue
        w = st["window"][wkey]
        h = kpi.headline(kpis, col, w, as_of)
        if h is None:
            out.append(
                f'<div class="tile" data-col="{col}"><span>{escape(title)}</span><b>–</b>'
                f"<small>no {'mature cohort' if w else 'complete month'} yet</small></div>"
            )
            continue
        unit, amount = kpi.change(h["value"], h["previous_value"], ckind if ckind != "rel" else "money")
        delta = (
            ""
            if amount is None
            else (
                f'<em class="{"up" if amount > 0 else "down" if amount < 0 else ""}">'
                f"{'+' if amount > 0 else '−' if amount < 0 else '±'}{abs(amount):.1f} {unit}</em>"
                f" vs {_month_label(h['previous_month'])}"
            )
        )
        period = f"cohort {_month_label(h['month'])} (mature for {w} d)" if w else _month_label(h["month"])
        out.append(
            f'<div class="tile" data-col="{col}" data-period="{h["month"]}" data-window="{w}" '
            f'data-mature="{str(kpi.is_mature(h["month"], w, as_of)).lower()}"><span>{escape(title)}</span>'
            f"<b>{escape(svg.value_label(kind, h['value']))}</b><small>{escape(period)}</small>"
            f"<small>{delta}</small></div>"
        )
    t12 = kpi.trailing_nrr(kpis, as_of) if kpis and "net_revenue_retention_rate" in kpis[0] else None
    if t12:
        out.insert(
            4,
            f'<div class="tile" data-col="nrr_t12m" data-period="{t12["last_month"]}" data-mature="true">'
            f"<span>NRR (trailing 12 months)</span><b>{pct(t12['value'])}</b>"
            f"<small>{_month_label(t12['first_month'])} – {_month_label(t12['last_month'])}</small>"
            "<small>product of the 12 monthly NRRs</small></div>",
        )
    else:
        out.insert(
            4,
            '<div class="tile" data-col="nrr_t12m"><span>NRR (trailing 12 months)</span><b>–</b>'
            "<small>needs 12 complete months with a monthly NRR</small></div>",
        )
    return "".join(out)


# ---------------------------------------------------------------- panels


def _dashboard_chart(rows: list[dict[str, Any]]) -> str:
    by_row: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_row.setdefault(r["segment_row"], []).append(r)
    groups = []
    for key in [k for k in SEGMENT_ROW_LABELS if k in by_row] + [k for k in by_row if k not in SEGMENT_ROW_LABELS]:
        rs = sorted(by_row[key], key=lambda r: r["window_days"])
        bars = [(f"{r['window_days']} d", _f(r["conversion_rate"])) for r in rs]
        status = " / ".join(str(r["benchmark_status"] or "n/a") for r in rs)
        groups.append(
            (
                SEGMENT_ROW_LABELS.get(key, key),
                bars,
                _f(rs[0]["benchmark_low_rate"]),
                _f(rs[0]["benchmark_high_rate"]),
                status,
            )
        )
    chart = svg.band_bars(groups, "Product-led conversion rate by segment and window against the benchmark band")
    table = [
        "<table><thead><tr><th>row</th><th>window</th><th>accounts</th><th>conversions</th><th>rate</th>"
        "<th>self-serve rate</th><th>sales-assisted share</th><th>benchmark</th><th>status</th></tr></thead><tbody>"
    ]
    for r in rows:
        table.append(
            f"<tr><td>{escape(SEGMENT_ROW_LABELS.get(r['segment_row'], r['segment_row']))}</td>"
            f"<td>{r['window_days']} d</td>"
            f"<td>{integer(r['accounts'])}</td><td>{integer(r['conversions'])}</td><td>{pct(_f(r['conversion_rate']))}</td>"
            f"<td>{pct(_f(r['self_serve_conversion_rate']))}</td><td>{pct(_f(r['sales_assisted_share']))}</td>"
            f"<td>{pct(_f(r['benchmark_low_rate']), 0)}–{pct(_f(r['benchmark_high_rate']), 0)}</td>"
            f'<td class="status-{escape(str(r["benchmark_status"]))}">{escape(str(r["benchmark_status"]))}</td></tr>'
        )
    table.append("</tbody></table>")
    return chart + "<details><summary>figures</summary>" + "".join(table) + "</details>"


def cohort_cells(
    rows: list[dict[str, Any]], as_of: dt.date | None
) -> tuple[list[dt.date], list[list[float | None]], list[list[bool]], str]:
    """Heatmap cells (cohort × HEATMAP_OFFSETS): the KM estimate when the file has it, else the simple
    share; incomplete = not every account of the cohort is d + 1 days old (is_complete, or derived from
    the as-of date when the column is absent)."""
    has_km = any("km_cumulative_conversion_rate" in r for r in rows)
    col = "km_cumulative_conversion_rate" if has_km else "cumulative_conversion_rate"
    cohorts = sorted({r["cohort_start"] for r in rows})
    by = {(r["cohort_start"], r["day_offset"]): r for r in rows}
    vals, flags = [], []
    for c in cohorts:
        vr, fr = [], []
        for d in HEATMAP_OFFSETS:
            r = by.get((c, d))
            v = _f(r.get(col)) if r else None
            if r and "accounts_at_risk" in r and not r.get("accounts_at_risk") and not has_km:
                v = None
            vr.append(v)
            complete = r.get("is_complete") if r and "is_complete" in r else kpi.is_mature(c, d + 1, as_of)
            fr.append(not complete)
        vals.append(vr)
        flags.append(fr)
    return cohorts, vals, flags, col


def _cohort_heatmap(data: dict[str, Any], st: dict[str, Any]) -> tuple[str, str]:
    rows = data["cohorts"]
    if not rows:
        return _absent(data, "fct_cohort_conversion"), ""
    cohorts, vals, flags, col = cohort_cells(rows, st["as_of"])
    chart = svg.heatmap(
        [c.strftime("%Y-%m") for c in cohorts],
        [f"≤ {d + 1} d" for d in HEATMAP_OFFSETS],
        vals,
        flags,
        "pct",
        "Cumulative conversion by signup month and days since signup",
        col_title="converted within … days of signup",
    )
    what = (
        "Kaplan–Meier estimate (km_cumulative_conversion_rate)"
        if col.startswith("km")
        else "simple share (cumulative_conversion_rate: km_cumulative_conversion_rate is not in this file)"
    )
    src = "is_complete" if any("is_complete" in r for r in rows) else f"derived from the as-of date {st['as_of']}"
    return chart, (
        f"Rows: the {len(cohorts)} latest monthly signup cohorts; cells: {what}. Hatched: incomplete "
        f"(not every account of the cohort is that old yet; {src})."
    )


def _km_chart(data: dict[str, Any], st: dict[str, Any]) -> tuple[str, str]:
    rows = data["cohorts"]
    if not rows:
        return _absent(data, "fct_cohort_conversion"), ""
    if not any("km_cumulative_conversion_rate" in r for r in rows):
        data["missing"]["km"] = (
            "<code>fct_cohort_conversion</code> has no column <code>km_cumulative_conversion_rate</code>"
        )
        return _absent(data, "km"), ""
    cohorts = sorted({r["cohort_start"] for r in rows})[-KM_COHORTS:]
    offsets = sorted({r["day_offset"] for r in rows})
    idx = {d: i for i, d in enumerate(offsets)}
    series = []
    for c in cohorts:
        ys: list[float | None] = [None] * len(offsets)
        fl = [False] * len(offsets)
        for r in rows:
            if r["cohort_start"] == c:
                ys[idx[r["day_offset"]]] = _f(r["km_cumulative_conversion_rate"])
                comp = r["is_complete"] if "is_complete" in r else kpi.is_mature(c, r["day_offset"] + 1, st["as_of"])
                fl[idx[r["day_offset"]]] = not comp
        if any(y is not None for y in ys):
            series.append((c.strftime("%Y-%m"), ys, fl))
    chart = svg.line_chart(
        series,
        [f"day {d + 1}" for d in offsets],
        "pct",
        "Kaplan–Meier cumulative conversion by day since signup",
        width=1000,
        height=340,
        faded_name="incomplete (censored accounts)",
        max_x_labels=10,
    )
    return (
        f'<div data-series="{len(series)}">{chart}</div>',
        f"The {len(series)} latest monthly signup cohorts. Kaplan–Meier: each account counts until "
        "it converts or until the end of the as-of day, so a young cohort's curve never dips; dashed, hollow "
        "points: incomplete (some accounts of the cohort are not that old yet).",
    )


def _bridge_chart(kpis: list[dict[str, Any]], as_of: dt.date | None) -> tuple[str, str, dt.date | None]:
    rows = [r for r in kpis if r.get("mrr_usd") is not None and kpi.is_mature(r["month_start"], 0, as_of)]
    if not rows:
        return '<p class="absent">No complete month with MRR yet.</p>', "", None
    cur = rows[-1]
    prev_rows = [r for r in kpis if r["month_start"] < cur["month_start"] and r.get("mrr_usd") is not None]
    prev = prev_rows[-1]["mrr_usd"] if prev_rows else 0.0
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
    chart, floor = svg.waterfall(steps, f"MRR bridge {_month_label(cur['month_start'])}", width=600, height=340)
    note = (
        f"{_month_label(cur['month_start'])} (the latest complete month): previous MRR + new + reactivation + "
        "expansion − contraction − churn + FX adjustment = MRR"
    )
    if floor > 0:
        note += f". The axis starts at {money(floor)}, not $0, so the movements are readable (the totals are cut)"
    if abs(gap) > 0.01:
        note += f" (unexplained difference {money(gap)})"
    return chart, note + ".", cur["month_start"]


def _movements_chart(kpis: list[dict[str, Any]], as_of: dt.date | None) -> tuple[str, str]:
    rows = [r for r in kpis if all(c in r for c, *_ in MOVEMENTS)]
    if not rows:
        return '<p class="absent">No MRR movements in rpt_kpis_monthly.</p>', ""
    months = [r["month_start"].strftime("%Y-%m") for r in rows]
    comps = [(label, color, [_f(r[c]) or 0.0 for r in rows], sign) for c, label, color, sign in MOVEMENTS]
    net = [sum(sign * (_f(r[c]) or 0.0) for c, _, _, sign in MOVEMENTS) for r in rows]
    flags = kpi.maturity_flags([r["month_start"] for r in rows], 0, as_of)
    chart = svg.stacked_movements(months, comps, net, "MRR movements by month", flags=flags, width=600, height=340)
    note = (
        "Up: new, expansion and reactivation MRR; down: contraction and churned MRR (constant currency; the FX "
        "effect is in the bridge). Line: net new MRR = the sum of the five."
    )
    if any(flags):
        note += " Faded: the month is not over (as of " + escape(str(as_of)) + ")."
    return chart, note


def _trend_charts(kpis: list[dict[str, Any]], st: dict[str, Any]) -> str:
    labels = [r["month_start"].strftime("%Y-%m") for r in kpis]
    out = ['<div class="grid">']
    for col, title, kind, wkey in TRENDS:
        if not kpis or col not in kpis[0]:
            continue
        w = st["window"][wkey]
        ys = [_f(r[col]) for r in kpis]
        flags = kpi.maturity_flags([r["month_start"] for r in kpis], w, st["as_of"])
        h = kpi.headline(kpis, col, w, st["as_of"])
        latest = svg.value_label(kind, h["value"]) + " · " + _month_label(h["month"]) if h else "–"
        zero = col not in ("nps", "net_revenue_retention_rate")
        chart = svg.line_chart(
            [(title, ys, flags)],
            labels,
            kind,
            f"{title} by month",
            width=440,
            height=200,
            legend=False,
            zero=zero,
            max_x_labels=5,
            faded_name="immature" if w else "month not over",
        )
        n_imm = sum(1 for y, f in zip(ys, flags, strict=False) if f and y is not None)
        cap = f"hollow: {'cohort not mature for ' + str(w) + ' d' if w else 'month not over'}" if n_imm else ""
        if w and ys and ys[-1] is None and flags[-1]:
            cap += ("; " if cap else "") + "no point: no account of the month is old enough yet"
        out.append(
            f'<div class="mini" data-chart="kpi-trend-{escape(col)}" data-kind="svg" data-window="{w}" '
            f'data-immature="{n_imm}"><h3>{escape(title)} <span class="latest">{escape(latest)}</span></h3>'
            f'{chart}<p class="micro">{escape(cap)}</p></div>'
        )
    out.append("</div>")
    return "".join(out)


def _retention_heatmap(data: dict[str, Any], as_of: dt.date | None) -> tuple[str, str]:
    rows = data.get("retention")
    if rows is None:
        return _absent(data, "rpt_revenue_retention_cohorts"), ""
    if not rows:
        return '<p class="absent">No revenue cohort yet.</p>', ""
    cohorts = sorted({r["cohort_month"] for r in rows})
    n = max(r["months_since_start"] for r in rows)
    by = {(r["cohort_month"], r["months_since_start"]): r for r in rows}
    vals = [
        [_f(by[(c, k)]["net_revenue_retention_rate"]) if (c, k) in by else None for k in range(n + 1)] for c in cohorts
    ]
    flags = [
        [(c, k) in by and not kpi.is_mature(by[(c, k)]["month_start"], 0, as_of) for k in range(n + 1)] for c in cohorts
    ]
    size = {c: max((by[(c, k)].get("cohort_accounts") or 0) for k in range(n + 1) if (c, k) in by) for c in cohorts}
    chart = svg.heatmap(
        [f"{c:%Y-%m} ({integer(size[c])})" for c in cohorts],
        [f"M{k}" for k in range(n + 1)],
        vals,
        flags,
        "pct",
        "Net revenue retention by first-MRR cohort and months since start",
        col_title="months since the first MRR month",
        faded_name="month not over",
        centre=1.0,
    )
    return chart, (
        f"Rows: the {len(cohorts)} latest cohorts of first MRR month (accounts in brackets); cells: the "
        "cohort's MRR in the month / its first-month MRR (rpt_revenue_retention_cohorts, USD); blue above "
        "100 %, red below. Hatched: the month is not over."
    )


def _quality_table(data: dict[str, Any]) -> str:
    rows = data.get("quality")
    if rows is None:
        return _absent(data, "rpt_data_quality")
    if not rows:
        return "<p>No row was quarantined or flagged.</p>"
    tq = sum(int(r["quarantined_rows"] or 0) for r in rows)
    tf = sum(int(r["flagged_rows"] or 0) for r in rows)
    out = [
        f"<p>{integer(tq)} rows quarantined (kept out of the marts) and {integer(tf)} rows flagged (kept, "
        "with the rule noted) across the sources:</p>",
        "<table><thead><tr><th>source table</th><th>rule</th><th>quarantined rows</th><th>flagged rows</th>"
        "<th>received</th></tr></thead><tbody>",
    ]
    for r in rows:
        rec = (
            f"{r['first_received_date']} – {r['last_received_date']}"
            if r["first_received_date"] != r["last_received_date"]
            else str(r["first_received_date"])
        )
        out.append(
            f"<tr><td>{escape(str(r['source_name']))}.{escape(str(r['table_name']))}</td>"
            f"<td>{escape(str(r['rule']))}</td><td>{integer(r['quarantined_rows'])}</td>"
            f"<td>{integer(r['flagged_rows'])}</td><td>{escape(rec)}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _segment_table(rows: list[dict[str, Any]]) -> str:
    out = [
        "<table><thead><tr><th>dimension</th><th>segment</th><th>accounts (60 d)</th><th>conversion 60 d</th>"
        "<th>ACV</th><th>expected new ARR</th><th>priority</th></tr></thead><tbody>"
    ]
    for r in rows:
        out.append(
            f"<tr><td>{escape(str(r['dimension']))}</td><td>{escape(str(r['segment']))}</td>"
            f"<td>{integer(r['accounts'])}</td><td>{pct(_f(r['conversion_rate_60d']))}</td>"
            f"<td>{money(_f(r['acv_usd']))}</td><td>{money(_f(r['expected_new_arr_usd']))}</td>"
            f'<td class="priority-{escape(str(r["priority"]))}">{escape(str(r["priority"]))}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _pqa_table(data: dict[str, Any]) -> str:
    actions = ", ".join(f"{integer(a['accounts'])} {escape(str(a['recommended_action']))}" for a in data["pqa_actions"])
    out = [
        f"<p>{integer(data['pqa_count'])} product-qualified accounts ({actions or 'none'}); "
        f"the {min(PQA_LIMIT, data['pqa_count'])} most engaged:</p>",
        "<table><thead><tr><th>account</th><th>PES (14 d)</th><th>feature adoption (30 d)</th><th>employees</th>"
        "<th>recommended action</th></tr></thead><tbody>",
    ]
    for r in data["pqa"]:
        out.append(
            f"<tr><td>{escape(str(r['account_id']))}</td><td>{num(_f(r['pes_14d']))}</td>"
            f"<td>{pct(_f(r['feature_adoption_30d']), 0)}</td><td>{integer(r['employee_count'])}</td>"
            f"<td>{escape(str(r['recommended_action']))}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cbd5e1;font-size:13px}main{padding:18px 28px;max-width:1240px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:14px 18px;margin:0 0 18px}
.card h2{font-size:17px;margin:0 0 8px}.mini h3{font-size:13px;margin:4px 0}
.latest{color:#2563eb;float:right;font-weight:500}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.mini{border:1px solid #e2e8f0;border-radius:6px;padding:6px 10px}
.micro{color:#64748b;font-size:11px;margin:0;min-height:13px}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:18px}
.tile{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px}
.tile b{display:block;font-size:24px;margin:2px 0}.tile span{color:#334155;font-size:13px;font-weight:600}
.tile small{display:block;color:#64748b;font-size:12px}.tile em{font-style:normal;font-weight:600}
.tile em.up{color:#16a34a}.tile em.down{color:#dc2626}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:18px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{background:#f1f5f9}
.note{color:#64748b;font-size:12px}
.absent{color:#92400e;background:#fffbeb;border:1px solid #fde68a;border-radius:6px;padding:8px 12px;font-size:13px}
svg text{font-size:11px;fill:#334155}svg .strong{font-weight:600}
svg .value{font-size:10px;fill:#0f172a}svg .legend{font-size:11px}svg .grid{stroke:#e2e8f0}svg .zero{stroke:#94a3b8}
svg .band{fill:#bbf7d0;opacity:.6}svg .connector{stroke:#94a3b8;stroke-dasharray:3 2}
svg .cellv{font-size:10px;fill:#0f172a}svg .cellv.light{fill:#fff}
.status-below{color:#dc2626;fill:#dc2626}.status-above{color:#2563eb;fill:#2563eb}.status-within{color:#16a34a;fill:#16a34a}
.priority-high{color:#dc2626;font-weight:600}details{margin-top:8px;font-size:13px}
"""


def render(data: dict[str, Any], vars_: dict[str, Any] | None = None) -> str:
    st = settings(data, vars_)
    pub = data.get("published") or {}
    as_of, published_at = st["as_of"], pub.get("published_at")
    kpis = data["kpis"]
    bridge, bridge_note, bridge_month = _bridge_chart(kpis, as_of)
    movements, movements_note = _movements_chart(kpis, as_of)
    heat, heat_note = _cohort_heatmap(data, st)
    km, km_note = _km_chart(data, st)
    retention, retention_note = _retention_heatmap(data, as_of)
    funnel_rows = [
        (str(r["step_name"]).replace("_", " "), int(r["accounts"] or 0), _f(r["step_rate"]), _f(r["rate_from_signup"]))
        for r in data["funnel"]
    ]
    fw = st["funnel_window"]
    windows = ", ".join(str(w) for w in st["windows"])
    maturity = "; ".join(f"{k}: {v}" for k, v in st["explain"].items())
    sections = [
        _section(
            "conversion-dashboard",
            "Product-led conversion rate against the benchmark bands",
            _dashboard_chart(data["dashboard"]),
            f"Bars: conversion rate within {windows} days of signup, over the accounts mature for each window "
            f"as of {as_of}; green band: the benchmark range (conversion_benchmarks seed).",
        ),
        _section("cohort-heatmap", "Cohort conversion: signup month × days since signup", heat, heat_note),
        _section("km-curves", "Cohort conversion curves (Kaplan–Meier)", km, km_note),
        _section(
            "funnel",
            f"Funnel ({fw} days, mature accounts)" if fw else "Funnel (mature accounts)",
            svg.funnel(funnel_rows, "Signup to paid funnel"),
            "Nested steps: each counts only the accounts that passed every earlier step"
            + (f"; window funnel_window_days = {fw} ({st['funnel_window_source']})." if fw else "."),
        ),
        '<div class="pair">'
        + _section("mrr-bridge", f"MRR bridge ({_month_label(bridge_month)})", bridge, bridge_note)
        + _section("mrr-movements", "MRR movements by month", movements, movements_note)
        + "</div>",
        _section("revenue-retention", "Revenue retention by cohort", retention, retention_note),
        _section(
            "kpi-trends",
            "KPI trends by month",
            _trend_charts(kpis, st),
            f"Hollow, dashed points: the period is not final yet. Signup-cohort metrics are by signup month and "
            f"final once every account of the month is old enough (as of {as_of}): {escape(maturity)}. "
            "Revenue, churn, NPS and cost metrics are final when the calendar month is over. NRR, logo and "
            "revenue churn are monthly rates.",
            kind="group",
        ),
        _section(
            "data-quality", "Data quality: quarantined and flagged source rows", _quality_table(data), kind="table"
        ),
        _section(
            "segment-table",
            "Segments: 60-day conversion, ACV and expected new ARR",
            _segment_table(data["segments"]),
            kind="table",
        ),
        _section("pqa-table", "Product-qualified accounts", _pqa_table(data), kind="table"),
    ]
    subtitle = f"as of {escape(str(as_of))}" if as_of else "as-of date unknown"
    if published_at:
        subtitle += f" · published {escape(str(published_at)[:19])} UTC"
    subtitle += f" · rendered {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · source schema {escape(data['schema'])}"
    tiles = _tiles(data, st)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>PLG KPI report {escape(str(as_of or ''))}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Product-led growth KPI report</h1><p>{subtitle}</p></header><main>"
        f'<div class="tiles" data-chart="headline" data-kind="tiles">{tiles}</div>'
        '<p class="note">Tiles: the latest complete month (revenue, NPS) or the latest signup cohort mature for the '
        "window (conversion), with the change against the previous such period (rates in percentage points).</p>"
        + "".join(sections)
        + "</main></body></html>"
    )


def write_report(warehouse: Path, out: Path, schema: str | None = None) -> Path:
    html = render(load(warehouse, schema))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out.resolve()
