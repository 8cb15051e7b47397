"""Read the staged tables and seeds of a built warehouse into pandas, and the account base.

Part of the independent recomputation (plg.checks): written from ../shared/spec/METRICS.md and the
staging contract of docs/ARCHITECTURE.md only, never from the SQL models. DuckDB is used only to read
relations; every metric is computed here in pandas.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)

# columns of the staging contract (docs/ARCHITECTURE.md) that the recomputation reads
STAGING_COLUMNS: dict[str, list[str]] = {
    "stg_product__accounts": ["account_id", "signup_at", "created_by_user_id", "signup_channel", "is_internal"],
    "stg_product__users": ["user_id", "account_id", "created_at"],
    "stg_product__events": ["event_id", "event_name", "user_id", "account_id", "occurred_at", "received_at"],
    "stg_crm__companies": ["company_id", "account_id", "employee_count", "industry", "country_code", "updated_at"],
    "stg_crm__activities": ["activity_id", "company_id", "activity_type", "owner_type", "occurred_at"],
    "stg_stripe__customers": ["customer_id", "account_id", "currency_code", "is_deleted"],
    "stg_stripe__prices": [
        "price_id",
        "product_id",
        "unit_amount",
        "currency_code",
        "recurring_interval",
        "recurring_interval_count",
    ],
    "stg_stripe__subscriptions": [
        "subscription_id",
        "customer_id",
        "status",
        "created_at",
        "started_at",
        "trial_start_at",
        "trial_end_at",
        "canceled_at",
        "ended_at",
    ],
    "stg_stripe__invoices": [
        "invoice_id",
        "customer_id",
        "subscription_id",
        "status",
        "currency_code",
        "amount_paid",
        "created_at",
        "period_start_at",
        "period_end_at",
        "paid_at",
    ],
    "stg_stripe__invoice_line_items": [
        "line_item_id",
        "invoice_id",
        "subscription_id",
        "price_id",
        "line_type",
        "is_proration",
        "quantity",
        "amount",
        "currency_code",
        "period_start_at",
        "period_end_at",
    ],
    "stg_stripe__charges": ["charge_id", "invoice_id", "amount", "status", "created_at"],
    "stg_stripe__refunds": ["refund_id", "charge_id", "amount", "status", "created_at"],
    "stg_finance__fx_rates": ["rate_date", "currency_code", "usd_per_unit"],
    "stg_surveys__nps_responses": ["response_id", "user_id", "score", "responded_at"],
}

SEEDS = [
    "event_catalogue",
    "activation_milestones",
    "firmographic_segments",
    "icp_fit_rules",
    "conversion_benchmarks",
    "currencies",
]

# defaults of the vars in dbt_project.yml (the recomputation takes the same parameters)
DEFAULTS = {
    "conversion_windows": (30, 60, 90),
    "trial_grace_days": 14,
    "segment_window_days": 60,
    "engagement_window_days": 14,
    "pes_weight_breadth": 40,
    "pes_weight_frequency": 40,
    "pes_weight_team": 20,
    "pes_team_cap": 5,
    "engagement_tier_high_min": 50,
    "engagement_tier_low_below": 20,
    "funnel_window_days": 30,
    "icp_tier_high_min": 70,
    "icp_tier_low_below": 40,
}


def schema_name(kind: str) -> str:
    """dbt's default `<target schema>_<custom schema>` naming (target schema `analytics`, env PLG_SCHEMA)."""
    return f"{os.environ.get('PLG_SCHEMA', 'analytics')}_{kind}"


def truthy(value) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "t", "1", "yes", "y")
    return bool(value)


@dataclass
class Staged:
    """The staged tables and seeds of one warehouse (read once, read-only)."""

    warehouse: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    seeds: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def load(cls, warehouse: str | Path) -> Staged:
        warehouse = Path(warehouse)
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            existing = {
                (r[0], r[1])
                for r in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
            }
            tables = {}
            for name, cols in STAGING_COLUMNS.items():
                if (schema_name("staging"), name) not in existing:
                    continue  # not built: an error only when a metric needs it (see __getitem__)
                col_sql = ", ".join(cols)
                tables[name] = con.execute(f"select {col_sql} from {schema_name('staging')}.{name}").df()
            seeds = {
                s: con.execute(f"select * from {schema_name('reference')}.{s}").df()
                for s in SEEDS
                if (schema_name("reference"), s) in existing
            }
        finally:
            con.close()
        for df in tables.values():
            for col in df.columns:
                if col.endswith("_at"):
                    df[col] = pd.to_datetime(df[col])
        return cls(warehouse=warehouse, tables=tables, seeds=seeds)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(f"{schema_name('staging')}.{name} is not in {self.warehouse} (not built?)")
        return self.tables[name]


