"""Compare a mart with a recomputation, key by key, and describe every difference."""

from __future__ import annotations

import math

import pandas as pd

RATE_RTOL = 1e-6
MONEY_ATOL = 0.01


def _norm_key(v):
    if isinstance(v, pd.Timestamp):
        return v.normalize().date().isoformat() if v == v.normalize() else v.isoformat()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _is_null(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _same(kind: str, expected, actual) -> bool:
    if _is_null(expected) or _is_null(actual):
        return _is_null(expected) and _is_null(actual)
    if kind == "count":
        return int(expected) == int(actual)
    if kind == "text":
        return str(expected) == str(actual)
    if kind == "time":
        return pd.Timestamp(expected) == pd.Timestamp(actual)
    if kind == "bool":
        return bool(expected) == bool(actual)
    e, a = float(expected), float(actual)
    if kind == "money":
        return abs(e - a) <= MONEY_ATOL
    if kind == "rate":
        return math.isclose(e, a, rel_tol=RATE_RTOL, abs_tol=1e-12)
    raise ValueError(kind)


def diff_frames(
    expected: pd.DataFrame,
    actual: pd.DataFrame,
    keys: list[str],
    columns: dict[str, str],
    *,
    missing_ok: bool = False,
    limit: int = 25,
) -> list[str]:
    """Differences between the recomputation (expected) and the mart (actual), joined on keys.
    columns: column -> kind (count, rate, money, text, time, bool). Rows on one side only are differences, except
    rows missing from `expected` when missing_ok."""

    def index(df):
        return {
            tuple(_norm_key(v) for v in row): row_dict
            for row, row_dict in zip(df[keys].itertuples(index=False, name=None), df.to_dict("records"), strict=False)
        }

    exp, act = index(expected), index(actual)
    problems = []
    for k in sorted(set(exp) - set(act), key=str):
        problems.append(f"{dict(zip(keys, k, strict=False))}: in the recomputation, missing from the mart")
    if not missing_ok:
        for k in sorted(set(act) - set(exp), key=str):
            problems.append(f"{dict(zip(keys, k, strict=False))}: in the mart, missing from the recomputation")
    for k in sorted(set(exp) & set(act), key=str):
        for col, kind in columns.items():
            e, a = exp[k].get(col), act[k].get(col)
            if not _same(kind, e, a):
                problems.append(f"{dict(zip(keys, k, strict=False))} {col}: expected {e!r}, mart has {a!r}")
    if len(problems) > limit:
        problems = problems[:limit] + [f"... and {len(problems) - limit} more"]
    return problems
