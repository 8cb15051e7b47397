"""Configuration of the synthetic landing generator (every knob is a CLI flag)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

DAY = 86_400


@dataclass
class GenConfig:
    # --- size, clock, output -------------------------------------------------------------
    accounts: int | None = 2000
    events: int | None = None  # alternative to accounts: about this many events
    seed: int = 42
    end_date: str = "2026-10-31"  # latest day of the landing (default as-of date)
    months: int = 20  # months of signups ending end_date
    warehouse: str | None = "warehouse/plg.duckdb"
    parquet: str | None = None  # write DIR/<schema>/<table>.parquet instead of DuckDB
    append_day: bool = False  # append one more day of events to an existing landing
    report_calibration: bool | None = None  # None: on when the run is under ~5M events
    chunk_events: int = 3_000_000  # target events per generation chunk (memory bound)
    duckdb_memory_limit: str = "6GB"
    progress: bool = True
    events_per_account_hint: float = 290.0  # used by --events to choose the account count
    landing_format: str = "native"  # shape per system, comma list: native, fivetran_stripe (issue 11)
    connections: int = 1  # split the Stripe world over N connections (schemas raw_stripe_c1..cN)

    # --- population ----------------------------------------------------------------------
    internal_rate: float = 0.01
    trial_rate: float = 0.25
    signup_growth: float = 1.2  # last month ~ e^growth times the first month's signups
    company_match_rate: float = 0.92  # workspaces with a CRM company
    orphan_company_rate: float = 0.10  # extra companies with no workspace (share of companies)
    company_version_rate: float = 0.20
    null_employee_rate: float = 0.05
    free_subscription_rate: float = 0.70  # freemium workspaces with a Stripe Free subscription

    # --- engagement knobs ----------------------------------------------------------------
    eng_beta_free_a: float = 1.0
    eng_beta_free_b: float = 2.8
    eng_beta_trial_a: float = 1.5
    eng_beta_trial_b: float = 2.0
    first14_day_rate: float = 0.55  # max share of days 0-13 active for a fully engaged account
    inactive_free_rate: float = 0.22  # freemium with no core event in the first 14 days
    inactive_trial_rate: float = 0.08
    late_active_rate: float = 0.35  # of those, active later (day 14-60)
    later_day_rate: float = 0.22  # share of days active after day 14 (times engagement)
    events_per_day: float = 11.0
    core_event_share: float = 0.5

    # --- calibration knobs: eventual conversion probability by free model x tier -----------
    conv_trial_high: float = 0.40
    conv_trial_medium: float = 0.085
    conv_trial_low: float = 0.075
    conv_free_high: float = 0.17
    conv_free_medium: float = 0.012
    conv_free_low: float = 0.037
    mult_team_0: float = 0.75
    mult_team_1_2: float = 1.0
    mult_team_3plus: float = 1.8
    mult_smb: float = 1.0
    mult_mid_market: float = 1.35
    mult_enterprise: float = 0.7
    mult_unknown: float = 0.9
    trial_early_share: float = 0.45  # trial conversions before trial_end
    trial_late_share: float = 0.07  # trial conversions after trial_end + grace
    trial_grace_days: int = 14
    free_conv_30_share: float = 0.65  # freemium conversions within 30 days
    free_conv_90_share: float = 0.23  # ... within 30-90 days (the rest after 90)
    sales_assist_rate: float = 0.5  # conversions of >=100-employee companies preceded by a sales touch
    refund_first_invoice_rate: float = 0.03  # freemium conversions whose first paid invoice is refunded

    # --- billing lifecycle ------------------------------------------------------------------
    monthly_churn_rate: float = 0.025
    reactivation_rate: float = 0.25
    plan_change_rate: float = 0.30
    annual_switch_rate: float = 0.06
    past_due_rate: float = 0.04
    unpaid_rate: float = 0.02

    # --- faults (rates) -------------------------------------------------------------------
    duplicate_rate: float = 0.01
    future_rate: float = 0.004
    pre_signup_rate: float = 0.004
    anonymous_rate: float = 0.005
    null_account_rate: float = 0.01
    name_case_rate: float = 0.01
    late_rate: float = 0.01
    malformed_json_rate: float = 0.002
    null_key_rate: float = 0.001
    missing_metadata_key_rate: float = 0.01
    malformed_metadata_rate: float = 0.005
    failed_charge_rate: float = 0.04
    partial_refund_rate: float = 0.02
    full_refund_rate: float = 0.01
    failed_refund_rate: float = 0.01
    unknown_currency_rate: float = 0.005
    nps_out_of_range_rate: float = 0.01
    nps_null_rate: float = 0.01
    fx_missing_day_rate: float = 0.02

    # --- append-day ------------------------------------------------------------------------
    append_late_share: float = 0.05
    append_redelivery_share: float = 0.01

    # ----------------------------------------------------------------------------------------
    @property
    def end(self) -> dt.date:
        return dt.date.fromisoformat(self.end_date)

    @property
    def end_ts(self) -> int:
        """Exclusive upper bound (seconds since epoch): the end of end_date."""
        return int(dt.datetime(self.end.year, self.end.month, self.end.day, tzinfo=dt.UTC).timestamp()) + DAY

    @property
    def start_ts(self) -> int:
        """First possible signup (seconds): `months` months before the end."""
        y, m = self.end.year, self.end.month - self.months
        while m <= 0:
            m += 12
            y -= 1
        d = min(self.end.day, 28)
        return int(dt.datetime(y, m, d, tzinfo=dt.UTC).timestamp()) + DAY

    def n_accounts(self) -> int:
        if self.events:
            return max(50, int(round(self.events / self.events_per_account_hint)))
        return int(self.accounts or 2000)


def config_fields() -> list[dataclasses.Field]:
    return list(dataclasses.fields(GenConfig))