# ----------------------------------------------------------------------------------------------
# clock
# ----------------------------------------------------------------------------------------------
def as_of_date(st: Staged, as_of: str | dt.date | None = None) -> dt.date:
    """var as_of_date, or the latest received_at date of the staged events."""
    if as_of is not None:
        return pd.Timestamp(as_of).date()
    return pd.Timestamp(st["stg_product__events"]["received_at"].max()).date()


def as_of_end(as_of: dt.date) -> pd.Timestamp:
    """Exclusive bound: the end of the as-of day."""
    return pd.Timestamp(as_of) + DAY


# ----------------------------------------------------------------------------------------------
# account base: one row per non-internal account signed up by the end of the as-of day
# ----------------------------------------------------------------------------------------------
def customer_accounts(st: Staged) -> pd.DataFrame:
    cust = st["stg_stripe__customers"][["customer_id", "account_id"]]
    return cust[cust["account_id"].notna()].drop_duplicates("customer_id")


def core_catalogue(st: Staged) -> pd.DataFrame:
    cat = st.seeds["event_catalogue"]
    core = cat[cat["is_core"].map(truthy)][["event_name", "feature_name"]].copy()
    core["event_name"] = core["event_name"].str.strip().str.lower()
    return core.drop_duplicates("event_name")


def account_events(st: Staged, accounts: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Staged events of the base accounts, at or after signup, before the end of the as-of day,
    with the day-offset since signup."""
    ev = st["stg_product__events"][["event_id", "event_name", "user_id", "account_id", "occurred_at"]]
    ev = ev.merge(accounts[["account_id", "signup_at"]], on="account_id", how="inner")
    ev = ev[(ev["occurred_at"] >= ev["signup_at"]) & (ev["occurred_at"] < end)].copy()
    ev["since_signup"] = ev["occurred_at"] - ev["signup_at"]
    ev["day_number"] = (ev["since_signup"] // DAY).astype("int64")
    return ev


def first_subscriptions(st: Staged, end: pd.Timestamp) -> pd.DataFrame:
    """The workspace's first subscription (earliest created_at; ties: started_at, subscription_id)."""
    subs = st["stg_stripe__subscriptions"]
    subs = subs[subs["created_at"] < end].merge(customer_accounts(st), on="customer_id", how="inner")
    subs = subs.sort_values(["account_id", "created_at", "started_at", "subscription_id"], na_position="last")
    return subs.drop_duplicates("account_id", keep="first")


def conversions(st: Staged, end: pd.Timestamp) -> pd.DataFrame:
    """account_id -> converted_at: the first paid invoice with amount_paid > 0 not fully refunded
    (succeeded refunds on its succeeded charges < amount_paid), all judged at the end of the as-of day."""
    inv = st["stg_stripe__invoices"]
    inv = inv[(inv["status"] == "paid") & (inv["amount_paid"] > 0) & inv["paid_at"].notna() & (inv["paid_at"] < end)]
    charges = st["stg_stripe__charges"]
    charges = charges[charges["status"] == "succeeded"][["charge_id", "invoice_id"]]
    refunds = st["stg_stripe__refunds"]
    refunds = refunds[(refunds["status"] == "succeeded") & (refunds["created_at"] < end)][["charge_id", "amount"]]
    refunded = (
        refunds.merge(charges, on="charge_id", how="inner")
        .groupby("invoice_id", as_index=False)["amount"]
        .sum()
        .rename(columns={"amount": "refunded_amount"})
    )
    inv = inv.merge(refunded, on="invoice_id", how="left")
    inv["refunded_amount"] = inv["refunded_amount"].fillna(0)
    inv = inv[inv["refunded_amount"].astype(float) < inv["amount_paid"].astype(float)]
    inv = inv.merge(customer_accounts(st), on="customer_id", how="inner")
    inv = inv.sort_values(["account_id", "paid_at", "invoice_id"]).drop_duplicates("account_id", keep="first")
    return inv[["account_id", "invoice_id", "paid_at"]].rename(
        columns={"paid_at": "converted_at", "invoice_id": "conversion_invoice_id"}
    )


def workspace_companies(st: Staged) -> pd.DataFrame:
    """The CRM company whose latest version names the workspace (several: the most recently updated;
    exact ties: lowest company_id)."""
    comp = st["stg_crm__companies"]
    comp = comp[comp["account_id"].notna()].sort_values(
        ["account_id", "updated_at", "company_id"], ascending=[True, False, True]
    )
    return comp.drop_duplicates("account_id", keep="first")


def firmographic_segment(st: Staged, employee_count: pd.Series) -> pd.Series:
    bands = st.seeds["firmographic_segments"]
    bands = bands[bands["min_employees"].notna()].sort_values("min_employees")
    out = pd.Series("Unknown", index=employee_count.index, dtype=object)
    for _, band in bands.iterrows():
        hit = employee_count.notna() & (employee_count >= band["min_employees"])
        if pd.notna(band["max_employees"]):
            hit &= employee_count < band["max_employees"]
        out[hit] = band["segment_name"]
    return out


def icp_fit_score(st: Staged, base: pd.DataFrame) -> pd.Series:
    """Sum of the points of every matching rule of the icp_fit_rules seed, clipped to 0-100."""
    rules = st.seeds["icp_fit_rules"]
    attribute_column = {
        "employee_band": "firmographic_segment",
        "industry": "industry",
        "country": "country_code",
        "signup_channel": "signup_channel",
    }
    score = pd.Series(0.0, index=base.index)
    for _, rule in rules.iterrows():
        col = attribute_column[str(rule["attribute"]).strip()]
        values = base[col].astype(object).map(lambda v: None if pd.isna(v) else str(v).strip().lower())
        hit = values == str(rule["match_value"]).strip().lower()  # case-insensitive (seed description)
        score = score + np.where(hit, float(rule["points"]), 0.0)
    return score.clip(0, 100)


def tier(score: pd.Series, high_min: float, low_below: float) -> pd.Series:
    return pd.Series(
        np.where(score >= high_min, "high", np.where(score < low_below, "low", "medium")),
        index=score.index,
        dtype=object,
    )


def pes_components(
    st: Staged,
    accounts: pd.DataFrame,
    core_events: pd.DataFrame,
    *,
    engagement_window_days: int,
    pes_weight_breadth: float,
    pes_weight_frequency: float,
    pes_weight_team: float,
    pes_team_cap: int,
) -> pd.DataFrame:
    """PES over the first `engagement_window_days` days after signup, computed exactly (fractions)."""
    n_core = core_catalogue(st)["feature_name"].nunique()
    ev = core_events[core_events["since_signup"] < engagement_window_days * DAY]
    g = ev.groupby("account_id")
    comp = pd.DataFrame(
        {
            "features": g["feature_name"].nunique(),
            "days": g["day_number"].nunique(),
            "users": g["user_id"].nunique(),  # nunique ignores nulls
        }
    )
    comp = (
        accounts[["account_id"]]
        .merge(comp, left_on="account_id", right_index=True, how="left")
        .fillna({"features": 0, "days": 0, "users": 0})
    )

    def pes(row) -> Fraction:
        breadth = Fraction(int(row["features"]), n_core)
        frequency = Fraction(int(row["days"]), engagement_window_days)
        team = Fraction(min(int(row["users"]), pes_team_cap), pes_team_cap)
        return (
            Fraction(str(pes_weight_breadth)) * breadth
            + Fraction(str(pes_weight_frequency)) * frequency
            + Fraction(str(pes_weight_team)) * team
        )

    comp["pes_exact"] = comp.apply(pes, axis=1) if len(comp) else pd.Series(dtype=object)
    comp["pes_14d"] = comp["pes_exact"].map(float)
    return comp[["account_id", "features", "days", "users", "pes_exact", "pes_14d"]]


def activation(st: Staged, accounts: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """activated_at = the time the last milestone was first reached (events at/after signup only)."""
    milestones = st.seeds["activation_milestones"]["event_name"].str.strip().str.lower().unique()
    ev = events[events["event_name"].isin(milestones)]
    firsts = ev.groupby(["account_id", "event_name"], as_index=False)["occurred_at"].min()
    g = firsts.groupby("account_id")
    act = pd.DataFrame({"reached": g["event_name"].nunique(), "activated_at": g["occurred_at"].max()})
    act = act[act["reached"] == len(milestones)]
    return accounts[["account_id"]].merge(act[["activated_at"]], left_on="account_id", right_index=True, how="left")


def account_base(
    st: Staged, as_of: str | dt.date | None = None, **params
) -> tuple[pd.DataFrame, pd.DataFrame, dt.date]:
    """One row per non-internal account signed up by the end of the as-of day, with everything the
    conversion metrics need. Returns (base, core_events, as_of)."""
    p = {**DEFAULTS, **params}
    as_of = as_of_date(st, as_of)
    end = as_of_end(as_of)

    acc = st["stg_product__accounts"]
    acc = acc[~acc["is_internal"].map(truthy) & (acc["signup_at"] < end)]
    base = acc[["account_id", "signup_at", "signup_channel"]].copy()

    # free model and trial
    subs = first_subscriptions(st, end)[["account_id", "trial_start_at", "trial_end_at"]]
    base = base.merge(subs, on="account_id", how="left")
    has_trial = base["trial_start_at"].notna() & base["trial_end_at"].notna()
    base["free_model"] = np.where(has_trial, "trial", "freemium")
    base.loc[~has_trial, ["trial_start_at", "trial_end_at"]] = pd.NaT
    base["trial_length_days"] = (base["trial_end_at"] - base["trial_start_at"]) // DAY

    # conversion
    base = base.merge(conversions(st, end), on="account_id", how="left")

    # company, attribution, segments
    comp = workspace_companies(st)[["account_id", "company_id", "employee_count", "industry", "country_code"]]
    base = base.merge(comp, on="account_id", how="left")
    act = st["stg_crm__activities"]
    reps = act[act["owner_type"] == "sales_rep"][["company_id", "occurred_at"]].merge(
        base[["account_id", "company_id", "signup_at", "converted_at"]], on="company_id", how="inner"
    )
    reps = reps[(reps["occurred_at"] >= reps["signup_at"]) & (reps["occurred_at"] <= reps["converted_at"])]
    assisted = set(reps["account_id"])
    base["attribution"] = np.where(
        base["converted_at"].isna(), None, np.where(base["account_id"].isin(assisted), "sales_assisted", "self_serve")
    )
    base["firmographic_segment"] = firmographic_segment(st, base["employee_count"])
    base["icp_fit_score"] = icp_fit_score(st, base)
    base["icp_tier"] = tier(base["icp_fit_score"], p["icp_tier_high_min"], p["icp_tier_low_below"])

    # events: core events, first core event, PES, activation
    events = account_events(st, base, end)
    core = core_catalogue(st)
    core_events = events.merge(core, on="event_name", how="inner")
    first_core = core_events.groupby("account_id")["since_signup"].min().rename("first_core_since_signup")
    base = base.merge(first_core, left_on="account_id", right_index=True, how="left")
    pes = pes_components(
        st,
        base,
        core_events,
        engagement_window_days=p["engagement_window_days"],
        pes_weight_breadth=p["pes_weight_breadth"],
        pes_weight_frequency=p["pes_weight_frequency"],
        pes_weight_team=p["pes_weight_team"],
        pes_team_cap=p["pes_team_cap"],
    )
    base = base.merge(pes, on="account_id", how="left")
    high, low = Fraction(str(p["engagement_tier_high_min"])), Fraction(str(p["engagement_tier_low_below"]))
    base["engagement_tier"] = base["pes_exact"].map(lambda x: "high" if x >= high else ("low" if x < low else "medium"))
    base = base.merge(activation(st, base, events), on="account_id", how="left")
    base["signup_cohort_month"] = base["signup_at"].dt.to_period("M").dt.start_time
    return base.reset_index(drop=True), core_events, as_of


# ----------------------------------------------------------------------------------------------
# window helpers
# ----------------------------------------------------------------------------------------------
def mature(base: pd.DataFrame, window_days: int, as_of: dt.date) -> pd.Series:
    """signup_at + W days <= as_of + 1 day."""
    return base["signup_at"] + window_days * DAY <= as_of_end(as_of)


def within(base: pd.DataFrame, at_column: str, window_days: int) -> pd.Series:
    """signup_at <= at < signup_at + W days (false when at is null)."""
    at = base[at_column]
    return at.notna() & (at >= base["signup_at"]) & (at < base["signup_at"] + window_days * DAY)


def active_within(base: pd.DataFrame, window_days: int) -> pd.Series:
    return base["first_core_since_signup"].notna() & (base["first_core_since_signup"] < window_days * DAY)


def ratio(num, den):
    return float(num) / float(den) if den else None
