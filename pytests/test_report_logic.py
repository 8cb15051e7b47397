"""Unit tests of the report's logic (no build, no browser): round axis ticks, maturity marking, the
headline choice, the trailing-12-month NRR and number formatting. Expectations are computed by hand
in the comments."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from plg.report import kpi
from plg.report.svg import integer, nice_ticks, num, tick_label, tick_step

D = dt.date


# ---------------------------------------------------------------- nice ticks


@pytest.mark.parametrize(
    "lo, hi, ticks",
    [
        # the bugs seen: a $62.5k maximum was split into quarters ($15.6k, $31.3k, ...)
        (0, 62_500, [0, 20_000, 40_000, 60_000, 80_000]),  # step 10k needs 7 intervals > 5; 20k needs 4
        (0, 0.188, [0, 0.05, 0.10, 0.15, 0.20]),  # 18.8 %: step 5 pp
        (-13, 1, [-15, -10, -5, 0, 5]),  # NPS −13..1: step 2 needs 8 intervals; 5 needs 4
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # step 0.2: 5 intervals
        (17_000, 19_500, [17_000, 17_500, 18_000, 18_500, 19_000, 19_500]),  # step 500 (5 × 100)
        (3, 3, [2.6, 2.8, 3.0, 3.2, 3.4]),  # a flat series: ±10 % padding = 2.7..3.3; step 0.1 needs 6, 0.2 needs 4
    ],
)
def test_nice_ticks_by_hand(lo, hi, ticks):
    assert nice_ticks(lo, hi) == pytest.approx(ticks)


def test_nice_ticks_are_1_2_5_steps_covering_the_range():
    rnd = random.Random(3)
    for _ in range(2000):
        a = rnd.uniform(-1e6, 1e6) * 10 ** rnd.randint(-6, 0)
        # a chart's range: at least 1e-4 of its magnitude wide (ticks of a narrower range exhaust float precision)
        b = a + max(abs(rnd.gauss(0, 1)) * 10 ** rnd.randint(-5, 6), 1e-4 * abs(a), 1e-9)
        for max_ticks in (4, 5, 6, 7):
            t = nice_ticks(a, b, max_ticks)
            step = tick_step(t)
            mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
            assert round(mantissa, 6) in (1.0, 2.0, 5.0), (a, b, t)
            assert t[0] <= a + 1e-9 * abs(a) and t[-1] >= b - 1e-9 * abs(b), (a, b, t)
            assert len(t) <= max_ticks, (a, b, t)
            assert all(abs(x / step - round(x / step)) < 1e-6 for x in t), (a, b, t)


def test_tick_labels_show_only_the_decimals_the_step_needs():
    assert [tick_label("pct", v, 0.05) for v in (0, 0.05, 0.15)] == ["0 %", "5 %", "15 %"]
    assert tick_label("pct", 0.125, 0.005) == "12.5 %"
    assert [tick_label("money", v, 20_000) for v in (0, 20_000, 60_000)] == ["$0", "$20k", "$60k"]
    assert tick_label("money", 1_500_000, 500_000) == "$1.5M"
    assert tick_label("money", 250, 50) == "$250"
    assert [tick_label("num", v, 5) for v in (-15, -5, 0, 5)] == ["−15", "−5", "0", "5"]
    assert tick_label("num", 2.5, 0.5) == "2.5"


# ---------------------------------------------------------------- integers


def test_integers_print_as_integers():
    assert num(1.0) == "1"  # employees: was "1.0"
    assert num(1) == "1"
    assert num(1200.0) == "1,200"
    assert integer(1.0) == "1"
    assert integer(None) == "–"
    assert num(2.5) == "2.5"  # a measure keeps its decimal
    assert num(13.84) == "13.8"
    assert num(-5.0) == "−5"


# ---------------------------------------------------------------- maturity


def test_a_signup_month_is_mature_when_its_last_day_plus_the_window_has_passed():
    # September cohort, W = 30: last day 30 Sep + 30 days = 30 Oct; mature once the as-of day is 30 Oct
    assert kpi.is_mature(D(2026, 9, 1), 30, D(2026, 10, 30))
    assert not kpi.is_mature(D(2026, 9, 1), 30, D(2026, 10, 29))
    # October cohort as of 31 Oct: two days of the window have passed for its earliest accounts, not mature
    assert not kpi.is_mature(D(2026, 10, 1), 30, D(2026, 10, 31))
    # February of a leap year: last day 29 Feb + 44 days = 13 Apr
    assert kpi.is_mature(D(2028, 2, 1), 44, D(2028, 4, 13))
    assert not kpi.is_mature(D(2028, 2, 1), 44, D(2028, 4, 12))


def test_a_calendar_month_is_complete_on_its_last_day():
    assert kpi.is_mature(D(2026, 10, 1), 0, D(2026, 10, 31))
    assert not kpi.is_mature(D(2026, 10, 1), 0, D(2026, 10, 30))
    assert not kpi.is_mature(D(2026, 10, 1), 0, None)  # unknown as-of date: nothing final


def test_maturity_flags_mark_the_trailing_months():
    months = [D(2026, m, 1) for m in range(5, 11)]  # May .. Oct
    # as of 15 Oct, W = 30: mature while last day + 30 <= 15 Oct: Aug (31 Aug + 30 = 30 Sep) yes,
    # Sep (30 Sep + 30 = 30 Oct) no
    assert kpi.maturity_flags(months, 30, D(2026, 10, 15)) == [False, False, False, False, True, True]
    # W = 90: Jun (30 Jun + 90 = 28 Sep) yes, Jul (31 Jul + 90 = 29 Oct) no
    assert kpi.maturity_flags(months, 90, D(2026, 10, 15)) == [False, False, True, True, True, True]


# ---------------------------------------------------------------- headline

ROWS = [
    {"month_start": D(2026, 7, 1), "rate": 0.05},
    {"month_start": D(2026, 8, 1), "rate": 0.04},
    {"month_start": D(2026, 9, 1), "rate": None},  # a mature month without a value is skipped
    {"month_start": D(2026, 10, 1), "rate": 0.27},  # two days old as of 31 Oct: never the headline
]


def test_the_headline_is_the_latest_mature_cohort_with_a_value():
    h = kpi.headline(ROWS, "rate", 30, D(2026, 10, 31))
    assert h == {"month": D(2026, 8, 1), "value": 0.04, "previous_month": D(2026, 7, 1), "previous_value": 0.05}
    # calendar figure (W = 0) as of 31 Oct: October itself
    assert kpi.headline(ROWS, "rate", 0, D(2026, 10, 31))["month"] == D(2026, 10, 1)
    # as of 30 Oct October is not over: August (September has no value)
    assert kpi.headline(ROWS, "rate", 0, D(2026, 10, 30))["month"] == D(2026, 8, 1)
    # nothing mature yet
    assert kpi.headline(ROWS, "rate", 120, D(2026, 10, 31)) is None


def test_month_on_month_change_units():
    assert kpi.change(0.079, 0.044, "pct") == ("pp", pytest.approx(3.5))
    assert kpi.change(13.8, -3.6, "points") == ("pts", pytest.approx(17.4))
    assert kpi.change(110.0, 100.0, "money") == ("%", pytest.approx(10.0))
    assert kpi.change(5.0, 0.0, "money") == ("%", None)
    assert kpi.change(None, 1.0, "pct") == ("", None)


# ---------------------------------------------------------------- trailing-12-month NRR

FIRST_MONTH = D(2025, 10, 1)


def _months(n: int, first: dt.date = FIRST_MONTH) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    for _ in range(n):
        out.append(D(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_trailing_nrr_is_the_product_of_the_last_12_complete_months():
    ms = _months(14)  # Oct 2025 .. Nov 2026
    rows = [{"month_start": m, "net_revenue_retention_rate": 0.5} for m in ms[:2]]  # older months: outside the window
    rows += [{"month_start": m, "net_revenue_retention_rate": 1.0} for m in ms[2:13]]
    rows.append({"month_start": ms[13], "net_revenue_retention_rate": 0.9})
    # as of 30 Nov 2026: the window is Dec 2025 .. Nov 2026 = eleven 1.0 and one 0.9 -> 0.9
    got = kpi.trailing_nrr(rows, D(2026, 11, 30))
    assert got["value"] == pytest.approx(0.9)
    assert (got["first_month"], got["last_month"]) == (D(2025, 12, 1), D(2026, 11, 1))
    # as of 29 Nov November is not over: Nov 2025 .. Oct 2026 = 0.5 x 1.0^11 = 0.5
    assert kpi.trailing_nrr(rows, D(2026, 11, 29))["value"] == pytest.approx(0.5)


def test_trailing_nrr_of_a_steady_monthly_rate():
    rows = [{"month_start": m, "net_revenue_retention_rate": 0.99} for m in _months(12)]
    # 0.99^12 = 0.886384871...
    assert kpi.trailing_nrr(rows, D(2026, 9, 30))["value"] == pytest.approx(0.8863848717)


def test_trailing_nrr_needs_twelve_months_without_a_gap():
    rows = [{"month_start": m, "net_revenue_retention_rate": 1.01} for m in _months(12)]
    assert kpi.trailing_nrr(rows[:11], D(2026, 9, 30)) is None
    rows[5]["net_revenue_retention_rate"] = None
    assert kpi.trailing_nrr(rows, D(2026, 9, 30)) is None


# ---------------------------------------------------------------- cohort cells


def test_cohort_cells_derive_completeness_from_the_as_of_date_when_is_complete_is_absent():
    from plg.report import HEATMAP_OFFSETS, cohort_cells

    rows = [
        {"cohort_start": D(2026, 9, 1), "day_offset": d, "cumulative_conversion_rate": 0.01 * d, "accounts_at_risk": 10}
        for d in range(91)
    ]
    cohorts, vals, flags, col = cohort_cells(rows, D(2026, 10, 31))
    assert cohorts == [D(2026, 9, 1)] and col == "cumulative_conversion_rate"
    assert vals[0] == pytest.approx([0.01 * d for d in HEATMAP_OFFSETS])
    # complete when 30 Sep + (d + 1) days <= 31 Oct, i.e. d <= 30: offsets 0, 6, 13, 29 yes; 44, 59, 89 no
    assert flags[0] == [d > 30 for d in HEATMAP_OFFSETS] == [False, False, False, False, True, True, True]


def test_cohort_cells_prefer_km_and_is_complete():
    from plg.report import HEATMAP_OFFSETS, cohort_cells

    rows = [
        {
            "cohort_start": D(2026, 9, 1),
            "day_offset": d,
            "cumulative_conversion_rate": 0.5,
            "km_cumulative_conversion_rate": 0.25,
            "is_complete": d < 10,
            "accounts_at_risk": 0,
        }
        for d in range(91)
    ]
    _, vals, flags, col = cohort_cells(rows, D(2026, 10, 31))
    assert col == "km_cumulative_conversion_rate" and vals[0] == [0.25] * len(HEATMAP_OFFSETS)
    assert flags[0] == [d >= 10 for d in HEATMAP_OFFSETS]
