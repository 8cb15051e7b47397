"""Revenue marts (issue 4) == the independent pandas recomputation (plg.checks.reference_revenue), on a
generated landing and on the hand-written edge landing; plus hand-computed figures of the edge landing.

Money within 0.01 USD; rates within 1e-6 relative; counts and movements exactly.
"""

from __future__ import annotations

import pandas as pd
import pytest

from plg.checks import reference_revenue as rr
from plg.checks.compare import diff_frames
from pytests.helpers.build import read_relation

LANDINGS = ["generated", "edge"]

MONEY_SUMS = [
    "new_mrr_usd",
    "expansion_mrr_usd",
    "contraction_mrr_usd",
    "churned_mrr_usd",
    "reactivation_mrr_usd",
    "fx_adjustment_mrr_usd",
]


@pytest.fixture(params=LANDINGS)
def ctx(request):
    return request.getfixturevalue(f"{request.param}_ctx")


@pytest.fixture(scope="module")
def recomputed_mrr():
    cache = {}

    def get(ctx):
        if ctx.name not in cache:
            cache[ctx.name] = rr.fct_mrr(ctx.staged, ctx.as_of)
        return cache[ctx.name]

    return get


def _fail_on(problems: list[str], what: str) -> None:
    assert not problems, f"{what}: mart != recomputation\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------------------
# marts == recomputation
# ------------------------------------------------------------------------------------------------
def test_recomputed_mrr_bridge_holds(ctx, recomputed_mrr):
    """Sanity of the recomputation itself: previous + movement + fx = current, row by row."""
    mrr = recomputed_mrr(ctx)
    gap = (mrr["previous_mrr_usd"] + mrr["movement_amount_usd"] + mrr["fx_adjustment_usd"] - mrr["mrr_usd"]).abs()
    assert (gap < 1e-6).all(), mrr[gap >= 1e-6].head()


def test_fct_mrr_matches_recomputation(ctx, recomputed_mrr):
    expected = recomputed_mrr(ctx)
    actual = read_relation(ctx.warehouse, "marts", "fct_mrr")
    _fail_on(
        diff_frames(
            expected,
            actual,
            ["account_id", "month_start"],
            {
                "mrr_usd": "money",
                "previous_mrr_usd": "money",
                "mrr_change_usd": "money",
                "fx_adjustment_usd": "money",
                "movement": "text",
            },
        ),
        f"fct_mrr ({ctx.name})",
    )


def test_monthly_revenue_matches_recomputation(ctx, recomputed_mrr):
    expected = rr.monthly_revenue(recomputed_mrr(ctx))
    actual = read_relation(ctx.warehouse, "marts", "rpt_kpis_monthly")
    cols = dict.fromkeys(["mrr_usd", "arr_usd", *MONEY_SUMS], "money")
    cols.update({"paying_accounts": "count", "logo_churn_rate": "rate"})
    problems = diff_frames(expected, actual, ["month_start"], cols, missing_ok=True)
    # months before the first MRR: nothing to report (0 or null)
    first = expected["month_start"].min() if len(expected) else pd.Timestamp.max
    for _, row in actual[pd.to_datetime(actual["month_start"]) < first].iterrows():
        for c in ["mrr_usd", "paying_accounts", *MONEY_SUMS]:
            if pd.notna(row[c]) and abs(float(row[c])) > 0.01:
                problems.append(f"month_start={row['month_start']} {c}: expected 0 (no MRR yet), mart has {row[c]!r}")
    _fail_on(problems, f"rpt_kpis_monthly revenue columns ({ctx.name})")


def test_nps_matches_recomputation(ctx):
    expected = rr.nps_monthly(ctx.staged, ctx.as_of)
    actual = read_relation(ctx.warehouse, "marts", "rpt_kpis_monthly")
    problems = diff_frames(expected, actual, ["month_start"], {"nps": "rate"}, missing_ok=True)
    known = {pd.Timestamp(m) for m in expected["month_start"]}
    for _, row in actual.iterrows():
        if pd.Timestamp(row["month_start"]) not in known and pd.notna(row["nps"]):
            problems.append(
                f"month_start={row['month_start']} nps: expected null (no response), mart has {row['nps']!r}"
            )
    _fail_on(problems, f"rpt_kpis_monthly.nps ({ctx.name})")


