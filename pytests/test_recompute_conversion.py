"""Conversion marts (issue 3) == the independent pandas recomputation (plg.checks.reference_conversion),
on a generated landing and on the hand-written edge landing; plus hand-computed figures of the edge landing.

Counts must match exactly; rates within 1e-6 relative.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd
import pytest

from plg.checks import reference_conversion as rc
from plg.checks.compare import diff_frames
from pytests.helpers.build import read_relation

LANDINGS = ["generated", "edge"]


@pytest.fixture(params=LANDINGS)
def ctx(request):
    return request.getfixturevalue(f"{request.param}_ctx")


def _fail_on(problems: list[str], what: str) -> None:
    assert not problems, f"{what}: mart != recomputation\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------------------
# marts == recomputation
# ------------------------------------------------------------------------------------------------
def test_conversion_dashboard_matches_recomputation(ctx):
    expected = rc.conversion_dashboard(ctx.staged, ctx.as_of, base=ctx.base)
    actual = read_relation(ctx.warehouse, "marts", "rpt_conversion_dashboard")
    _fail_on(
        diff_frames(
            expected,
            actual,
            ["segment_row", "window_days"],
            {
                "accounts": "count",
                "conversions": "count",
                "conversion_rate": "rate",
                "self_serve_conversion_rate": "rate",
                "sales_assisted_share": "rate",
                "benchmark_low_rate": "rate",
                "benchmark_high_rate": "rate",
                "benchmark_status": "text",
            },
        ),
        f"rpt_conversion_dashboard ({ctx.name})",
    )


def test_funnel_matches_recomputation(ctx):
    expected = rc.funnel(None, ctx.as_of, base=ctx.base)
    actual = read_relation(ctx.warehouse, "marts", "rpt_funnel")
    _fail_on(
        diff_frames(expected, actual, ["step"], {"accounts": "count", "step_rate": "rate", "rate_from_signup": "rate"}),
        f"rpt_funnel ({ctx.name})",
    )


def test_segment_conversion_matches_recomputation(ctx):
    expected = rc.segment_conversion(None, ctx.as_of, base=ctx.base)
    actual = read_relation(ctx.warehouse, "marts", "rpt_segment_conversion")
    # a segment without any account of the 60-day denominator may be listed by the mart with 0 accounts
    actual = actual[actual["accounts"].fillna(0) > 0]
    _fail_on(
        diff_frames(expected, actual, ["dimension", "segment"], {"accounts": "count", "conversion_rate_60d": "rate"}),
        f"rpt_segment_conversion ({ctx.name})",
    )


def test_trial_conversion_by_signup_month_matches_recomputation(ctx):
    """rpt_kpis_monthly.trial_conversion_rate: trial + grace, by signup cohort month."""
    expected = rc.trial_conversion(ctx.base, ctx.as_of, by=["signup_cohort_month"]).rename(
        columns={"signup_cohort_month": "month_start"}
    )
    actual = read_relation(ctx.warehouse, "marts", "rpt_kpis_monthly")
    # months with no trial past its grace have no rate
    _fail_on(
        diff_frames(expected, actual, ["month_start"], {"trial_conversion_rate": "rate"}, missing_ok=True)
        + _expect_null_outside(actual, expected, "trial_conversion_rate"),
        f"rpt_kpis_monthly.trial_conversion_rate ({ctx.name})",
    )


def test_conversion_rate_30d_by_signup_month_matches_recomputation(ctx):
    """rpt_kpis_monthly.conversion_rate_30d: the overall row's 30-day rate, by signup cohort month."""
    expected = rc.overall_rate_by_cohort(ctx.base, ctx.as_of, 30).rename(
        columns={"signup_cohort_month": "month_start", "conversion_rate": "conversion_rate_30d"}
    )
    actual = read_relation(ctx.warehouse, "marts", "rpt_kpis_monthly")
    _fail_on(
        diff_frames(expected, actual, ["month_start"], {"conversion_rate_30d": "rate"}, missing_ok=True)
        + _expect_null_outside(actual, expected, "conversion_rate_30d"),
        f"rpt_kpis_monthly.conversion_rate_30d ({ctx.name})",
    )


