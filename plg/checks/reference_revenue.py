"""Independent recomputation of the revenue metrics (issue 4) from the staged tables, in pandas.

Written from ../shared/spec/METRICS.md only ("Revenue (month grain, month-end)", "KPIs": NPS).
Compare with the marts fct_mrr and rpt_kpis_monthly.

    python -m plg.checks.reference_revenue --warehouse warehouse/test.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt

import numpy as np
import pandas as pd

from plg.checks.staged import Staged, as_of_date, as_of_end, customer_accounts, truthy

EXCLUDED_INVOICE_STATUSES = ("draft", "void", "uncollectible")
# local-currency MRR changes smaller than this (major units) are "unchanged" (float noise of / 12 etc.)
LOCAL_EPSILON = 1e-6


def measurement_days(first_month: pd.Timestamp, as_of: dt.date) -> pd.DataFrame:
    """month_start -> the day MRR is measured on: the month's last day, the as-of day for the as-of month."""
    months = pd.date_range(first_month, pd.Timestamp(as_of).to_period("M").start_time, freq="MS")
    last = months + pd.offsets.MonthEnd(0)
    days = pd.DatetimeIndex([min(d, pd.Timestamp(as_of)) for d in last])
    return pd.DataFrame({"month_start": months, "measure_date": days})


def fx_lookup(st: Staged, as_of: dt.date):
    """(currency, day) -> usd_per_unit: the latest rate on or before the day (USD = 1)."""
    fx = st["stg_finance__fx_rates"].copy()
    fx["rate_date"] = pd.to_datetime(fx["rate_date"])
    fx = fx[fx["rate_date"] <= pd.Timestamp(as_of)].sort_values("rate_date")
    by_ccy = {
        c: (g["rate_date"].to_numpy(), g["usd_per_unit"].astype(float).to_numpy())
        for c, g in fx.groupby("currency_code")
    }

    def rate(ccy: str, day: pd.Timestamp) -> float:
        if ccy == "USD":
            return 1.0
        if ccy not in by_ccy:
            return np.nan
        dates, rates = by_ccy[ccy]
        i = np.searchsorted(dates, np.datetime64(day), side="right") - 1
        return float(rates[i]) if i >= 0 else np.nan

    return rate


def mrr_line_items(st: Staged, as_of: dt.date) -> pd.DataFrame:
    """Subscription line items (not proration) of invoices not draft/void/uncollectible, of non-internal
    accounts, invoiced by the end of the as-of day, normalised to a month in their local currency."""
    end = as_of_end(as_of)
    inv = st["stg_stripe__invoices"]
    inv = inv[~inv["status"].isin(EXCLUDED_INVOICE_STATUSES) & (inv["created_at"] < end)]
    inv = inv[["invoice_id", "customer_id", "currency_code", "period_start_at", "period_end_at"]].rename(
        columns={
            "currency_code": "invoice_currency",
            "period_start_at": "inv_period_start_at",
            "period_end_at": "inv_period_end_at",
        }
    )
    li = st["stg_stripe__invoice_line_items"]
    li = li[(li["line_type"] == "subscription") & ~li["is_proration"].map(truthy)]
    li = li.merge(inv, on="invoice_id", how="inner").merge(customer_accounts(st), on="customer_id", how="inner")
    acc = st["stg_product__accounts"]
    acc = acc[~acc["is_internal"].map(truthy)][["account_id"]]
    li = li.merge(acc, on="account_id", how="inner")
    prices = st["stg_stripe__prices"][["price_id", "recurring_interval", "recurring_interval_count"]]
    li = li.merge(prices, on="price_id", how="left")
    count = li["recurring_interval_count"].fillna(1).astype(float)
    months_per_period = np.where(li["recurring_interval"] == "year", 12 * count, count)
    li["local_mrr"] = li["amount"].astype(float) / months_per_period
    li["currency_code"] = li["currency_code"].fillna(li["invoice_currency"])
    # the period the line item covers (its own; the invoice's when it has none)
    li["period_start_date"] = li["period_start_at"].fillna(li["inv_period_start_at"]).dt.normalize()
    li["period_end_date"] = li["period_end_at"].fillna(li["inv_period_end_at"]).dt.normalize()
    return li


