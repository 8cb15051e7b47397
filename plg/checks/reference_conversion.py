"""Independent recomputation of the conversion metrics (issue 3) from the staged tables, in pandas.

Written from ../shared/spec/METRICS.md only ("Product-led conversion rate", "Funnel", "Segments",
"The account's path", "Clock"). Compare with the marts rpt_conversion_dashboard, rpt_funnel,
rpt_segment_conversion, rpt_trial_length and rpt_kpis_monthly (trial_conversion_rate, conversion_rate_30d).

    python -m plg.checks.reference_conversion --warehouse warehouse/test.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt

import pandas as pd

from plg.checks.staged import DAY, DEFAULTS, Staged, account_base, active_within, as_of_end, mature, ratio, within

DASHBOARD_ROWS = ["overall", "freemium", "trial", "high_engagement", "low_engagement"]


def _row_masks(base: pd.DataFrame, window_days: int) -> dict[str, pd.Series]:
    active = active_within(base, window_days)
    freemium = (base["free_model"] == "freemium") & active
    trial = base["free_model"] == "trial"
    overall = freemium | trial
    return {
        "overall": overall,
        "freemium": freemium,
        "trial": trial,
        "high_engagement": overall & (base["engagement_tier"] == "high"),
        "low_engagement": overall & (base["engagement_tier"] == "low"),
    }


def _rates(sub: pd.DataFrame, window_days: int) -> dict:
    converted = within(sub, "converted_at", window_days)
    self_serve = converted & (sub["attribution"] == "self_serve")
    assisted = converted & (sub["attribution"] == "sales_assisted")
    accounts, conv = len(sub), int(converted.sum())
    return {
        "accounts": accounts,
        "conversions": conv,
        "self_serve_conversions": int(self_serve.sum()),
        "sales_assisted_conversions": int(assisted.sum()),
        "conversion_rate": ratio(conv, accounts),
        "self_serve_conversion_rate": ratio(self_serve.sum(), accounts),
        "sales_assisted_share": ratio(assisted.sum(), conv),
    }


def conversion_dashboard(
    st: Staged,
    as_of: str | dt.date | None = None,
    *,
    conversion_windows=DEFAULTS["conversion_windows"],
    base: pd.DataFrame | None = None,
    **params,
) -> pd.DataFrame:
    """segment_row x window_days -> accounts, conversions, conversion_rate, self_serve_conversion_rate,
    sales_assisted_share, benchmark_low_rate, benchmark_high_rate, benchmark_status."""
    if base is None:
        base, _, as_of = account_base(st, as_of, **params)
    bench = st.seeds["conversion_benchmarks"].set_index("segment_row")
    rows = []
    for w in conversion_windows:
        m = base[mature(base, w, as_of)]
        for name, mask in _row_masks(m, w).items():
            r = {"segment_row": name, "window_days": int(w), **_rates(m[mask], w)}
            low = float(bench.loc[name, "benchmark_low_rate"]) if name in bench.index else None
            high = float(bench.loc[name, "benchmark_high_rate"]) if name in bench.index else None
            rate = r["conversion_rate"]
            r["benchmark_low_rate"], r["benchmark_high_rate"] = low, high
            r["benchmark_status"] = (
                None if rate is None or low is None else "below" if rate < low else "above" if rate > high else "within"
            )
            rows.append(r)
    return pd.DataFrame(rows)


def trial_conversion(
    base: pd.DataFrame,
    as_of: dt.date,
    trial_grace_days: int = DEFAULTS["trial_grace_days"],
    by: list[str] | None = None,
) -> pd.DataFrame | dict:
    """Trial conversion rate (trial + grace): trials converted before trial_end + grace / trials whose
    trial_end + grace has passed (trial_end + grace <= end of the as-of day)."""
    t = base[base["free_model"] == "trial"].copy()
    deadline = t["trial_end_at"] + trial_grace_days * DAY
    t = t[deadline <= as_of_end(as_of)]
    deadline = deadline[t.index]
    t["is_converted_in_grace"] = t["converted_at"].notna() & (t["converted_at"] < deadline)
    if not by:
        n, c = len(t), int(t["is_converted_in_grace"].sum())
        return {"trials": n, "conversions": c, "trial_conversion_rate": ratio(c, n)}
    g = t.groupby(by, dropna=False)["is_converted_in_grace"].agg(["size", "sum"]).reset_index()
    g = g.rename(columns={"size": "trials", "sum": "conversions"})
    g["trial_conversion_rate"] = g["conversions"] / g["trials"]
    return g


def overall_rate_by_cohort(base: pd.DataFrame, as_of: dt.date, window_days: int = 30) -> pd.DataFrame:
    """The `overall` dashboard row's W-day conversion rate by signup cohort month (mature accounts)."""
    m = base[mature(base, window_days, as_of)]
    m = m[_row_masks(m, window_days)["overall"]].copy()
    m["is_converted"] = within(m, "converted_at", window_days)
    g = m.groupby("signup_cohort_month")["is_converted"].agg(["size", "sum"]).reset_index()
    g = g.rename(columns={"size": "accounts", "sum": "conversions"})
    g["conversion_rate"] = g["conversions"] / g["accounts"]
    return g