def test_cohort_curves_and_kaplan_meier_match_recomputation(ctx):
    """fct_cohort_conversion (month grain): simple share, KM estimate and is_complete, account by account."""
    expected = rc.cohort_conversion_by_month(ctx.base, ctx.as_of, 90)
    actual = read_relation(ctx.warehouse, "marts", "fct_cohort_conversion")
    actual = actual[actual["cohort_grain"] == "month"].copy()
    actual["cohort_start"] = pd.to_datetime(actual["cohort_start"])
    assert len(actual) == len(expected)
    merged = expected.merge(actual, on=["cohort_start", "day_offset"], suffixes=("_exp", "_act"))
    assert len(merged) == len(expected)
    problems = []
    for _, r in merged.iterrows():
        for col in ("accounts_at_risk", "conversions", "is_complete"):
            if r[f"{col}_exp"] != r[f"{col}_act"]:
                problems.append(
                    f"{r['cohort_start'].date()} d{r['day_offset']} {col}: {r[f'{col}_act']} != {r[f'{col}_exp']}"
                )
        for col in ("cumulative_conversion_rate", "km_cumulative_conversion_rate"):
            if abs(r[f"{col}_exp"] - r[f"{col}_act"]) > 1e-9:
                problems.append(
                    f"{r['cohort_start'].date()} d{r['day_offset']} {col}: {r[f'{col}_act']} != {r[f'{col}_exp']}"
                )
    _fail_on(problems[:30], f"fct_cohort_conversion ({ctx.name})")


def test_trial_length_matches_recomputation(ctx):
    expected = rc.trial_conversion(ctx.base, ctx.as_of, by=["trial_length_days", "firmographic_segment"])
    actual = read_relation(ctx.warehouse, "marts", "rpt_trial_length")
    actual = actual[actual["trials"].fillna(0) > 0]
    _fail_on(
        diff_frames(
            expected,
            actual,
            ["trial_length_days", "firmographic_segment"],
            {"trials": "count", "trial_conversion_rate": "rate"},
        ),
        f"rpt_trial_length ({ctx.name})",
    )


def test_account_conversion_facts_match_recomputation(ctx):
    """fct_conversions, account by account: is_converted, converted_at, attribution, pes_14d, tier."""
    expected = ctx.base.assign(is_converted=ctx.base["converted_at"].notna())
    actual = read_relation(ctx.warehouse, "marts", "fct_conversions")
    _fail_on(
        diff_frames(
            expected,
            actual,
            ["account_id"],
            {
                "is_converted": "bool",
                "converted_at": "time",
                "attribution": "text",
                "pes_14d": "rate",
                "engagement_tier": "text",
            },
        ),
        f"fct_conversions ({ctx.name})",
    )


def test_account_dimensions_match_recomputation(ctx):
    """dim_accounts, account by account: free model, trial length, firmographic segment, ICP fit."""
    actual = read_relation(ctx.warehouse, "marts", "dim_accounts")
    _fail_on(
        diff_frames(
            ctx.base,
            actual,
            ["account_id"],
            {
                "signup_at": "time",
                "signup_channel": "text",
                "free_model": "text",
                "trial_length_days": "count",
                "firmographic_segment": "text",
                "icp_fit_score": "rate",
                "icp_tier": "text",
            },
        ),
        f"dim_accounts ({ctx.name})",
    )


def _expect_null_outside(actual: pd.DataFrame, expected: pd.DataFrame, column: str) -> list[str]:
    """Mart months the recomputation has no figure for must have a null rate."""
    known = {pd.Timestamp(m).normalize() for m in expected["month_start"]}
    problems = []
    for _, row in actual.iterrows():
        if pd.Timestamp(row["month_start"]).normalize() not in known and pd.notna(row[column]):
            problems.append(
                f"month_start={row['month_start']} {column}: expected null (no account in the "
                f"denominator), mart has {row[column]!r}"
            )
    return problems


# ------------------------------------------------------------------------------------------------
# the edge landing: figures computed by hand (pytests/helpers/metrics_edge.py), checked against the
# recomputation AND the marts
# ------------------------------------------------------------------------------------------------
F = Fraction
# (segment_row, window) -> (accounts, conversions, self-serve conversions, sales-assisted conversions)
EDGE_DASHBOARD = {
    ("overall", 30): (9, 4, 3, 1),  # e01 e02 e03 e10 + e04 e08 e09 e11 e12; conv e01 e03 e09 e12
    ("freemium", 30): (5, 2, 1, 1),  # e04 e08 e09 e11 e12 (e05 not active); conv e09 (sales) e12
    ("trial", 30): (4, 2, 2, 0),  # conv e01 (30d - 1s) e03; e02 exactly at 30d is out
    ("high_engagement", 30): (2, 1, 1, 0),  # e01 e08
    ("low_engagement", 30): (3, 0, 0, 0),  # e02 e10 e11
    ("overall", 60): (8, 6, 4, 2),  # e12 immature; conv e01 e02 e03 e04 e09 e11
    ("freemium", 60): (4, 3, 2, 1),
    ("trial", 60): (4, 3, 2, 1),
    ("high_engagement", 60): (2, 1, 1, 0),
    ("low_engagement", 60): (3, 2, 1, 1),  # e02 (sales) e11 (mature exactly at the bound)
    ("overall", 90): (7, 5, 3, 2),  # e11 immature, e05 active only on day 95
    ("freemium", 90): (3, 2, 1, 1),
    ("trial", 90): (4, 3, 2, 1),
    ("high_engagement", 90): (2, 1, 1, 0),
    ("low_engagement", 90): (2, 1, 0, 1),
}


