"""Print the end-of-run summary: rows per layer, test results, the conversion
dashboard, the funnel and the last months of the KPI scorecard.

    python -m plg.summary --warehouse warehouse/plg.duckdb --run-results target/run/run_results.json
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from plg.dbt_runner import read_run_results

ROW_LABELS = {
    "overall": "Overall Conversion Rate",
    "freemium": "Freemium -> Paid",
    "trial": "Trial -> Paid",
    "high_engagement": "High-Engagement Users",
    "low_engagement": "Low-Engagement Users",
}
KPI_COLUMNS = [
    ("new_signups", "signups", "int"),
    ("conversion_rate_30d", "conv 30d", "pct"),
    ("trial_conversion_rate", "trial conv", "pct"),
    ("product_adoption_rate", "adoption", "pct"),
    ("median_activation_hours", "act. h (med)", "num"),
    ("mrr_usd", "MRR $", "money"),
    ("arr_usd", "ARR $", "money"),
    ("paying_accounts", "paying", "int"),
    ("new_mrr_usd", "new $", "money"),
    ("expansion_mrr_usd", "expansion $", "money"),
    ("contraction_mrr_usd", "contraction $", "money"),
    ("churned_mrr_usd", "churned $", "money"),
    ("reactivation_mrr_usd", "reactiv. $", "money"),
    ("fx_adjustment_mrr_usd", "fx $", "money"),
    ("logo_churn_rate", "logo churn", "pct"),
    ("gross_revenue_churn_rate", "gross rev churn", "pct"),
    ("net_revenue_retention_rate", "NRR", "pct"),
    ("arpa_usd", "ARPA $", "money"),
    ("ltv_usd", "LTV $", "money"),
    ("cac_usd", "CAC $", "money"),
    ("payback_months", "payback mo", "num"),
    ("nps", "NPS", "num"),
    ("revenue_per_employee_usd", "ARR/FTE $", "money"),
]


def fmt(value: Any, kind: str) -> str:
    """Format one value for a text table; None prints as a dash."""
    if value is None:
        return "-"
    if kind == "pct":
        return f"{float(value) * 100:.1f}%"
    if kind == "money":
        return f"{float(value):,.0f}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "num":
        return f"{float(value):,.1f}"
    return str(value)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain fixed-width table (first column left-aligned, the rest right-aligned)."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]

    def line(cells: Sequence[str]) -> str:
        out = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=False)]
        return "  ".join(out)

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


def relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def layer_counts(con: duckdb.DuckDBPyConnection, target_schema: str) -> list[list[str]]:
    """Relations and rows per layer (landing schemas raw_*, then the dbt schemas)."""
    rows = []
    schemas = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema like 'raw\\_%' escape '\\' or table_schema like ? order by 1, 2",
        [f"{target_schema}%"],
    ).fetchall()
    per_schema: dict[str, list[int]] = {}
    for schema, name, _ in schemas:
        n = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        agg = per_schema.setdefault(schema, [0, 0])
        agg[0] += 1
        agg[1] += n
    for schema, (relations, total) in per_schema.items():
        rows.append([schema, f"{relations}", f"{total:,}"])
    return rows


def test_summary(run_results: Path) -> str:
    record = read_run_results(run_results)
    if record is None:
        return f"(no run results at {run_results})"
    parts = [f"{kind} {status}: {n}" for (kind, status), n in sorted(record.counts_by_type().items())]
    return "; ".join(parts) + f"  (elapsed {record.elapsed_seconds or 0:.1f} s)"


def dashboard_table(con: duckdb.DuckDBPyConnection, marts: str) -> str:
    rows = con.execute(
        f"select segment_row, window_days, accounts, conversions, conversion_rate, "
        f"self_serve_conversion_rate, benchmark_low_rate, benchmark_high_rate, benchmark_status "
        f'from "{marts}".rpt_conversion_dashboard'
    ).fetchall()
    by_row: dict[str, dict[int, tuple]] = {}
    for r in rows:
        by_row.setdefault(r[0], {})[int(r[1])] = r
    windows = sorted({int(r[1]) for r in rows})
    headers = ["Metric"] + [f"{w}-Day" for w in windows] + ["Benchmark"] + [f"status {w}d" for w in windows]
    out = []
    for key, label in ROW_LABELS.items():
        cells = by_row.get(key, {})
        any_row = next(iter(cells.values()), None)
        bench = f"{any_row[6] * 100:.0f}-{any_row[7] * 100:.0f}%" if any_row and any_row[6] is not None else "-"
        out.append(
            [label]
            + [fmt(cells[w][4], "pct") if w in cells else "-" for w in windows]
            + [bench]
            + [str(cells[w][8]) if w in cells else "-" for w in windows]
        )
    denominators = ", ".join(
        f"{ROW_LABELS[k].split(' ')[0].lower()} {by_row[k][w][2]:,}/{by_row[k][w][3]:,}"
        for k in ROW_LABELS
        for w in windows[-1:]
        if k in by_row and w in by_row[k]
    )
    return (
        render_table(headers, out)
        + f"\n(accounts/conversions at {windows[-1] if windows else '-'} days: {denominators})"
    )


def funnel_table(con: duckdb.DuckDBPyConnection, marts: str) -> str:
    rows = con.execute(
        f'select step, step_name, accounts, step_rate, rate_from_signup from "{marts}".rpt_funnel order by step'
    ).fetchall()
    body = [[f"{r[0]}. {r[1]}", fmt(r[2], "int"), fmt(r[3], "pct"), fmt(r[4], "pct")] for r in rows]
    return render_table(["Step", "Accounts", "Step rate", "From signup"], body)


def kpi_table(con: duckdb.DuckDBPyConnection, marts: str, months: int) -> str:
    cols = ", ".join(c for c, _, _ in KPI_COLUMNS)
    rows = con.execute(
        f'select month_start, {cols} from "{marts}".rpt_kpis_monthly order by month_start desc limit {int(months)}'
    ).fetchall()
    rows = list(reversed(rows))
    # transposed: one line per KPI, one column per month (fits a terminal)
    headers = ["KPI"] + [str(r[0])[:7] for r in rows]
    body = [[label] + [fmt(r[i + 1], kind) for r in rows] for i, (_, label, kind) in enumerate(KPI_COLUMNS)]
    return render_table(headers, body)


def data_quality_table(con: duckdb.DuckDBPyConnection, marts: str, limit: int = 12) -> str:
    """Short data-quality section: rows quarantined / flagged per source table and rule (rpt_data_quality)."""
    rows = con.execute(
        f"""select source_name || '.' || table_name, rule, is_quarantined, sum(rows) as n
            from "{marts}".rpt_data_quality
            group by source_name, table_name, rule, is_quarantined
            order by n desc, 1, 2"""
    ).fetchall()
    if not rows:
        return "No quarantined or flagged rows."
    body = [[r[0], r[1], "quarantined" if r[2] else "flagged (staged)", fmt(r[3], "int")] for r in rows[:limit]]
    quarantined = sum(r[3] for r in rows if r[2])
    flagged = sum(r[3] for r in rows if not r[2])
    more = f"; {len(rows) - limit} more rules in rpt_data_quality" if len(rows) > limit else ""
    return (
        render_table(["Table", "Rule", "Outcome", "Rows"], body)
        + f"\n({fmt(quarantined, 'int')} rows quarantined, {fmt(flagged, 'int')} staged with a flag{more})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", default=os.environ.get("PLG_DUCKDB_PATH", "warehouse/plg.duckdb"))
    parser.add_argument("--run-results", default="target/run_results.json")
    parser.add_argument("--schema", default=os.environ.get("PLG_SCHEMA", "analytics"))
    parser.add_argument("--months", type=int, default=6)
    args = parser.parse_args(argv)

    path = Path(args.warehouse)
    if not path.exists():
        print(f"No warehouse at {path}: run `make run` first.", file=sys.stderr)
        return 2
    marts = f"{args.schema}_marts"
    con = duckdb.connect(str(path), read_only=True)
    try:
        print("\n== Rows per layer ==")
        print(render_table(["schema", "relations", "rows"], layer_counts(con, args.schema)))
        print("\n== dbt build ==")
        print(test_summary(Path(args.run_results)))
        print(f"Warehouse: {path.resolve()}")
        if relation_exists(con, marts, "rpt_conversion_dashboard"):
            print("\n== Product-led conversion dashboard ==")
            print(dashboard_table(con, marts))
        if relation_exists(con, marts, "rpt_funnel"):
            print("\n== Conversion funnel ==")
            print(funnel_table(con, marts))
        if relation_exists(con, marts, "rpt_kpis_monthly"):
            print(f"\n== KPI scorecard (last {args.months} months) ==")
            print(kpi_table(con, marts, args.months))
        if relation_exists(con, marts, "rpt_data_quality"):
            print("\n== Data quality (landed rows quarantined or flagged, by rule) ==")
            print(data_quality_table(con, marts))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