def cohort_conversion_by_month(base: pd.DataFrame, as_of: dt.date, max_offset: int = 90) -> pd.DataFrame:
    """fct_cohort_conversion, month grain (METRICS.md "Cohorts"), recomputed account by account: the simple
    share (converted before signup + (d+1) days, over accounts at least d+1 days old) and the Kaplan-Meier
    estimate, as the textbook product over days of (1 - converted(k) / at_risk(k)), where an account is at risk
    on day k if it is observed at the start of day k (signup + k days <= the end of the as-of day) and has not
    converted before day k; is_complete when every account of the cohort is at least d+1 days old."""
    end = as_of_end(as_of)
    rows = []
    for cohort, g in base.groupby("signup_cohort_month"):
        age_days = ((end - g["signup_at"]).dt.total_seconds() // 86400).astype(int).tolist()
        conv = g["converted_at"]
        conv_day = [
            None if pd.isna(c) or c < s or c >= end else int((c - s).total_seconds() // 86400)
            for c, s in zip(conv, g["signup_at"], strict=False)
        ]
        survival = 1.0
        for d in range(max_offset + 1):
            old_enough = [i for i, a in enumerate(age_days) if a >= d + 1]
            if not old_enough:
                break
            at_risk = [i for i, a in enumerate(age_days) if a >= d and (conv_day[i] is None or conv_day[i] >= d)]
            converted = [i for i in at_risk if conv_day[i] == d]
            if at_risk:
                survival *= 1 - len(converted) / len(at_risk)
            conversions = sum(1 for i in old_enough if conv_day[i] is not None and conv_day[i] <= d)
            rows.append(
                {
                    "cohort_start": pd.Timestamp(cohort),
                    "day_offset": d,
                    "accounts_at_risk": len(old_enough),
                    "conversions": conversions,
                    "cumulative_conversion_rate": conversions / len(old_enough),
                    "km_cumulative_conversion_rate": 1 - survival,
                    "is_complete": min(age_days) >= d + 1,
                }
            )
    return pd.DataFrame(rows)


def funnel(
    st: Staged | None,
    as_of: str | dt.date | None = None,
    *,
    funnel_window_days: int = DEFAULTS["funnel_window_days"],
    base: pd.DataFrame | None = None,
    **params,
) -> pd.DataFrame:
    """step 1-4: signed up -> activated within W -> engaged (tier medium/high) -> converted within W,
    nested, over accounts mature for W. step_rate of step 1 is 1.0 (decision: nothing precedes it)."""
    if base is None:
        base, _, as_of = account_base(st, as_of, **params)
    w = funnel_window_days
    m = base[mature(base, w, as_of)]
    s1 = pd.Series(True, index=m.index)
    s2 = s1 & within(m, "activated_at", w)
    s3 = s2 & m["engagement_tier"].isin(["medium", "high"])
    s4 = s3 & within(m, "converted_at", w)
    names = ["signed_up", "activated", "engaged", "converted"]
    counts = [int(s.sum()) for s in (s1, s2, s3, s4)]
    rows = []
    for i, (name, n) in enumerate(zip(names, counts, strict=False)):
        prev = counts[i - 1] if i else counts[0]
        rows.append(
            {
                "step": i + 1,
                "step_name": name,
                "accounts": n,
                "step_rate": ratio(n, prev),
                "rate_from_signup": ratio(n, counts[0]),
            }
        )
    return pd.DataFrame(rows)


SEGMENT_DIMENSIONS = ["firmographic_segment", "icp_tier", "signup_channel", "free_model"]


def segment_conversion(
    st: Staged | None,
    as_of: str | dt.date | None = None,
    *,
    segment_window_days: int = DEFAULTS["segment_window_days"],
    base: pd.DataFrame | None = None,
    **params,
) -> pd.DataFrame:
    """dimension x segment -> accounts (the overall row's W-day denominator within the segment),
    conversions, conversion_rate_60d."""
    if base is None:
        base, _, as_of = account_base(st, as_of, **params)
    w = segment_window_days
    m = base[mature(base, w, as_of)]
    m = m[_row_masks(m, w)["overall"]].copy()
    m["is_converted"] = within(m, "converted_at", w)
    out = []
    for dim in SEGMENT_DIMENSIONS:
        g = m.groupby(m[dim].astype(object).fillna("Unknown"))["is_converted"].agg(["size", "sum"]).reset_index()
        g.columns = ["segment", "accounts", "conversions"]
        g.insert(0, "dimension", dim)
        out.append(g)
    res = pd.concat(out, ignore_index=True)
    res["conversion_rate_60d"] = res["conversions"] / res["accounts"]
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--as-of", default=None)
    args = ap.parse_args()
    st = Staged.load(args.warehouse)
    base, _, as_of = account_base(st, args.as_of)
    pd.set_option("display.width", 200)
    print(f"as_of = {as_of}; accounts = {len(base)}")
    print(conversion_dashboard(st, as_of, base=base).to_string())
    print(trial_conversion(base, as_of))
    print(funnel(None, as_of, base=base).to_string())
    print(segment_conversion(None, as_of, base=base).to_string())


if __name__ == "__main__":
    main()