def _edge_dashboard_expected() -> pd.DataFrame:
    rows = []
    for (row, w), (n, c, ss, sa) in EDGE_DASHBOARD.items():
        rows.append(
            {
                "segment_row": row,
                "window_days": w,
                "accounts": n,
                "conversions": c,
                "conversion_rate": float(F(c, n)),
                "self_serve_conversion_rate": float(F(ss, n)),
                "sales_assisted_share": float(F(sa, c)) if c else None,
            }
        )
    return pd.DataFrame(rows)


DASHBOARD_COLUMNS = {
    "accounts": "count",
    "conversions": "count",
    "conversion_rate": "rate",
    "self_serve_conversion_rate": "rate",
    "sales_assisted_share": "rate",
}


def test_edge_recomputation_equals_hand_computed_dashboard(edge_ctx):
    assert edge_ctx.as_of == dt.date(2026, 6, 30)
    got = rc.conversion_dashboard(edge_ctx.staged, edge_ctx.as_of, base=edge_ctx.base)
    _fail_on(
        diff_frames(_edge_dashboard_expected(), got, ["segment_row", "window_days"], DASHBOARD_COLUMNS),
        "recomputation vs hand-computed dashboard",
    )


def test_edge_mart_equals_hand_computed_dashboard(edge_ctx):
    actual = read_relation(edge_ctx.warehouse, "marts", "rpt_conversion_dashboard")
    _fail_on(
        diff_frames(_edge_dashboard_expected(), actual, ["segment_row", "window_days"], DASHBOARD_COLUMNS),
        "rpt_conversion_dashboard vs hand-computed",
    )


EDGE_ACCOUNTS = {  # account -> (free_model, engagement_tier, attribution, firmographic_segment)
    "acc_e01": ("trial", "high", "self_serve", "Enterprise"),
    "acc_e02": ("trial", "low", "sales_assisted", "SMB"),
    "acc_e03": ("trial", "medium", "self_serve", "Mid-Market"),
    "acc_e04": ("freemium", "medium", "self_serve", "Unknown"),
    "acc_e05": ("freemium", "low", "self_serve", "Unknown"),
    "acc_e06": ("trial", "low", "self_serve", "Unknown"),
    "acc_e08": ("freemium", "high", None, "Mid-Market"),
    "acc_e09": ("freemium", "medium", "sales_assisted", "Mid-Market"),
    "acc_e10": ("trial", "low", None, "Enterprise"),
    "acc_e11": ("freemium", "low", "self_serve", "Unknown"),
    "acc_e12": ("freemium", "medium", "self_serve", "SMB"),
}
EDGE_PES = {  # 40 * features / 9 + 40 * days / 14 + 20 * min(users, 5) / 5
    "acc_e01": F(40) + F(40 * 7, 14) + F(20 * 2, 5),
    "acc_e02": F(40, 9) + F(40, 14) + F(20, 5),
    "acc_e03": F(120, 9) + F(120, 14) + F(20, 5),
    "acc_e08": F(200, 9) + F(40 * 7, 14) + F(20 * 2, 5),  # not the pre-signup nor the day-14 event
    "acc_e11": F(120, 9) + F(40, 14),  # events without a user: no team points
}


def test_edge_account_facts(edge_ctx):
    base = edge_ctx.base.set_index("account_id")
    assert "acc_e07" not in base.index, "internal workspace must be excluded"
    assert set(base.index) == set(EDGE_ACCOUNTS)
    for acc, (model, tier, attribution, segment) in EDGE_ACCOUNTS.items():
        row = base.loc[acc]
        assert (row["free_model"], row["engagement_tier"], row["firmographic_segment"]) == (model, tier, segment), acc
        assert (row["attribution"] if pd.notna(row["attribution"]) else None) == attribution, acc
    for acc, pes in EDGE_PES.items():
        assert base.loc[acc, "pes_14d"] == pytest.approx(float(pes)), acc
    s0 = pd.Timestamp("2026-01-05 10:00:00")
    assert base.loc["acc_e04", "converted_at"] == s0 + pd.Timedelta(days=45)  # first invoice fully refunded
    assert base.loc["acc_e01", "converted_at"] == s0 + pd.Timedelta(days=30) - pd.Timedelta(seconds=1)
    assert base.loc["acc_e02", "trial_length_days"] == 14


