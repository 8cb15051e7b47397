"""Stripe objects: customers, products, prices, subscriptions, invoices, line items, charges, refunds.

Non-converting workspaces are generated vectorised; the paid lifecycle of converting workspaces
(a few % of accounts) walks their billing periods in a small loop per converter.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plg.generate.config import DAY, GenConfig
from plg.generate.sink import ts
from plg.generate.tables import ids
from plg.generate.world import CURRENCIES, World

PLANS = ["free", "starter", "pro", "business"]
PLAN_NAMES = ["Free", "Starter", "Pro", "Business"]
MONTHLY = {  # minor units per seat per month
    "usd": {"starter": 1500, "pro": 3900, "business": 7900},
    "eur": {"starter": 1400, "pro": 3600, "business": 7300},
    "gbp": {"starter": 1200, "pro": 3100, "business": 6300},
}
INTERVALS = {"month": ("month", 1), "quarter": ("month", 3), "year": ("year", 1)}


def price_id(plan: str, cur: str, interval: str) -> str:
    return f"price_{plan}_{cur}_{interval}"


def unit_amount(plan: str, cur: str, interval: str) -> int:
    if plan == "free":
        return 0
    m = MONTHLY[cur][plan]
    return {"month": m, "quarter": int(round(m * 3 * 0.95)), "year": m * 10}[interval]


def products_prices() -> tuple[pa.Table, pa.Table]:
    products = pa.table({"id": [f"prod_{p}" for p in PLANS], "name": PLAN_NAMES, "active": [True] * 4})
    rows = []
    for cur in CURRENCIES:
        rows.append((price_id("free", cur, "month"), "prod_free", 0, cur, "month", 1, True))
        for plan in PLANS[1:]:
            for iv in ("month", "year", "quarter"):
                ri, rc = INTERVALS[iv]
                rows.append(
                    (
                        price_id(plan, cur, iv),
                        f"prod_{plan}",
                        unit_amount(plan, cur, iv),
                        cur,
                        ri,
                        rc,
                        iv != "quarter" or cur != "gbp",
                    )
                )
    # a legacy price no longer sold
    rows.append(("price_pro_usd_month_2024", "prod_pro", 3500, "usd", "month", 1, False))
    cols = list(zip(*rows, strict=False))
    prices = pa.table(
        {
            "id": pa.array(cols[0]),
            "product_id": pa.array(cols[1]),
            "unit_amount": pa.array(cols[2], type=pa.int64()),
            "currency": pa.array(cols[3]),
            "recurring_interval": pa.array(cols[4]),
            "recurring_interval_count": pa.array(cols[5], type=pa.int32()),
            "active": pa.array(cols[6]),
        }
    )
    return products, prices


def add_months(t: int, k: int) -> int:
    d = dt.datetime.fromtimestamp(t, dt.UTC)
    m = d.month - 1 + k
    y = d.year + m // 12
    m = m % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return int(d.replace(year=y, month=m, day=day).timestamp())


def add_interval(t: int, iv: str) -> int:
    return add_months(t, {"month": 1, "quarter": 3, "year": 12}[iv])


class Pool:
    """Scalar random draws from pre-drawn blocks (numpy scalar calls are slow in per-converter loops)."""

    def __init__(self, rng: np.random.Generator, block: int = 1 << 18):
        self.rng, self.block = rng, block
        self.buf, self.i = rng.random(block).tolist(), 0

    def random(self) -> float:
        if self.i >= len(self.buf):
            self.buf, self.i = self.rng.random(self.block).tolist(), 0
        v = self.buf[self.i]
        self.i += 1
        return v

    def integers(self, lo: int, hi: int) -> int:
        return lo + int(self.random() * (hi - lo))

    def uniform(self, lo: float, hi: float) -> float:
        return lo + self.random() * (hi - lo)

    def geometric(self, p: float) -> int:
        return 1 + int(math.log(1.0 - self.random()) / math.log(1.0 - p))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class Book:
    """Row accumulators (ints for ids/timestamps, -1 = null)."""

    def __init__(self):
        self.cust = []  # (acc, created, currency, meta_variant, is_deleted)
        self.subs = []  # (cust, status, created, start, trial_start, trial_end, canceled, ended, cps, cpe)
        self.inv = []  # (cust, sub, status, reason, currency, due, paid, total, created, ps, pe, paid_at)
        self.lines = []  # (inv, sub, price, type, proration, qty, amount, currency, ps, pe)
        self.charges = []  # (inv, cust, amount, currency, status, created)
        self.refunds = []  # (charge, amount, currency, status, created)

    def customer(self, acc, created, cur) -> int:
        self.cust.append([acc, created, cur, 0, False])
        return len(self.cust) - 1

    def sub(self, row) -> int:
        self.subs.append(list(row))
        return len(self.subs) - 1

    def invoice(self, cust, sub, status, reason, cur, total, created, ps, pe, paid_at, lines) -> int:
        paid = total if status == "paid" else 0
        self.inv.append(
            [
                cust,
                sub,
                status,
                reason,
                cur,
                total if status != "void" else total,
                paid,
                total,
                created,
                ps,
                pe,
                paid_at,
            ]
        )
        i = len(self.inv) - 1
        for ln in lines:
            self.lines.append([i] + list(ln))
        return i

    def charge(self, inv, cust, amount, cur, status, created) -> int:
        self.charges.append([inv, cust, amount, cur, status, created])
        return len(self.charges) - 1


def build_billing(w: World, cfg: GenConfig, rng: np.random.Generator) -> dict[str, pa.Table]:
    end = cfg.end_ts
    bk = Book()
    grace = cfg.trial_grace_days * DAY
    cur_of = np.array(CURRENCIES)[w.currency]
    conv = w.conv_ts > 0
    # ---- non-converting trial workspaces (vectorised rows, appended as lists) ----
    n = w.n
    trial_start = w.signup + 60
    trial_end = trial_start + w.trial_len.astype(np.int64) * DAY
    plan_pick = np.where(w.emp >= 200, 3, np.where(rng.random(n) < 0.55, 2, 1))
    seats = 1 + w.n7 + (rng.random(n) < 0.3)
    free_sub = (~w.trial) & (rng.random(n) < cfg.free_subscription_rate)
    free_created = w.signup + (rng.random(n) * 2 * DAY).astype(np.int64)
    iv_pick = rng.choice(3, size=n, p=[0.80, 0.17, 0.03])
    iv_names = np.array(["month", "year", "quarter"])
    u_rand = rng.random((n, 8))

    _non_converters(bk, w, cfg, rng, cur_of, trial_start, trial_end, plan_pick, seats, free_sub, free_created, u_rand)
    pool = Pool(rng)
    for a in np.nonzero(conv)[0]:
        cur = cur_of[a]
        if w.trial[a]:
            if trial_start[a] >= end:
                continue
            c = bk.customer(a, trial_start[a], cur)
            plan = PLANS[plan_pick[a]]
            te = int(trial_end[a])
            s1 = bk.sub([c, "trialing", trial_start[a], trial_start[a], trial_start[a], te, -1, -1, trial_start[a], te])
            bk.invoice(
                c,
                s1,
                "paid",
                "subscription_create",
                cur,
                0,
                trial_start[a],
                trial_start[a],
                te,
                trial_start[a],
                [(s1, price_id(plan, cur, "month"), "subscription", False, seats[a], 0, cur, trial_start[a], te)],
            )
            C = int(w.conv_ts[a])
            if C <= te + grace:
                if C > te and u_rand[a, 1] < 0.5:
                    amt = unit_amount(plan, cur, "month") * int(seats[a])
                    bk.invoice(
                        c,
                        s1,
                        "void",
                        "subscription_cycle",
                        cur,
                        amt,
                        te,
                        te,
                        add_months(te, 1),
                        -1,
                        [
                            (
                                s1,
                                price_id(plan, cur, "month"),
                                "subscription",
                                False,
                                seats[a],
                                amt,
                                cur,
                                te,
                                add_months(te, 1),
                            )
                        ],
                    )
                _paid_life(
                    bk,
                    pool,
                    cfg,
                    c,
                    s1,
                    C,
                    "subscription_cycle",
                    plan,
                    cur,
                    iv_names[iv_pick[a]],
                    int(seats[a]),
                    end,
                    refund_first=False,
                )
            else:
                bk.subs[s1][1:] = [
                    "canceled",
                    trial_start[a],
                    trial_start[a],
                    trial_start[a],
                    te,
                    te,
                    te,
                    trial_start[a],
                    te,
                ]
                s2 = bk.sub([c, "active", C, C, -1, -1, -1, -1, C, C])
                _paid_life(
                    bk,
                    pool,
                    cfg,
                    c,
                    s2,
                    C,
                    "subscription_create",
                    plan,
                    cur,
                    iv_names[iv_pick[a]],
                    int(seats[a]),
                    end,
                    refund_first=False,
                )
            continue
        # freemium
        C = int(w.conv_ts[a])
        iv = iv_names[iv_pick[a]]
        P = C
        refund_first = False
        if iv == "month" and u_rand[a, 3] < cfg.refund_first_invoice_rate:
            p0 = add_months(C, -1)
            if p0 > w.signup[a] + DAY:
                P, refund_first = p0, True
        c = -1
        if free_sub[a] and free_created[a] < P:
            fc = int(free_created[a])
            c = bk.customer(a, fc, cur)
            s0 = bk.sub([c, "active", fc, fc, -1, -1, -1, -1, fc, add_months(fc, 1)])
            bk.invoice(
                c,
                s0,
                "paid",
                "subscription_create",
                cur,
                0,
                fc,
                fc,
                add_months(fc, 1),
                fc,
                [(s0, price_id("free", cur, "month"), "subscription", False, 1, 0, cur, fc, add_months(fc, 1))],
            )
            bk.subs[s0][1:] = ["canceled", fc, fc, -1, -1, P, P, fc, P]
        if c < 0:
            c = bk.customer(a, P - 300, cur)
        plan = PLANS[plan_pick[a]]
        s1 = bk.sub([c, "active", P, P, -1, -1, -1, -1, P, P])
        _paid_life(
            bk, pool, cfg, c, s1, P, "subscription_create", plan, cur, iv, int(seats[a]), end, refund_first=refund_first
        )

    _faults(bk, rng, cfg, end)
    return _tables(bk, w, cfg, rng)


def add_months_vec(t: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Vectorised add_months (day of month clipped to the target month's length)."""
    t = np.asarray(t, dtype=np.int64)
    d = (t // DAY).astype("datetime64[D]")
    mon = d.astype("datetime64[M]")
    dom = (d - mon.astype("datetime64[D]")).astype(np.int64)
    newm = mon + np.asarray(k, dtype=np.int64)
    dim = ((newm + 1).astype("datetime64[D]") - newm.astype("datetime64[D]")).astype(np.int64)
    newd = newm.astype("datetime64[D]") + np.minimum(dom, dim - 1)
    return newd.astype(np.int64) * DAY + t % DAY


def _non_converters(
    bk: Book,
    w: World,
    cfg: GenConfig,
    rng,
    cur_of,
    trial_start,
    trial_end,
    plan_pick,
    seats,
    free_sub,
    free_created,
    u_rand,
) -> None:
    """Customers, subscriptions and $0 invoices of workspaces that never convert (vectorised)."""
    end = cfg.end_ts
    conv = w.conv_ts > 0
    plan_names = np.array(PLANS)
    # --- trials that never convert
    a = np.nonzero(w.trial & ~conv & (trial_start < end))[0]
    ts0, te = trial_start[a], trial_end[a]
    cur = cur_of[a]
    ended = te < end
    c0 = len(bk.cust)
    deleted = ended & (u_rand[a, 2] < 0.1)
    bk.cust.extend(
        [list(r) for r in zip(a.tolist(), ts0.tolist(), cur.tolist(), [0] * len(a), deleted.tolist(), strict=False)]
    )
    cust = c0 + np.arange(len(a))
    status = np.where(ended, np.where(u_rand[a, 0] < 0.05, "incomplete_expired", "canceled"), "trialing")
    s0 = len(bk.subs)
    endcol = np.where(ended, te, -1)
    bk.subs.extend(
        [
            list(r)
            for r in zip(
                cust.tolist(),
                status.tolist(),
                ts0.tolist(),
                ts0.tolist(),
                ts0.tolist(),
                te.tolist(),
                endcol.tolist(),
                endcol.tolist(),
                ts0.tolist(),
                te.tolist(),
                strict=False,
            )
        ]
    )
    subs = s0 + np.arange(len(a))
    plan = plan_names[plan_pick[a]]
    pid = np.char.add(np.char.add(np.char.add("price_", plan), np.char.add("_", cur)), "_month")
    i0 = len(bk.inv)
    bk.inv.extend(
        [
            list(r)
            for r in zip(
                cust.tolist(),
                subs.tolist(),
                ["paid"] * len(a),
                ["subscription_create"] * len(a),
                cur.tolist(),
                [0] * len(a),
                [0] * len(a),
                [0] * len(a),
                ts0.tolist(),
                ts0.tolist(),
                te.tolist(),
                ts0.tolist(),
                strict=False,
            )
        ]
    )
    bk.lines.extend(
        [
            list(r)
            for r in zip(
                (i0 + np.arange(len(a))).tolist(),
                subs.tolist(),
                pid.tolist(),
                ["subscription"] * len(a),
                [False] * len(a),
                seats[a].tolist(),
                [0] * len(a),
                cur.tolist(),
                ts0.tolist(),
                te.tolist(),
                strict=False,
            )
        ]
    )
    # the charge attempt at trial end, voided
    v = np.nonzero(ended & (u_rand[a, 1] < 0.3))[0]
    unit = np.array(
        [unit_amount(p, c, "month") for p, c in zip(plan[v].tolist(), cur[v].tolist(), strict=False)], dtype=np.int64
    )
    amt = unit * seats[a[v]]
    pe = add_months_vec(te[v], 1)
    i0 = len(bk.inv)
    bk.inv.extend(
        [
            list(r)
            for r in zip(
                cust[v].tolist(),
                subs[v].tolist(),
                ["void"] * len(v),
                ["subscription_cycle"] * len(v),
                cur[v].tolist(),
                amt.tolist(),
                [0] * len(v),
                amt.tolist(),
                te[v].tolist(),
                te[v].tolist(),
                pe.tolist(),
                [-1] * len(v),
                strict=False,
            )
        ]
    )
    bk.lines.extend(
        [
            list(r)
            for r in zip(
                (i0 + np.arange(len(v))).tolist(),
                subs[v].tolist(),
                pid[v].tolist(),
                ["subscription"] * len(v),
                [False] * len(v),
                seats[a[v]].tolist(),
                amt.tolist(),
                cur[v].tolist(),
                te[v].tolist(),
                pe.tolist(),
                strict=False,
            )
        ]
    )
    # --- freemium workspaces on the Free plan that never convert
    a = np.nonzero(~w.trial & ~conv & free_sub & (free_created < end))[0]
    fc = free_created[a]
    cur = cur_of[a]
    c0 = len(bk.cust)
    bk.cust.extend(
        [list(r) for r in zip(a.tolist(), fc.tolist(), cur.tolist(), [0] * len(a), [False] * len(a), strict=False)]
    )
    cust = c0 + np.arange(len(a))
    fcm = (fc // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    endm = np.datetime64(cfg.end, "M").astype(np.int64)
    k = endm - fcm
    for _ in range(3):
        k = np.where(add_months_vec(fc, k) > end - DAY, k - 1, k)
    k = np.maximum(k, 0)
    cps, cpe = add_months_vec(fc, k), add_months_vec(fc, k + 1)
    first_end = add_months_vec(fc, 1)
    s0 = len(bk.subs)
    m1 = [-1] * len(a)
    bk.subs.extend(
        [
            list(r)
            for r in zip(
                cust.tolist(),
                ["active"] * len(a),
                fc.tolist(),
                fc.tolist(),
                m1,
                m1,
                m1,
                m1,
                cps.tolist(),
                cpe.tolist(),
                strict=False,
            )
        ]
    )
    subs = s0 + np.arange(len(a))
    i0 = len(bk.inv)
    z = [0] * len(a)
    bk.inv.extend(
        [
            list(r)
            for r in zip(
                cust.tolist(),
                subs.tolist(),
                ["paid"] * len(a),
                ["subscription_create"] * len(a),
                cur.tolist(),
                z,
                z,
                z,
                fc.tolist(),
                fc.tolist(),
                first_end.tolist(),
                fc.tolist(),
                strict=False,
            )
        ]
    )
    pid = np.char.add(np.char.add("price_free_", cur), "_month")
    bk.lines.extend(
        [
            list(r)
            for r in zip(
                (i0 + np.arange(len(a))).tolist(),
                subs.tolist(),
                pid.tolist(),
                ["subscription"] * len(a),
                [False] * len(a),
                [1] * len(a),
                z,
                cur.tolist(),
                fc.tolist(),
                first_end.tolist(),
                strict=False,
            )
        ]
    )


def _pay(
    bk: Book, rng, cfg, inv: int, cust: int, amount: int, cur: str, created: int, end: int, allow_fail: bool = True
) -> int:
    """Charges of a paid invoice: maybe a failed attempt then a succeeded retry. Returns paid_at."""
    if amount <= 0:
        return created, None
    paid_at = created + int(rng.integers(30, 600))
    if allow_fail and rng.random() < cfg.failed_charge_rate:
        bk.charge(inv, cust, amount, cur, "failed", created + 20)
        retry = created + int((1 + rng.random() * 2) * DAY)
        if retry < end:
            paid_at = retry
    ch = bk.charge(inv, cust, amount, cur, "succeeded", paid_at)
    return paid_at, ch


def _paid_life(
    bk: Book,
    rng,
    cfg: GenConfig,
    cust: int,
    sub: int,
    start: int,
    first_reason: str,
    plan: str,
    cur: str,
    iv: str,
    seats: int,
    end: int,
    refund_first: bool,
    reactivated: bool = False,
) -> None:
    t = start
    k = 0
    churn = cfg.monthly_churn_rate * {"month": 1, "quarter": 3, "year": 12}[iv] * 0.8
    cancel_after = int(rng.geometric(min(churn, 0.9)))
    change_at = int(rng.geometric(0.15)) if rng.random() < cfg.plan_change_rate else -1
    switch_at = int(1 + rng.geometric(0.2)) if (iv == "month" and rng.random() < cfg.annual_switch_rate) else -1
    last_inv = None
    status = "active"
    conv_invoice = True
    anchor, m = start, 0  # billing cycle anchor: periods are whole months from it (day clipped)
    while t < end:
        reason = first_reason if k == 0 else "subscription_cycle"
        prorations = []
        if k == change_at and k > 0:
            reason = "subscription_update"
            old_amt = unit_amount(plan, cur, iv) * seats
            r = rng.random()
            if r < 0.5 and plan != "business":
                plan = PLANS[PLANS.index(plan) + 1]
            elif r < 0.8:
                seats = max(1, seats + int(rng.choice([-1, 1, 2, 3])))
            elif plan != "starter":
                plan = PLANS[PLANS.index(plan) - 1]
            new_amt = unit_amount(plan, cur, iv) * seats
            pr_start = t - int(rng.integers(1, 10)) * DAY
            frac = (t - pr_start) / max(add_interval(pr_start, iv) - pr_start, 1)
            prorations = [
                (sub, price_id(plan, cur, iv), "subscription", True, seats, -int(old_amt * frac), cur, pr_start, t),
                (sub, price_id(plan, cur, iv), "subscription", True, seats, int(new_amt * frac), cur, pr_start, t),
            ]
        if k == switch_at and k > 0 and reason == "subscription_cycle":
            reason = "subscription_update"
            iv = "year"
            anchor, m = t, 0
        step = {"month": 1, "quarter": 3, "year": 12}[iv]
        pe = add_months(anchor, m + step)
        m += step
        amt = unit_amount(plan, cur, iv) * seats
        lines = prorations + [(sub, price_id(plan, cur, iv), "subscription", False, seats, amt, cur, t, pe)]
        total = sum(x[5] for x in lines)
        last_period = pe >= end
        st = "paid"
        if last_period and not conv_invoice:
            r = rng.random()
            if r < cfg.past_due_rate:
                st, status = "open", "past_due"
            elif r < cfg.past_due_rate + cfg.unpaid_rate and end - t > 14 * DAY:
                # dunning takes weeks: only an invoice open long enough becomes uncollectible
                st, status = "uncollectible", "unpaid"
            elif r < cfg.past_due_rate + cfg.unpaid_rate + 0.03 and end - t < DAY:
                # Stripe keeps a renewal invoice in draft for about an hour before finalising it
                st = "draft"
        inv = bk.invoice(cust, sub, st, reason, cur, total, t, t, pe, -1, lines)
        if st == "paid":
            paid_at, ch = (
                _pay(bk, rng, cfg, inv, cust, total, cur, t, end, allow_fail=not conv_invoice)
                if total > 0
                else (t, None)
            )
            bk.inv[inv][11] = paid_at
            if ch is not None:
                if conv_invoice and refund_first:
                    rt = paid_at + int((1 + rng.random() * 4) * DAY)
                    bk.refunds.append([ch, total, cur, "succeeded", min(rt, t + 20 * DAY)])
                    refund_first = False
                elif not conv_invoice:
                    r = rng.random()
                    rt = paid_at + int((1 + rng.random() * 10) * DAY)
                    if rt < end:
                        if r < cfg.partial_refund_rate:
                            bk.refunds.append([ch, max(1, int(total * rng.uniform(0.1, 0.5))), cur, "succeeded", rt])
                        elif r < cfg.partial_refund_rate + cfg.full_refund_rate:
                            bk.refunds.append([ch, total, cur, "succeeded", rt])
                        elif r < cfg.partial_refund_rate + cfg.full_refund_rate + cfg.failed_refund_rate:
                            bk.refunds.append([ch, total, cur, "failed", rt])
                elif rng.random() < cfg.partial_refund_rate:
                    rt = paid_at + int((1 + rng.random() * 10) * DAY)
                    if rt < end:
                        bk.refunds.append([ch, max(1, int(total * rng.uniform(0.1, 0.4))), cur, "succeeded", rt])
            if total > 0:
                conv_invoice = False
        elif st in ("open", "uncollectible"):
            bk.charge(inv, cust, total, cur, "failed", t + 60)
            if st == "uncollectible":
                bk.charge(inv, cust, total, cur, "failed", min(t + 3 * DAY, end - 1))
        last_inv = (t, pe)
        k += 1
        if k >= cancel_after and not last_period:
            canceled_at = t + int((pe - t) * rng.uniform(0.1, 0.9))
            s = bk.subs[sub]
            s[1:] = ["canceled", s[2], s[3], s[4], s[5], canceled_at, pe, t, pe]
            if pe < end and not reactivated and rng.random() < cfg.reactivation_rate:
                rs = pe + int(rng.uniform(30, 180) * DAY)
                if rs < end:
                    s2 = bk.sub([cust, "active", rs, rs, -1, -1, -1, -1, rs, rs])
                    _paid_life(
                        bk,
                        rng,
                        cfg,
                        cust,
                        s2,
                        rs,
                        "subscription_create",
                        plan,
                        cur,
                        "month" if iv == "quarter" else iv,
                        seats,
                        end,
                        False,
                        reactivated=True,
                    )
            return
        t = pe
    s = bk.subs[sub]
    s[1] = status
    if last_inv:
        s[8], s[9] = last_inv


def _faults(bk: Book, rng, cfg: GenConfig, end: int) -> None:
    nc = len(bk.cust)
    if nc == 0:
        return
    # metadata without the account key / malformed
    draws = rng.random(nc).tolist()
    for c in range(nc):
        r = draws[c]
        if r < cfg.missing_metadata_key_rate:
            bk.cust[c][3] = 1
        elif r < cfg.missing_metadata_key_rate + cfg.malformed_metadata_rate:
            bk.cust[c][3] = 2
    bk.cust[0][3] = bk.cust[0][3] or 2  # at least one of each on tiny runs
    if nc > 1:
        bk.cust[1][3] = bk.cust[1][3] or 1
    # manual invoices in an unknown currency (void), with a line item and a failed charge
    k = max(1, int(round(len(bk.inv) * cfg.unknown_currency_rate)))
    for c in rng.integers(0, nc, k):
        created = min(int(bk.cust[c][1]) + 7 * DAY, end - DAY)
        i = bk.invoice(
            int(c),
            -1,
            "void",
            "manual",
            "xxx",
            5000,
            created,
            created,
            created,
            -1,
            [(-1, "", "invoiceitem", False, 1, 5000, "xxx", created, created)],
        )
        bk.charge(i, int(c), 5000, "xxx", "failed", created + 60)
    # invoices whose key is null (draft manual invoices exported without id)
    for c in rng.integers(0, nc, max(1, int(round(len(bk.inv) * cfg.null_key_rate)))):
        created = min(int(bk.cust[c][1]) + 3 * DAY, end - DAY)
        bk.invoice(int(c), -1, "draft", "manual", bk.cust[c][2], 0, created, created, created, -1, [])
        bk.inv[-1].append("null_id")


def _col(rows, i):
    return [r[i] for r in rows]


def _cols(rows, k):
    """Columns of row lists (rows may carry extra trailing flags)."""
    if not rows:
        return [[] for _ in range(k)]
    return list(zip(*rows, strict=False))[:k]


def _colx(cols, i):
    return cols[i]


def _tables(bk: Book, w: World, cfg: GenConfig, rng) -> dict[str, pa.Table]:
    out: dict[str, pa.Table] = {}
    products, prices = products_prices()
    out["products"], out["prices"] = products, prices
    # customers
    KC = _cols(bk.cust, 5)
    acc = np.array(KC[0], dtype=np.int64)
    owner = w.u_start[acc] if len(acc) else np.zeros(0, dtype=np.int64)
    from plg.generate.tables import take
    from plg.generate.world import FIRST, LAST

    email = pc.binary_join_element_wise(
        take(FIRST, w.u_first[owner]),
        pa.scalar("."),
        take(LAST, w.u_last[owner]),
        pa.scalar("@"),
        w.domain.take(pa.array(acc)),
        "",
    )
    acc_ids = ids("acc_", acc + 1, 7)
    meta_ok = pc.binary_join_element_wise(pa.scalar('{"account_id":"'), acc_ids, pa.scalar('"}'), "")
    meta_missing = pa.array(['{"workspace_name":"unknown"}'] * len(acc))
    meta_bad = pc.binary_join_element_wise(pa.scalar('{"account_id":"'), acc_ids, "")
    mv = np.array(_colx(KC, 3), dtype=np.int64)
    metadata = pc.if_else(pa.array(mv == 1), meta_missing, pc.if_else(pa.array(mv == 2), meta_bad, meta_ok))
    out["customers"] = pa.table(
        {
            "id": ids("cus_", np.arange(1, len(acc) + 1), 8),
            "email": email,
            "created": ts(np.array(_colx(KC, 1), dtype=np.int64)),
            "metadata": metadata,
            "currency": pa.array(_colx(KC, 2), type=pa.string()),
            "is_deleted": pa.array(_colx(KC, 4), type=pa.bool_()),
        }
    )
    S = bk.subs
    SC = _cols(S, 10)

    def tcol(cols, i):
        return ts(np.array(cols[i], dtype=np.int64))

    out["subscriptions"] = pa.table(
        {
            "id": ids("sub_", np.arange(1, len(S) + 1), 8),
            "customer_id": ids("cus_", np.array(_colx(SC, 0), dtype=np.int64) + 1, 8),
            "status": pa.array(_colx(SC, 1), type=pa.string()),
            "created": tcol(SC, 2),
            "start_date": tcol(SC, 3),
            "trial_start": tcol(SC, 4),
            "trial_end": tcol(SC, 5),
            "canceled_at": tcol(SC, 6),
            "ended_at": tcol(SC, 7),
            "current_period_start": tcol(SC, 8),
            "current_period_end": tcol(SC, 9),
        }
    )
    invs = bk.inv
    IC = _cols(invs, 12)
    inv_null = np.array([len(r) > 12 for r in invs], dtype=bool)
    sub_of = np.array(_colx(IC, 1), dtype=np.int64)
    out["invoices"] = pa.table(
        {
            "id": ids("in_", np.arange(1, len(invs) + 1), 9, inv_null),
            "customer_id": ids("cus_", np.array(_colx(IC, 0), dtype=np.int64) + 1, 8),
            "subscription_id": ids("sub_", sub_of + 1, 8, sub_of < 0),
            "status": pa.array(_colx(IC, 2), type=pa.string()),
            "billing_reason": pa.array(_colx(IC, 3), type=pa.string()),
            "currency": pa.array(_colx(IC, 4), type=pa.string()),
            "amount_due": pa.array(_colx(IC, 5), type=pa.int64()),
            "amount_paid": pa.array(_colx(IC, 6), type=pa.int64()),
            "total": pa.array(_colx(IC, 7), type=pa.int64()),
            "created": tcol(IC, 8),
            "period_start": tcol(IC, 9),
            "period_end": tcol(IC, 10),
            "paid_at": tcol(IC, 11),
        }
    )
    L = bk.lines
    LC = _cols(L, 10)
    lsub = np.array(_colx(LC, 1), dtype=np.int64)
    pid = pa.array(_colx(LC, 2), type=pa.string())
    out["invoice_line_items"] = pa.table(
        {
            "id": ids("il_", np.arange(1, len(L) + 1), 9),
            "invoice_id": ids("in_", np.array(_colx(LC, 0), dtype=np.int64) + 1, 9),
            "subscription_id": ids("sub_", lsub + 1, 8, lsub < 0),
            "price_id": pc.if_else(pc.equal(pid, ""), pa.scalar(None, pa.string()), pid),
            "type": pa.array(_colx(LC, 3), type=pa.string()),
            "proration": pa.array(_colx(LC, 4), type=pa.bool_()),
            "quantity": pa.array(np.array(_colx(LC, 5), dtype=np.int32)),
            "amount": pa.array(_colx(LC, 6), type=pa.int64()),
            "currency": pa.array(_colx(LC, 7), type=pa.string()),
            "period_start": tcol(LC, 8),
            "period_end": tcol(LC, 9),
        }
    )
    C = bk.charges
    CC = _cols(C, 6)
    out["charges"] = pa.table(
        {
            "id": ids("ch_", np.arange(1, len(C) + 1), 9),
            "invoice_id": ids("in_", np.array(_colx(CC, 0), dtype=np.int64) + 1, 9),
            "customer_id": ids("cus_", np.array(_colx(CC, 1), dtype=np.int64) + 1, 8),
            "amount": pa.array(_colx(CC, 2), type=pa.int64()),
            "currency": pa.array(_colx(CC, 3), type=pa.string()),
            "status": pa.array(_colx(CC, 4), type=pa.string()),
            "created": tcol(CC, 5),
        }
    )
    R = bk.refunds
    RC = _cols(R, 5)
    out["refunds"] = pa.table(
        {
            "id": ids("re_", np.arange(1, len(R) + 1), 9),
            "charge_id": ids("ch_", np.array(_colx(RC, 0), dtype=np.int64) + 1, 9),
            "amount": pa.array(_colx(RC, 1), type=pa.int64()),
            "currency": pa.array(_colx(RC, 2), type=pa.string()),
            "status": pa.array(_colx(RC, 3), type=pa.string()),
            "created": tcol(RC, 4),
        }
    )
    return out
