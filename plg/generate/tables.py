"""Accounts, users, CRM, finance and survey tables (vectorised)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plg.generate.config import DAY, GenConfig
from plg.generate.sink import ts
from plg.generate.world import ADJ, CHANNELS, COUNTRIES, FIRST, INDUSTRIES, LAST, NOUN, SUFFIX, World

ROLES = ["owner", "admin", "member"]


def ids(prefix: str, nums: np.ndarray, width: int, null: np.ndarray | None = None) -> pa.Array:
    s = pc.utf8_lpad(pc.cast(pa.array(np.asarray(nums, dtype=np.int64)), pa.string()), width, "0")
    s = pc.binary_join_element_wise(pa.scalar(prefix), s, "")
    if null is not None and null.any():
        s = pc.if_else(pa.array(null), pa.scalar(None, pa.string()), s)
    return s


def take(values: list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(values).take(pa.array(np.asarray(codes, dtype=np.int64)))


def accounts_table(w: World) -> pa.Table:
    owner = np.where(w.u_count > 0, w.u_start, -1)
    return pa.table(
        {
            "account_id": ids("acc_", np.arange(1, w.n + 1), 7),
            "created_at": ts(w.signup),
            "created_by_user_id": ids("usr_", owner + 1, 8, owner < 0),
            "signup_channel": take(CHANNELS, w.channel),
            "is_internal": pa.array(w.internal),
        }
    )


def users_table(w: World, cfg: GenConfig, rng: np.random.Generator) -> pa.Table:
    nu = len(w.u_acc)
    email = pc.binary_join_element_wise(
        take(FIRST, w.u_first),
        pa.scalar("."),
        take(LAST, w.u_last),
        pa.scalar("@"),
        w.domain.take(pa.array(w.u_acc)),
        "",
    )
    # a few rows whose key is null (a second identify call without a user id)
    n_null = max(1, int(round(nu * cfg.null_key_rate)))
    extra = rng.integers(0, nu, n_null)
    allidx = np.concatenate([np.arange(nu), extra])
    null = np.concatenate([np.zeros(nu, dtype=bool), np.ones(n_null, dtype=bool)])
    inviter = w.u_inviter[allidx]
    return pa.table(
        {
            "user_id": ids("usr_", allidx + 1, 8, null),
            "account_id": ids("acc_", w.u_acc[allidx] + 1, 7),
            "email": email.take(pa.array(allidx)),
            "role": take(ROLES, w.u_role[allidx]),
            "invited_by_user_id": ids("usr_", inviter + 1, 8, inviter < 0),
            "created_at": ts(w.u_created[allidx]),
        }
    )


def companies_table(w: World, cfg: GenConfig, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """Returns the table and, per account, its company number (-1 none)."""
    end = cfg.end_ts
    acc = np.nonzero(w.has_company)[0]
    n_orphan = int(round(len(acc) * cfg.orphan_company_rate))
    o_acc = rng.integers(0, max(w.n, 1), n_orphan)  # borrow attributes of a random account
    comp_acc = np.concatenate([acc, np.full(n_orphan, -1)])
    src = np.concatenate([acc, o_acc])
    nc = len(comp_acc)
    comp_of_acc = np.full(w.n, -1, dtype=np.int64)
    comp_of_acc[acc] = np.arange(len(acc))
    emp = w.emp[src].copy()
    o_emp = np.floor(np.exp(rng.random(n_orphan) * np.log(5000))).astype(np.int64) + 1
    emp[len(acc) :] = o_emp
    upd = w.signup[src] + (rng.random(nc) * 5 * DAY).astype(np.int64) - 2 * DAY
    # versions: the latest carries the truth; older ones differ
    nver = np.where(rng.random(nc) < cfg.company_version_rate, 2 + (rng.random(nc) < 0.3), 1)
    cidx = np.repeat(np.arange(nc), nver)
    vpos = np.arange(len(cidx)) - np.repeat(np.cumsum(nver) - nver, nver)
    last = vpos == np.repeat(nver - 1, nver)
    v_upd = upd[cidx] - ((nver[cidx] - 1 - vpos) * (10 + rng.random(len(cidx)) * 120) * DAY).astype(np.int64)
    v_emp = emp[cidx].copy()
    old = ~last
    v_emp[old] = np.where(
        v_emp[old] > 0,
        np.maximum(1, (v_emp[old] * rng.uniform(0.6, 1.2, old.sum())).astype(np.int64)),
        rng.integers(5, 300, old.sum()),
    )
    v_emp[old & (rng.random(len(cidx)) < 0.1)] = -1
    v_ind = w.industry[src][cidx].copy()
    chg = old & (rng.random(len(cidx)) < 0.3)
    v_ind[chg] = rng.integers(0, len(INDUSTRIES), chg.sum())
    v_acc = comp_acc[cidx].copy()
    v_acc[old & (rng.random(len(cidx)) < 0.3)] = -1  # matched to the workspace later
    v_upd = np.minimum(v_upd, end - 1)
    ai, ni, sx = w.extra["ai"][src][cidx], w.extra["ni"][src][cidx], w.extra["suffix"][src][cidx]
    name = pc.binary_join_element_wise(
        pc.utf8_capitalize(take(ADJ, ai)),
        pa.scalar(" "),
        pc.utf8_capitalize(take(NOUN, ni)),
        pa.scalar(" "),
        take(SUFFIX, sx),
        "",
    )
    dom_acc = w.domain.take(pa.array(src[cidx]))
    dom_orphan = pc.binary_join_element_wise(pa.scalar("x"), dom_acc, "")
    is_orph = pa.array(comp_acc[cidx] < 0)
    domain = pc.if_else(is_orph, dom_orphan, dom_acc)
    # null keys: a few extra rows without company_id
    n_null = max(1, int(round(len(cidx) * cfg.null_key_rate)))
    extra = rng.integers(0, len(cidx), n_null)
    allv = np.concatenate([np.arange(len(cidx)), extra])
    null = np.concatenate([np.zeros(len(cidx), dtype=bool), np.ones(n_null, dtype=bool)])
    tbl = pa.table(
        {
            "company_id": ids("cmp_", cidx[allv] + 1, 7, null),
            "account_id": ids("acc_", v_acc[allv] + 1, 7, v_acc[allv] < 0),
            "name": name.take(pa.array(allv)),
            "domain": domain.take(pa.array(allv)),
            "employee_count": pa.array(v_emp[allv].astype(np.int32), mask=v_emp[allv] < 0),
            "industry": take(INDUSTRIES, v_ind[allv]),
            "country": take(COUNTRIES, w.country[src][cidx][allv]),
            "updated_at": ts(v_upd[allv]),
        }
    )
    return tbl, comp_of_acc, comp_acc, emp


def activities_table(
    w: World, cfg: GenConfig, rng: np.random.Generator, comp_acc: np.ndarray, comp_emp: np.ndarray
) -> pa.Table:
    end = cfg.end_ts
    nc = len(comp_acc)
    has_acc = comp_acc >= 0
    a = np.maximum(comp_acc, 0)
    base_t = np.where(has_acc, w.signup[a], cfg.start_ts + (rng.random(nc) * (end - cfg.start_ts)).astype(np.int64))
    # automation touches many companies
    n_auto = np.where(rng.random(nc) < 0.7, 1 + rng.poisson(2.5, nc), 0)
    ac = np.repeat(np.arange(nc), n_auto)
    at = base_t[ac] + (rng.exponential(40, len(ac)) * DAY).astype(np.int64) + 600
    atype = np.where(rng.random(len(ac)) < 0.6, 4, 5)
    # sales reps touch some companies, larger ones more often
    big = comp_emp >= 100
    n_sales = np.where(rng.random(nc) < np.where(big, 0.30, 0.04), 1 + rng.poisson(1.2, nc), 0)
    sc = np.repeat(np.arange(nc), n_sales)
    st = base_t[sc] + (rng.random(len(sc)) * 120 * DAY).astype(np.int64) + 3600
    # sales-assisted conversions: a rep touch between signup and conversion
    conv = np.where(has_acc, w.conv_ts[a], -1)
    assist = (conv > 0) & big & (rng.random(nc) < cfg.sales_assist_rate)
    xc = np.nonzero(assist)[0]
    xt = base_t[xc] + ((conv[xc] - base_t[xc]) * rng.uniform(0.2, 0.9, len(xc))).astype(np.int64)
    s_all_c = np.concatenate([sc, xc])
    s_all_t = np.concatenate([st, xt])
    stype = rng.choice(4, size=len(s_all_c), p=[0.35, 0.25, 0.15, 0.25])
    c = np.concatenate([ac, s_all_c])
    t = np.concatenate([at, s_all_t])
    ty = np.concatenate([atype, stype])
    keep = t < end
    c, t, ty = c[keep], t[keep], ty[keep]
    order = np.lexsort((t, c))
    c, t, ty = c[order], t[order], ty[order]
    n = len(c)
    null = np.zeros(n, dtype=bool)
    null[rng.random(n) < cfg.null_key_rate] = True
    types = ["demo", "call", "meeting", "email", "nurture_email", "in_app_message"]
    return pa.table(
        {
            "activity_id": ids("act_", np.arange(1, n + 1), 8, null),
            "company_id": ids("cmp_", c + 1, 7),
            "activity_type": take(types, ty),
            "owner_type": take(["sales_rep", "automation"], (ty >= 4).astype(np.int64)),
            "occurred_at": ts(t),
        }
    )


def _dates(cfg: GenConfig, pad_days: int) -> np.ndarray:
    first = (cfg.start_ts // DAY) - pad_days
    last = cfg.end_ts // DAY - 1
    return np.arange(first, last + 1, dtype=np.int64)  # days since epoch


def gtm_spend_table(w: World, cfg: GenConfig, rng: np.random.Generator) -> pa.Table:
    days = _dates(cfg, 30)
    nd = len(days)
    sign_day = w.signup // DAY
    rows_d, rows_cat, rows_ch, rows_amt, rows_cur = [], [], [], [], []
    base = {"organic": 60, "paid_search": 900, "paid_social": 600, "referral": 150, "partner": 250, "content": 300}
    for ci, ch in enumerate(CHANNELS):
        cnt = np.bincount(np.clip(sign_day[w.channel == ci] - days[0], 0, nd - 1), minlength=nd)
        smooth = np.convolve(cnt, np.ones(7) / 7, mode="same")
        amt = base[ch] * (0.4 + smooth / max(smooth.mean(), 1e-9) * 0.6) * rng.lognormal(0, 0.25, nd)
        amt *= max(w.n, 1) / 20000
        for cur, share, fx in (("USD", 1.0, 1.0), ("EUR", 0.18, 0.92), ("GBP", 0.10, 0.79)):
            if cur != "USD" and ch not in ("paid_search", "paid_social", "partner"):
                continue
            rows_d.append(days)
            rows_cat.append(np.full(nd, "marketing"))
            rows_ch.append(np.full(nd, ch))
            rows_amt.append(np.round(amt * share * fx * (1 if cur == "USD" else rng.lognormal(0, 0.2, nd)), 2))
            rows_cur.append(np.full(nd, cur))
    sales = 2500 * max(w.n, 1) / 20000 * np.linspace(0.6, 1.4, nd) * rng.lognormal(0, 0.15, nd)
    sales = np.where((days + 4) % 7 >= 5, sales * 0.1, sales)  # weekends
    rows_d.append(days)
    rows_cat.append(np.full(nd, "sales"))
    rows_ch.append(np.full(nd, "outbound"))
    rows_amt.append(np.round(sales, 2))
    rows_cur.append(np.full(nd, "USD"))
    # unknown currency rows (cannot be converted)
    k = max(1, int(round(nd * cfg.unknown_currency_rate)))
    xd = rng.choice(days, size=k, replace=False)
    rows_d.append(xd)
    rows_cat.append(np.full(k, "marketing"))
    rows_ch.append(np.full(k, "partner"))
    rows_amt.append(np.round(rng.uniform(50, 500, k), 2))
    rows_cur.append(np.full(k, "XXX"))
    d = np.concatenate(rows_d)
    return pa.table(
        {
            "spend_date": pa.array(d.astype("datetime64[D]")),
            "category": pa.array(np.concatenate(rows_cat).tolist()),
            "channel": pa.array(np.concatenate(rows_ch).tolist()),
            "amount": pa.array([str(x) for x in np.concatenate(rows_amt)]).cast(pa.decimal128(18, 6)),
            "currency": pa.array(np.concatenate(rows_cur).tolist()),
        }
    )


def headcount_table(w: World, cfg: GenConfig, rng: np.random.Generator) -> pa.Table:
    first = np.datetime64(dt.datetime.utcfromtimestamp(cfg.start_ts).date(), "M")
    last = np.datetime64(cfg.end, "M")
    months = np.arange(first, last + 1)
    depts = {"engineering": 18, "product": 5, "sales": 8, "marketing": 6, "customer_success": 5, "g_and_a": 4}
    rows_m, rows_d, rows_f = [], [], []
    nm = len(months)
    for dname, b in depts.items():
        growth = b * np.exp(np.linspace(0, 0.7, nm)) + np.cumsum(rng.normal(0, 0.2, nm))
        fte = np.round(np.maximum(growth, 1) * 2) / 2  # half FTEs (part-timers)
        rows_m.append(months.astype("datetime64[D]"))
        rows_d += [dname] * nm
        rows_f.append(fte)
    return pa.table(
        {
            "month": pa.array(np.concatenate(rows_m)),
            "department": pa.array(rows_d),
            "fte": pa.array([f"{x:.2f}" for x in np.concatenate(rows_f)]).cast(pa.decimal128(18, 6)),
        }
    )


def fx_rates_table(w: World, cfg: GenConfig, rng: np.random.Generator) -> pa.Table:
    days = _dates(cfg, 60)
    nd = len(days)
    rows_d, rows_c, rows_r = [], [], []
    for cur, start in (("EUR", 1.08), ("GBP", 1.27)):
        walk = start * np.exp(np.cumsum(rng.normal(0, 0.004, nd)))
        keep = rng.random(nd) >= cfg.fx_missing_day_rate
        keep[0] = True
        rows_d.append(days[keep])
        rows_c += [cur] * int(keep.sum())
        rows_r.append(walk[keep])
    return pa.table(
        {
            "rate_date": pa.array(np.concatenate(rows_d).astype("datetime64[D]")),
            "currency": pa.array(rows_c),
            "usd_per_unit": pa.array([f"{x:.6f}" for x in np.concatenate(rows_r)]).cast(pa.decimal128(18, 6)),
        }
    )


COMMENTS = [
    "Love the dashboards",
    "Setup was confusing",
    "Too expensive for us",
    "Great support team",
    "Needs more integrations",
    "Alerts are super useful",
    "Slow on large reports",
    "Works well",
    "Export could be better",
    "Would recommend to colleagues",
]


def nps_table(w: World, cfg: GenConfig, rng: np.random.Generator) -> pa.Table:
    end = cfg.end_ts
    nu = len(w.u_acc)
    resp = np.nonzero(rng.random(nu) < 0.15)[0]
    k = 1 + rng.poisson(0.8, len(resp))
    u = np.repeat(resp, k)
    pos = np.arange(len(u)) - np.repeat(np.cumsum(k) - k, k)
    t = w.u_created[u] + ((7 + rng.exponential(60, len(u)) + pos * rng.exponential(45, len(u))) * DAY).astype(np.int64)
    # some repeated within the same month
    same = (pos > 0) & (rng.random(len(u)) < 0.25)
    t[same] = w.u_created[u[same]] + ((8 + rng.random(same.sum()) * 3) * DAY).astype(np.int64)
    keep = t < end
    u, t = u[keep], t[keep]
    order = np.lexsort((t, u))
    u, t = u[order], t[order]
    n = len(u)
    conv = w.conv_ts[w.u_acc[u]] > 0
    r = rng.random(n)
    p_prom = np.where(conv, 0.5, 0.35)
    score = np.where(
        r < p_prom, rng.integers(9, 11, n), np.where(r < p_prom + 0.3, rng.integers(7, 9, n), rng.integers(0, 7, n))
    )
    bad = rng.random(n) < cfg.nps_out_of_range_rate
    score[bad] = rng.choice(np.array([-1, 11, 42, 100]), bad.sum())
    null_score = rng.random(n) < cfg.nps_null_rate
    null_id = rng.random(n) < cfg.null_key_rate
    null_id[:1] = True if n else null_id[:1]
    comment_i = rng.integers(0, len(COMMENTS), n)
    no_comment = rng.random(n) < 0.6
    return pa.table(
        {
            "response_id": ids("nps_", np.arange(1, n + 1), 8, null_id),
            "user_id": ids("usr_", u + 1, 8),
            "score": pa.array(score.astype(np.int32), mask=null_score),
            "responded_at": ts(t),
            "comment": pc.if_else(pa.array(no_comment), pa.scalar(None, pa.string()), take(COMMENTS, comment_i)),
        }
    )