def local_mrr_by_month(st: Staged, as_of: dt.date) -> pd.DataFrame:
    """account x month x currency -> local MRR, usd rate of the measurement day, MRR in USD."""
    li = mrr_line_items(st, as_of)
    cols = ["account_id", "month_start", "measure_date", "currency_code", "local_mrr"]
    if li.empty:
        return pd.DataFrame(columns=cols + ["usd_rate", "mrr_usd"])
    months = measurement_days(li["period_start_date"].min().to_period("M").start_time, as_of)
    parts = []
    for m in months.itertuples(index=False):
        hit = (li["period_start_date"] <= m.measure_date) & (m.measure_date < li["period_end_date"])
        sub = li.loc[hit, ["account_id", "currency_code", "local_mrr"]].copy()
        sub["month_start"], sub["measure_date"] = m.month_start, m.measure_date
        parts.append(sub)
    out = pd.concat(parts, ignore_index=True)
    out = out.groupby(["account_id", "month_start", "measure_date", "currency_code"], as_index=False)["local_mrr"].sum()
    rate = fx_lookup(st, as_of)
    out["usd_rate"] = [rate(c, d) for c, d in zip(out["currency_code"], out["measure_date"], strict=False)]
    out["mrr_usd"] = out["local_mrr"] * out["usd_rate"]
    return out