# ------------------------------------------------------------------------------------------------
# the edge landing: figures computed by hand (pytests/helpers/metrics_edge.py)
# ------------------------------------------------------------------------------------------------
M = {m: pd.Timestamp(f"2026-{m:02d}-01") for m in range(1, 7)}
# (account, month) -> (mrr_usd, previous_mrr_usd, fx_adjustment_usd, movement)
EDGE_MRR = {
    # acc_e01: 2 seats x $50 from Feb 4; the proration line of the March seat change is not MRR; 3 seats from April;
    # in June only draft invoices cover June 30 (the subscription is still active): drafts are not MRR -> churn
    ("acc_e01", 2): (100, 0, 0, "new"),
    ("acc_e01", 3): (100, 100, 0, "unchanged"),
    ("acc_e01", 4): (150, 100, 0, "expansion"),
    ("acc_e01", 5): (150, 150, 0, "unchanged"),
    ("acc_e01", 6): (0, 150, 0, "churn"),
    # acc_e02: Starter $100 -> Pro $300 in April (plan swap = expansion), canceled: no period covers June 30
    # (the void invoice does, and is ignored)
    ("acc_e02", 2): (100, 0, 0, "new"),
    ("acc_e02", 3): (100, 100, 0, "unchanged"),
    ("acc_e02", 4): (300, 100, 0, "expansion"),
    ("acc_e02", 5): (300, 300, 0, "unchanged"),
    ("acc_e02", 6): (0, 300, 0, "churn"),
    # acc_e03: $100 monthly, then $960 a year = $80 a month from March 25 (contraction)
    ("acc_e03", 1): (100, 0, 0, "new"),
    ("acc_e03", 2): (100, 100, 0, "unchanged"),
    ("acc_e03", 3): (80, 100, 0, "contraction"),
    ("acc_e03", 4): (80, 80, 0, "unchanged"),
    ("acc_e03", 5): (80, 80, 0, "unchanged"),
    ("acc_e03", 6): (80, 80, 0, "unchanged"),
    # acc_e04: the fully refunded January invoice is still a paid invoice covering Jan 31 (refunds do not
    # change MRR); paid to April 19 -> churn in April, nothing in May, a new subscription in June
    ("acc_e04", 1): (100, 0, 0, "new"),
    ("acc_e04", 2): (100, 100, 0, "unchanged"),
    ("acc_e04", 3): (100, 100, 0, "unchanged"),
    ("acc_e04", 4): (0, 100, 0, "churn"),
    ("acc_e04", 6): (100, 0, 0, "reactivation"),
    # acc_e09: EUR 100 (EUR 200 from May 10); EUR rates: Jan 31 1.10, Feb 28 missing -> Feb 27 1.12,
    # Mar 31 1.08, Apr 30 1.08, May 31 missing -> May 29 1.15, Jun 30 1.20 (Jul 1 9.99 never used)
    ("acc_e09", 1): (110, 0, 0, "new"),
    ("acc_e09", 2): (112, 110, 2, "unchanged"),
    ("acc_e09", 3): (108, 112, -4, "unchanged"),
    ("acc_e09", 4): (108, 108, 0, "unchanged"),
    ("acc_e09", 5): (230, 108, 7, "expansion"),  # (200 - 100) x 1.15 = 115 expansion + 100 x 0.07 fx
    ("acc_e09", 6): (240, 230, 10, "unchanged"),  # 200 x (1.20 - 1.15)
    ("acc_e06", 6): (100, 0, 0, "new"),  # immature for conversion windows, but revenue is revenue
    ("acc_e11", 6): (100, 0, 0, "new"),
    ("acc_e12", 5): (50, 0, 0, "new"),  # $150 per 3 months
    ("acc_e12", 6): (50, 50, 0, "unchanged"),
}
# month -> (mrr, paying, new, expansion, contraction, churned, reactivation, fx, logo_churn_rate)
EDGE_MONTHS = {
    1: (310, 3, 310, 0, 0, 0, 0, 0, None),
    2: (512, 5, 200, 0, 0, 0, 0, 2, 0.0),
    3: (488, 5, 0, 0, 20, 0, 0, -4, 0.0),
    4: (638, 4, 0, 250, 0, 100, 0, 0, 0.2),
    5: (810, 5, 50, 115, 0, 0, 0, 7, 0.0),
    6: (670, 6, 200, 0, 0, 450, 100, 10, 0.4),  # churn: e02 (300) and e01 (150) of 5 paying in May
}
EDGE_NPS = {5: 0.0, 6: 50.0}


def _edge_mrr_expected() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "account_id": a,
                "month_start": M[m],
                "mrr_usd": cur,
                "previous_mrr_usd": prev,
                "mrr_change_usd": cur - prev,
                "fx_adjustment_usd": fx,
                "movement": mv,
            }
            for (a, m), (cur, prev, fx, mv) in EDGE_MRR.items()
        ]
    )


def _edge_months_expected() -> pd.DataFrame:
    cols = [
        "mrr_usd",
        "paying_accounts",
        "new_mrr_usd",
        "expansion_mrr_usd",
        "contraction_mrr_usd",
        "churned_mrr_usd",
        "reactivation_mrr_usd",
        "fx_adjustment_mrr_usd",
        "logo_churn_rate",
    ]
    return pd.DataFrame([{"month_start": M[m], **dict(zip(cols, v, strict=False))} for m, v in EDGE_MONTHS.items()])


