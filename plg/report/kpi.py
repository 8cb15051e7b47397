"""What the report may call a period's figure: maturity of signup cohorts, completeness of calendar
months, the headline choice and the trailing-12-month NRR. Pure functions (no database), unit-tested
in pytests/test_report_logic.py with hand-computed expectations.

Maturity (METRICS.md "mature for W"): an account is mature for a window of W days when signup_at + W
days ≤ the end of the as-of day (as_of + 1 day, midnight). A signup MONTH is mature for W when all its
accounts are, i.e. when the end of its last day + W days ≤ as_of + 1 day, i.e. last_day + W ≤ as_of.
A calendar month (MRR, churn, NPS) is complete when its last day ≤ as_of: the same rule with W = 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any


def month_last_day(month_start: dt.date) -> dt.date:
    nxt = dt.date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def is_mature(month_start: dt.date, window_days: int, as_of: dt.date | None) -> bool:
    """Every account that signed up in the month has had ``window_days`` full days by the end of the
    as-of day (window 0: the calendar month is over). Unknown as-of date: nothing is known mature."""
    if as_of is None:
        return False
    return month_last_day(month_start) + dt.timedelta(days=window_days) <= as_of


def maturity_flags(months: Sequence[dt.date], window_days: int, as_of: dt.date | None) -> list[bool]:
    """True = immature (to be marked), one per month."""
    return [not is_mature(m, window_days, as_of) for m in months]


def headline(
    rows: Sequence[dict[str, Any]], column: str, window_days: int, as_of: dt.date | None, month_key: str = "month_start"
) -> dict[str, Any] | None:
    """The headline figure of ``column``: the latest month mature for ``window_days`` with a value, and
    the previous mature month with a value (for the month-on-month change). None when no month is
    mature. Returns {month, value, previous_month, previous_value}."""
    mature = [
        r
        for r in sorted(rows, key=lambda r: r[month_key])
        if r.get(column) is not None and is_mature(r[month_key], window_days, as_of)
    ]
    if not mature:
        return None
    cur = mature[-1]
    prev = mature[-2] if len(mature) > 1 else None
    return {
        "month": cur[month_key],
        "value": float(cur[column]),
        "previous_month": prev[month_key] if prev else None,
        "previous_value": float(prev[column]) if prev else None,
    }


def trailing_nrr(
    rows: Sequence[dict[str, Any]], as_of: dt.date | None, months: int = 12, column: str = "net_revenue_retention_rate"
) -> dict[str, Any] | None:
    """Trailing-12-month NRR: the product of the monthly constant-currency retention factors
    (previous MRR + expansion − contraction − churn) / previous MRR of the last ``months`` complete
    months ending at the latest complete month. None unless all those months have a factor (a gap
    would silently shorten the window). Returns {value, first_month, last_month}."""
    complete = [r for r in sorted(rows, key=lambda r: r["month_start"]) if is_mature(r["month_start"], 0, as_of)]
    window = complete[-months:]
    if len(window) < months or any(r.get(column) is None for r in window):
        return None
    prod = 1.0
    for r in window:
        prod *= float(r[column])
    return {"value": prod, "first_month": window[0]["month_start"], "last_month": window[-1]["month_start"]}


def change(cur: float | None, prev: float | None, kind: str) -> tuple[str, float | None]:
    """Month-on-month change as shown on a tile: rates in percentage points, NPS in points, money and
    counts in per cent of the previous value. Returns (unit, amount)."""
    if cur is None or prev is None:
        return ("", None)
    if kind == "pct":
        return ("pp", 100 * (cur - prev))
    if kind == "points":
        return ("pts", cur - prev)
    if prev == 0:
        return ("%", None)
    return ("%", 100 * (cur - prev) / abs(prev))