def fct_mrr(st: Staged, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """account x month with MRR > 0, plus each churn month: mrr_usd, previous_mrr_usd, mrr_change_usd,
    movement_amount_usd (constant currency part), fx_adjustment_usd, movement."""
    as_of = as_of_date(st, as_of)
    local = local_mrr_by_month(st, as_of)
    cols = [
        "account_id",
        "month_start",
        "mrr_usd",
        "previous_mrr_usd",
        "mrr_change_usd",
        "movement_amount_usd",
        "fx_adjustment_usd",
        "movement",
    ]
    if local.empty:
        return pd.DataFrame(columns=cols)
    rate = fx_lookup(st, as_of)
    months = measurement_days(local["month_start"].min(), as_of)
    measure = dict(zip(months["month_start"], months["measure_date"], strict=False))
    month_list = list(months["month_start"])

    # a GroupBy has a .keys attribute: dict(groupby) would call it, hence the comprehension
    by_acc = {a: g for a, g in local.groupby("account_id")}  # noqa: C416
    rows = []
    for account_id, g in by_acc.items():
        per_month = {
            m: dict(zip(gm["currency_code"], gm["local_mrr"], strict=False)) for m, gm in g.groupby("month_start")
        }
        usd = g.groupby("month_start")["mrr_usd"].sum().to_dict()
        start = month_list.index(min(per_month))
        had_mrr = False
        prev_usd, prev_local, prev_month = 0.0, {}, None
        for m in month_list[start:]:
            cur_usd = float(usd.get(m, 0.0))
            cur_local = per_month.get(m, {})
            is_paying, was_paying = cur_usd > 0, prev_usd > 0
            if is_paying or was_paying:
                fx_adj, amount = 0.0, cur_usd - prev_usd
                if is_paying and not was_paying:
                    movement = "reactivation" if had_mrr else "new"
                elif was_paying and not is_paying:
                    movement = "churn"
                else:
                    ccys = set(cur_local) | set(prev_local)
                    d_cur, d_prev = measure[m], measure[prev_month]
                    amount = sum((cur_local.get(c, 0.0) - prev_local.get(c, 0.0)) * rate(c, d_cur) for c in ccys)
                    fx_adj = sum(prev_local.get(c, 0.0) * (rate(c, d_cur) - rate(c, d_prev)) for c in ccys)
                    # constant currency: judged on the local amounts (several currencies: valued at this rate)
                    if len(ccys) == 1:
                        (c,) = ccys
                        local_change = cur_local.get(c, 0.0) - prev_local.get(c, 0.0)
                    else:
                        local_change = amount
                    movement = (
                        "expansion"
                        if local_change > LOCAL_EPSILON
                        else "contraction"
                        if local_change < -LOCAL_EPSILON
                        else "unchanged"
                    )
                rows.append(
                    {
                        "account_id": account_id,
                        "month_start": m,
                        "mrr_usd": cur_usd,
                        "previous_mrr_usd": prev_usd,
                        "mrr_change_usd": cur_usd - prev_usd,
                        "movement_amount_usd": amount,
                        "fx_adjustment_usd": fx_adj,
                        "movement": movement,
                    }
                )
            had_mrr = had_mrr or is_paying
            prev_usd, prev_local, prev_month = cur_usd, cur_local, m
    return pd.DataFrame(rows, columns=cols)


def monthly_revenue(mrr: pd.DataFrame) -> pd.DataFrame:
    """month -> mrr_usd, paying_accounts, the movement sums (positive amounts), logo_churn_rate."""
    if mrr.empty:
        return pd.DataFrame()
    months = pd.date_range(mrr["month_start"].min(), mrr["month_start"].max(), freq="MS")
    out = pd.DataFrame({"month_start": months})

    def s(mask, col):
        return mrr[mask].groupby("month_start")[col].sum()

    paying = mrr[mrr["mrr_usd"] > 0]
    out["mrr_usd"] = out["month_start"].map(paying.groupby("month_start")["mrr_usd"].sum()).fillna(0.0)
    out["paying_accounts"] = out["month_start"].map(paying.groupby("month_start").size()).fillna(0).astype(int)
    mv = mrr["movement"]
    out["new_mrr_usd"] = out["month_start"].map(s(mv == "new", "mrr_change_usd")).fillna(0.0)
    out["reactivation_mrr_usd"] = out["month_start"].map(s(mv == "reactivation", "mrr_change_usd")).fillna(0.0)
    out["expansion_mrr_usd"] = out["month_start"].map(s(mv == "expansion", "movement_amount_usd")).fillna(0.0)
    out["contraction_mrr_usd"] = 0.0 - out["month_start"].map(s(mv == "contraction", "movement_amount_usd")).fillna(0.0)
    out["churned_mrr_usd"] = out["month_start"].map(s(mv == "churn", "previous_mrr_usd")).fillna(0.0)
    out["fx_adjustment_mrr_usd"] = out["month_start"].map(s(mv.notna(), "fx_adjustment_usd")).fillna(0.0)
    churned = out["month_start"].map(mrr[mv == "churn"].groupby("month_start").size()).fillna(0)
    prev_paying = out["paying_accounts"].shift(1).fillna(0)
    out["churned_accounts"] = churned.astype(int)
    out["logo_churn_rate"] = np.where(prev_paying > 0, churned / prev_paying.where(prev_paying > 0, 1), np.nan)
    out["arr_usd"] = out["mrr_usd"] * 12
    return out


def nps_monthly(st: Staged, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """month -> nps: % promoters (9-10) - % detractors (0-6) over the latest valid response per user per
    month; responses of internal workspaces excluded (responses with no known workspace are kept)."""
    as_of = as_of_date(st, as_of)
    r = st["stg_surveys__nps_responses"]
    r = r[r["score"].notna() & (r["score"] >= 0) & (r["score"] <= 10) & (r["responded_at"] < as_of_end(as_of))]
    acc = st["stg_product__accounts"]
    internal = set(acc.loc[acc["is_internal"].map(truthy), "account_id"])
    # the survey tool knows the user only: the workspace comes from the product users
    users = st["stg_product__users"][["user_id", "account_id"]]
    r = r.merge(users, on="user_id", how="left")
    r = r[~r["account_id"].isin(internal)].copy()
    r["month_start"] = r["responded_at"].dt.to_period("M").dt.start_time
    # a response without a user is its own respondent
    r["respondent"] = r["user_id"].astype(object).where(r["user_id"].notna(), "response:" + r["response_id"])
    r = r.sort_values(["respondent", "month_start", "responded_at", "response_id"])
    r = r.drop_duplicates(["respondent", "month_start"], keep="last")
    g = r.groupby("month_start")["score"]
    out = pd.DataFrame(
        {
            "responses": g.size(),
            "promoters": g.apply(lambda x: int((x >= 9).sum())),
            "detractors": g.apply(lambda x: int((x <= 6).sum())),
        }
    ).reset_index()
    out["nps"] = 100.0 * (out["promoters"] - out["detractors"]) / out["responses"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--as-of", default=None)
    args = ap.parse_args()
    st = Staged.load(args.warehouse)
    mrr = fct_mrr(st, args.as_of)
    pd.set_option("display.width", 220)
    print(mrr["movement"].value_counts().to_string())
    print(monthly_revenue(mrr).to_string())
    print(nps_monthly(st, args.as_of).to_string())


if __name__ == "__main__":
    main()