MRR_COLUMNS = {
    "mrr_usd": "money",
    "previous_mrr_usd": "money",
    "mrr_change_usd": "money",
    "fx_adjustment_usd": "money",
    "movement": "text",
}
MONTH_COLUMNS = {
    "mrr_usd": "money",
    "paying_accounts": "count",
    "logo_churn_rate": "rate",
    **dict.fromkeys(MONEY_SUMS, "money"),
}


def test_edge_hand_computed_months_are_consistent():
    """The hand-computed figures obey the MRR bridge (guards the arithmetic of this file)."""
    months = _edge_months_expected()
    prev = months["mrr_usd"].shift(1).fillna(0)
    bridge = (
        prev
        + months["new_mrr_usd"]
        + months["reactivation_mrr_usd"]
        + months["expansion_mrr_usd"]
        - months["contraction_mrr_usd"]
        - months["churned_mrr_usd"]
        + months["fx_adjustment_mrr_usd"]
    )
    assert (bridge - months["mrr_usd"]).abs().max() < 1e-9
    rows = _edge_mrr_expected()
    by_month = rows[rows["mrr_usd"] > 0].groupby("month_start")["mrr_usd"].sum()
    assert [by_month[M[m]] for m in range(1, 7)] == [EDGE_MONTHS[m][0] for m in range(1, 7)]


def test_edge_recomputed_mrr_equals_hand_computed(edge_ctx):
    got = rr.fct_mrr(edge_ctx.staged, edge_ctx.as_of)
    _fail_on(
        diff_frames(_edge_mrr_expected(), got, ["account_id", "month_start"], MRR_COLUMNS),
        "recomputed fct_mrr vs hand-computed",
    )
    months = rr.monthly_revenue(got)
    _fail_on(
        diff_frames(_edge_months_expected(), months, ["month_start"], MONTH_COLUMNS),
        "recomputed monthly revenue vs hand-computed",
    )


def test_edge_fct_mrr_equals_hand_computed(edge_ctx):
    actual = read_relation(edge_ctx.warehouse, "marts", "fct_mrr")
    _fail_on(
        diff_frames(_edge_mrr_expected(), actual, ["account_id", "month_start"], MRR_COLUMNS),
        "fct_mrr vs hand-computed",
    )


def test_edge_kpis_equal_hand_computed(edge_ctx):
    actual = read_relation(edge_ctx.warehouse, "marts", "rpt_kpis_monthly")
    _fail_on(
        diff_frames(_edge_months_expected(), actual, ["month_start"], MONTH_COLUMNS, missing_ok=True),
        "rpt_kpis_monthly revenue vs hand-computed",
    )


def test_edge_nps_hand_computed(edge_ctx):
    expected = pd.DataFrame([{"month_start": M[m], "nps": v} for m, v in EDGE_NPS.items()])
    got = rr.nps_monthly(edge_ctx.staged, edge_ctx.as_of)
    _fail_on(diff_frames(expected, got, ["month_start"], {"nps": "rate"}), "recomputed NPS vs hand-computed")


def test_edge_mart_nps_hand_computed(edge_ctx):
    expected = pd.DataFrame([{"month_start": M[m], "nps": v} for m, v in EDGE_NPS.items()])
    actual = read_relation(edge_ctx.warehouse, "marts", "rpt_kpis_monthly")
    _fail_on(
        diff_frames(expected, actual, ["month_start"], {"nps": "rate"}, missing_ok=True),
        "rpt_kpis_monthly.nps vs hand-computed",
    )


def test_edge_with_vars_mrr_matches_recomputation(edge_vars_ctx):
    """as_of 2026-06-15: June is measured on June 15, nothing dated later is used."""
    c = edge_vars_ctx
    expected = rr.fct_mrr(c.staged, c.as_of)
    june = expected[expected["month_start"] == M[6]].set_index("account_id")
    # on June 15: acc_e09 at the May 29 rate (1.15); acc_e02's last period ended June 4 (churn); acc_e11 new
    # (June 11); acc_e06 (June 20) not yet; acc_e04 reactivated June 1
    assert june.loc["acc_e09", "mrr_usd"] == pytest.approx(230.0)
    assert june.loc["acc_e02", "movement"] == "churn"
    assert june.loc["acc_e11", "movement"] == "new"
    assert "acc_e06" not in june.index
    assert june.loc["acc_e04", "movement"] == "reactivation"
    problems = diff_frames(
        expected, read_relation(c.warehouse, "marts", "fct_mrr"), ["account_id", "month_start"], MRR_COLUMNS
    )
    problems += diff_frames(
        rr.monthly_revenue(expected),
        read_relation(c.warehouse, "marts", "rpt_kpis_monthly"),
        ["month_start"],
        MONTH_COLUMNS,
        missing_ok=True,
    )
    problems += diff_frames(
        rr.nps_monthly(c.staged, c.as_of),
        read_relation(c.warehouse, "marts", "rpt_kpis_monthly"),
        ["month_start"],
        {"nps": "rate"},
        missing_ok=True,
    )
    _fail_on(problems, "edge landing with vars (revenue)")
