"""The benchmark's second reference: the headline figures recomputed by a "pandas notebook".

``python -m plg.bench.pandas_reference --warehouse W`` does what an analyst with a notebook would do to
get the same two figures as the marts, with the project's independent recomputation (``plg.checks``,
the entry points ``pytests/test_recompute_*.py`` use):

1. read the staged tables and seeds dbt wrote (``Staged.load``: the columns of the staging contract,
   read-only; the notebook starts from cleaned data, so dbt's staging work is not part of this time);
2. compute the conversion dashboard (``account_base`` + ``conversion_dashboard``) and MRR by month
   (``fct_mrr`` + ``monthly_revenue``), in pandas;
3. outside the timed figures, compare both with the marts (``rpt_conversion_dashboard``,
   ``rpt_kpis_monthly``) so the record says whether the notebook got the same numbers.

It prints one ``PANDAS key=value ...`` line (seconds of steps 1 and 2, rows) and one ``PANDAS_MATCH`` line
(differences found), which ``plg.bench`` parses; the process's wall time and peak RSS are measured by
``plg.bench`` around the whole script.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

# the figures compared with the marts (same columns and kinds as pytests/test_recompute_*.py)
DASHBOARD_COLUMNS = {
    "accounts": "count",
    "conversions": "count",
    "conversion_rate": "rate",
    "self_serve_conversion_rate": "rate",
    "sales_assisted_share": "rate",
}
REVENUE_COLUMNS = {
    "mrr_usd": "money",
    "arr_usd": "money",
    "paying_accounts": "count",
    "new_mrr_usd": "money",
    "expansion_mrr_usd": "money",
    "contraction_mrr_usd": "money",
    "churned_mrr_usd": "money",
    "reactivation_mrr_usd": "money",
    "fx_adjustment_mrr_usd": "money",
    "logo_churn_rate": "rate",
}


def params_from_vars(dbt_vars: dict | None) -> tuple[str | None, dict]:
    """(as_of_date, the recomputation's parameters) from the --vars the builds ran with."""
    from plg.checks.staged import DEFAULTS

    dbt_vars = dbt_vars or {}
    params = {k: dbt_vars[k] for k in DEFAULTS if k in dbt_vars}
    if "conversion_windows" in params:
        params["conversion_windows"] = tuple(int(w) for w in params["conversion_windows"])
    as_of = dbt_vars.get("as_of_date")
    return (str(as_of) if as_of else None), params


def _read_mart(warehouse: str, name: str):
    import duckdb

    from plg.checks.staged import schema_name

    con = duckdb.connect(warehouse, read_only=True)
    try:
        return con.execute(f'select * from "{schema_name("marts")}"."{name}"').df()
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m plg.bench.pandas_reference",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--vars", default=None, help="the --vars of the dbt builds (YAML or JSON)")
    ap.add_argument("--no-compare", action="store_true", help="skip the comparison with the marts")
    args = ap.parse_args(argv)

    start = time.perf_counter()
    import yaml

    from plg.checks import reference_conversion as rc
    from plg.checks import reference_revenue as rr
    from plg.checks.staged import Staged, account_base

    imported = time.perf_counter()
    as_of, params = params_from_vars(yaml.safe_load(args.vars) if args.vars else None)
    staged = Staged.load(args.warehouse)
    loaded = time.perf_counter()
    windows = params.pop("conversion_windows", None)
    base, _, as_of_day = account_base(staged, as_of, **params)
    dashboard = rc.conversion_dashboard(
        staged, as_of_day, base=base, **({"conversion_windows": windows} if windows else {})
    )
    mrr = rr.fct_mrr(staged, as_of_day)
    monthly = rr.monthly_revenue(mrr)
    computed = time.perf_counter()
    events = len(staged.tables.get("stg_product__events", ()))
    print(
        "PANDAS "
        + " ".join(
            [
                f"import_seconds={imported - start:.6f}",
                f"load_seconds={loaded - imported:.6f}",
                f"compute_seconds={computed - loaded:.6f}",
                f"as_of={as_of_day.isoformat()}",
                f"staged_events={events}",
                f"accounts={len(base)}",
                f"dashboard_rows={len(dashboard)}",
                f"mrr_rows={len(mrr)}",
                f"months={len(monthly)}",
            ]
        ),
        flush=True,
    )

    if args.no_compare:
        return 0
    from plg.checks.compare import diff_frames

    problems = {
        "dashboard": diff_frames(
            dashboard,
            _read_mart(args.warehouse, "rpt_conversion_dashboard"),
            ["segment_row", "window_days"],
            DASHBOARD_COLUMNS,
            limit=10**9,
        ),
        "mrr_by_month": diff_frames(
            monthly,
            _read_mart(args.warehouse, "rpt_kpis_monthly"),
            ["month_start"],
            REVENUE_COLUMNS,
            missing_ok=True,
            limit=10**9,
        ),
    }
    print(
        "PANDAS_MATCH " + json.dumps({k: {"differences": len(v), "first": v[:3]} for k, v in problems.items()}),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