# signed up (mature 30): 10; activated in 30: e01 e03 e08 e09 e11 e12 (e04 only on day 35); engaged: drops e11
# (low); converted in 30: e01 e03 e09 e12
EDGE_FUNNEL = pd.DataFrame(
    {
        "step": [1, 2, 3, 4],
        "accounts": [10, 6, 5, 4],
        "step_rate": [1.0, 0.6, 5 / 6, 0.8],
        "rate_from_signup": [1.0, 0.6, 0.5, 0.4],
    }
)
FUNNEL_COLUMNS = {"accounts": "count", "step_rate": "rate", "rate_from_signup": "rate"}


def test_edge_funnel_hand_computed(edge_ctx):
    expected = EDGE_FUNNEL
    _fail_on(
        diff_frames(expected, rc.funnel(None, edge_ctx.as_of, base=edge_ctx.base), ["step"], FUNNEL_COLUMNS),
        "recomputed funnel vs hand-computed",
    )


def test_edge_mart_funnel_hand_computed(edge_ctx):
    _fail_on(
        diff_frames(EDGE_FUNNEL, read_relation(edge_ctx.warehouse, "marts", "rpt_funnel"), ["step"], FUNNEL_COLUMNS),
        "rpt_funnel vs hand-computed",
    )


EDGE_TRIAL_BY_MONTH = pd.DataFrame(
    {"month_start": [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")], "trial_conversion_rate": [2 / 3, 0.0]}
)


def test_edge_trial_conversion_hand_computed(edge_ctx):
    # trials past trial_end + 14d: e01 (in), e02 (exactly at trial_end + grace: out), e03 (in grace), e10;
    # e06 not yet past its grace
    got = rc.trial_conversion(edge_ctx.base, edge_ctx.as_of)
    assert (got["trials"], got["conversions"]) == (4, 2)
    by_month = rc.trial_conversion(edge_ctx.base, edge_ctx.as_of, by=["signup_cohort_month"])
    got_m = by_month.rename(columns={"signup_cohort_month": "month_start"})
    _fail_on(
        diff_frames(EDGE_TRIAL_BY_MONTH, got_m, ["month_start"], {"trial_conversion_rate": "rate"}),
        "recomputed trial conversion vs hand-computed",
    )


def test_edge_mart_trial_conversion_hand_computed(edge_ctx):
    kpis = read_relation(edge_ctx.warehouse, "marts", "rpt_kpis_monthly")
    _fail_on(
        diff_frames(EDGE_TRIAL_BY_MONTH, kpis, ["month_start"], {"trial_conversion_rate": "rate"}, missing_ok=True),
        "rpt_kpis_monthly.trial_conversion_rate vs hand-computed",
    )


# 60-day overall denominator: e01 e02 e03 e04 e08 e09 e10 e11; converted: e01 e02 e03 e04 e09 e11
EDGE_SEGMENTS = pd.DataFrame(
    [
        ("free_model", "freemium", 4, 0.75),
        ("free_model", "trial", 4, 0.75),
        ("signup_channel", "organic", 3, 2 / 3),
        ("signup_channel", "paid_search", 2, 0.5),
        ("signup_channel", "referral", 1, 1.0),
        ("signup_channel", "partner", 1, 1.0),
        ("signup_channel", "content", 1, 1.0),
        ("firmographic_segment", "Enterprise", 2, 0.5),
        ("firmographic_segment", "SMB", 1, 1.0),
        ("firmographic_segment", "Mid-Market", 3, 2 / 3),
        ("firmographic_segment", "Unknown", 2, 1.0),
    ],
    columns=["dimension", "segment", "accounts", "conversion_rate_60d"],
)
SEGMENT_COLUMNS = {"accounts": "count", "conversion_rate_60d": "rate"}


def test_edge_segments_hand_computed(edge_ctx):
    got = rc.segment_conversion(None, edge_ctx.as_of, base=edge_ctx.base)
    got = got[got["dimension"] != "icp_tier"]
    _fail_on(
        diff_frames(EDGE_SEGMENTS, got, ["dimension", "segment"], SEGMENT_COLUMNS),
        "recomputed segments vs hand-computed",
    )


def test_edge_mart_segments_hand_computed(edge_ctx):
    mart = read_relation(edge_ctx.warehouse, "marts", "rpt_segment_conversion")
    mart = mart[mart["dimension"] != "icp_tier"]
    _fail_on(
        diff_frames(EDGE_SEGMENTS, mart, ["dimension", "segment"], SEGMENT_COLUMNS, missing_ok=True),
        "rpt_segment_conversion vs hand-computed",
    )


# ------------------------------------------------------------------------------------------------
# the same comparisons with the vars changed (conftest.EDGE_VARS): the marts must follow the vars
# ------------------------------------------------------------------------------------------------
def test_edge_with_vars_matches_recomputation(edge_vars_ctx):
    from conftest import EDGE_VARS as V

    c, problems = edge_vars_ctx, []
    assert c.as_of == dt.date(2026, 6, 15)
    expected = rc.conversion_dashboard(c.staged, c.as_of, base=c.base, conversion_windows=V["conversion_windows"])
    problems += diff_frames(
        expected,
        read_relation(c.warehouse, "marts", "rpt_conversion_dashboard"),
        ["segment_row", "window_days"],
        {
            "accounts": "count",
            "conversions": "count",
            "conversion_rate": "rate",
            "self_serve_conversion_rate": "rate",
            "sales_assisted_share": "rate",
        },
    )
    problems += diff_frames(
        rc.funnel(None, c.as_of, base=c.base, funnel_window_days=V["funnel_window_days"]),
        read_relation(c.warehouse, "marts", "rpt_funnel"),
        ["step"],
        FUNNEL_COLUMNS,
    )
    seg = rc.segment_conversion(None, c.as_of, base=c.base, segment_window_days=V["segment_window_days"])
    mart = read_relation(c.warehouse, "marts", "rpt_segment_conversion")
    problems += diff_frames(seg, mart[mart["accounts"].fillna(0) > 0], ["dimension", "segment"], SEGMENT_COLUMNS)
    trial = rc.trial_conversion(c.base, c.as_of, V["trial_grace_days"], by=["signup_cohort_month"]).rename(
        columns={"signup_cohort_month": "month_start"}
    )
    problems += diff_frames(
        trial,
        read_relation(c.warehouse, "marts", "rpt_kpis_monthly"),
        ["month_start"],
        {"trial_conversion_rate": "rate"},
        missing_ok=True,
    )
    _fail_on(problems, "edge landing with vars")


def test_edge_with_vars_hand_computed(edge_vars_ctx):
    """as_of 2026-06-15, grace 16 days: acc_e02 (converted exactly at trial_end + 14d) now counts; acc_e06 signed
    up on the as-of day and its June 20 conversion is in the future."""
    c = edge_vars_ctx
    got = rc.trial_conversion(c.base, c.as_of, 16)
    assert (got["trials"], got["conversions"]) == (4, 3)
    base = c.base.set_index("account_id")
    assert "acc_e06" in base.index and pd.isna(base.loc["acc_e06", "converted_at"])
    # tiers with high >= 25 and low < 12: e03/e04/e09/e12 (25.9) become high, e02 (11.3) stays low, e11 (16.2)
    # becomes medium
    assert base.loc[["acc_e03", "acc_e04", "acc_e09", "acc_e12"], "engagement_tier"].eq("high").all()
    assert base.loc["acc_e11", "engagement_tier"] == "medium"
    assert base.loc["acc_e02", "engagement_tier"] == "low"


def test_diff_frames_detects_differences():
    """The comparison itself can fail: counts, rates, text, missing rows."""
    a = pd.DataFrame({"k": [1, 2], "n": [3, 4], "r": [0.5, 0.25], "t": ["x", "y"]})
    assert diff_frames(a, a.copy(), ["k"], {"n": "count", "r": "rate", "t": "text"}) == []
    b = a.assign(n=[3, 5], r=[0.5, 0.2501], t=["x", "z"])
    assert len(diff_frames(a, b, ["k"], {"n": "count", "r": "rate", "t": "text"})) == 3
    assert len(diff_frames(a, a.iloc[:1], ["k"], {"n": "count"})) == 1
    assert diff_frames(a.assign(r=[None, 0.25]), a, ["k"], {"r": "rate"}) != []
    assert diff_frames(a.assign(r=[0.5, 0.2500001]), a, ["k"], {"r": "rate"}) == []  # within 1e-6 relative
