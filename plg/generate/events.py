"""Product events, generated per chunk of accounts (vectorised; no loop per event or account)."""

from __future__ import annotations

import numpy as np

from plg.generate.config import DAY, GenConfig
from plg.generate.world import World

EVENT_NAMES = [
    "signed_up",
    "workspace_setup_completed",
    "data_source_connected",
    "teammate_invited",
    "report_created",
    "dashboard_shared",
    "alert_configured",
    "api_key_created",
    "integration_enabled",
    "export_downloaded",
    "session_started",
    "page_viewed",
    "upgrade_prompt_viewed",
    "checkout_started",
    "plan_limit_reached",
]
FEATURES = [
    "",
    "setup",
    "data_sources",
    "teammates",
    "reports",
    "dashboards",
    "alerts",
    "api",
    "integrations",
    "exports",
    "",
    "",
    "",
    "",
    "",
]
PATHS = ["home", "reports", "dashboards", "settings", "billing", "integrations", "alerts", "pricing"]
SIGNED_UP, SESSION, PAGE, PROMPT, CHECKOUT, LIMIT = 0, 10, 11, 12, 13, 14
MILESTONES = (1, 2, 4)


def group_pos(cnt: np.ndarray) -> np.ndarray:
    """Position of each expanded row within its group (np.repeat(x, cnt))."""
    total = int(cnt.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)


class UserPicker:
    """Picks, for (account, time), a user of the account that already existed at that time."""

    def __init__(self, w: World, base: int):
        self.base = base
        self.key = w.u_acc.astype(np.int64) * (1 << 32) + (w.u_created - base)
        self.w = w

    def pick(self, acc: np.ndarray, t: np.ndarray, rng: np.random.Generator, owner_p: float | np.ndarray = 0.45):
        w = self.w
        q = acc.astype(np.int64) * (1 << 32) + np.maximum(t - self.base, 0)
        n_exist = np.searchsorted(self.key, q, side="right") - w.u_start[acc]
        n_exist = np.clip(n_exist, 1, np.maximum(w.u_count[acc], 1))
        k = np.where(rng.random(len(acc)) < owner_p, 0, np.floor(rng.random(len(acc)) * n_exist).astype(np.int64))
        ok = w.u_count[acc] > 0
        return np.where(ok, w.u_start[acc] + k, -1)


def _day_events(rng, acc_l, day, start_off, n_ev, core_first: np.ndarray):
    """Expand active days into timed events; returns (acc_l, day, rel_seconds, pos)."""
    e_acc = np.repeat(acc_l, n_ev)
    e_day = np.repeat(day, n_ev)
    pos = group_pos(n_ev)
    gaps = np.where(rng.random(len(pos)) < 0.04, rng.exponential(5400, len(pos)), rng.exponential(70, len(pos)))
    gaps[pos == 0] = 0
    cs = np.cumsum(gaps)
    grp_start = np.repeat(np.cumsum(n_ev) - n_ev, n_ev)
    within = cs - cs[grp_start]
    rel = np.minimum(np.repeat(start_off, n_ev) + within, DAY - 1).astype(np.int64)
    new_session = gaps > 1800
    return e_acc, e_day, rel, pos, new_session, np.repeat(core_first, n_ev)


def gen_chunk(
    w: World, cfg: GenConfig, a0: int, a1: int, rng: np.random.Generator, picker: UserPicker
) -> dict[str, np.ndarray]:
    idx = np.arange(a0, a1)
    n = len(idx)
    end = cfg.end_ts
    signup = w.signup[idx]
    maxd = (end - 1 - signup) // DAY  # last day offset with time before the end
    eng = w.eng[idx]
    trial = w.trial[idx]

    # account's feature adoption order: milestones early (in varying order), the rest after
    keys = rng.random((n, 9))
    keys[:, [m - 1 for m in MILESTONES]] *= 0.55
    order = np.argsort(keys, axis=1) + 1  # core codes 1..9
    k_allowed = 1 + rng.binomial(8, np.clip(0.08 + 0.85 * eng, 0, 1))

    # ---------- phase A: first 14 days --------------------------------------------------
    inactive = rng.random(n) < np.where(trial, cfg.inactive_trial_rate, cfg.inactive_free_rate) * (1.4 - eng)
    d = np.where(inactive, 0, 1 + rng.binomial(13, np.clip(cfg.first14_day_rate * eng**1.2, 0, 1)))
    dkeys = rng.random((n, 14))
    dkeys[:, 0] = -1.0
    dkeys[np.arange(14)[None, :] > maxd[:, None]] = 2.0
    ranks = np.argsort(np.argsort(dkeys, axis=1), axis=1)
    chosen = (ranks < d[:, None]) & (dkeys < 1.5)
    a_acc, a_day = np.nonzero(chosen)
    ev_rate = cfg.events_per_day * (0.4 + 1.2 * eng)
    a_nev = 2 + rng.poisson(ev_rate[a_acc])
    a_start = np.where(a_day == 0, 60 + rng.integers(0, 540, len(a_day)), rng.integers(0, 14 * 3600, len(a_day)))
    A = _day_events(rng, a_acc, a_day, a_start, a_nev, np.ones(len(a_acc), dtype=bool))

    # ---------- phase B: later days ------------------------------------------------------
    late_active = inactive & (~trial) & (rng.random(n) < cfg.late_active_rate)
    life = 14 + rng.exponential(30 + 320 * eng)
    upper = np.minimum(maxd, life.astype(np.int64))
    span = np.maximum(upper - 14 + 1, 0)
    # conversion decided below needs the tier; later activity depends on conversion: draw after
    # (phase A events are fixed first, then the PES, then conversion, then phase B)

    def names_for(e_acc, pos, new_session, kk, core_first):
        r = rng.random(len(e_acc))
        is_core = (r < cfg.core_event_share) | ((pos == 1) & core_first)
        feat = order[e_acc, np.minimum((rng.random(len(e_acc)) * kk[e_acc]).astype(np.int64), 8)]
        r2 = rng.random(len(e_acc))
        noise = np.where(r2 < 0.90, PAGE, np.where(r2 < 0.95, PROMPT, np.where(trial[e_acc], PAGE, LIMIT)))
        code = np.where(is_core, feat, noise)
        code = np.where((pos == 0) | new_session, SESSION, code)
        return code.astype(np.int8)

    a_code = names_for(A[0], A[3], A[4], k_allowed, A[5])
    a_t = signup[A[0]] + A[1] * DAY + A[2]
    a_user = picker.pick(idx[A[0]], a_t, rng, owner_p=0.45 - 0.2 * eng[A[0]])

    # PES (first 14 days) from the generated core events
    core = (a_code >= 1) & (a_code <= 9) & (a_t < end)
    ca, cc, cd, cu = A[0][core], a_code[core], A[1][core], a_user[core]
    nf = np.bincount(np.unique(ca * 16 + cc) // 16, minlength=n)
    nd = np.bincount(np.unique(ca * 16 + cd) // 16, minlength=n)
    uu = np.unique(ca.astype(np.int64) * (1 << 40) + cu)
    nusers = np.bincount((uu >> 40).astype(np.int64), minlength=n)
    pes = 40 * nf / 9 + 40 * nd / 14 + 20 * np.minimum(nusers, 5) / 5
    tier = np.where(pes >= 50, 2, np.where(pes < 20, 0, 1)).astype(np.int8)
    w.pes[idx] = pes
    w.tier[idx] = tier

    # ---------- conversion --------------------------------------------------------------
    base_t = np.array([cfg.conv_trial_low, cfg.conv_trial_medium, cfg.conv_trial_high])
    base_f = np.array([cfg.conv_free_low, cfg.conv_free_medium, cfg.conv_free_high])
    p = np.where(trial, base_t[tier], base_f[tier])
    n7 = w.n7[idx]
    p = p * np.where(n7 == 0, cfg.mult_team_0, np.where(n7 < 3, cfg.mult_team_1_2, cfg.mult_team_3plus))
    seg = w.seg[idx]
    p = p * np.array([cfg.mult_smb, cfg.mult_mid_market, cfg.mult_enterprise, cfg.mult_unknown])[seg]
    p = np.where(~trial & inactive & ~late_active, 0.0, p)
    conv = rng.random(n) < np.clip(p, 0, 0.97)
    tl = w.trial_len[idx].astype(float)
    r = rng.random(n)
    grace = cfg.trial_grace_days
    t_off = np.where(
        r < cfg.trial_early_share,
        0.5 + rng.random(n) * (tl - 0.6),
        np.where(
            r < cfg.trial_early_share + cfg.trial_late_share,
            tl + grace + rng.exponential(70, n),
            tl + np.minimum(rng.exponential(1.8, n), grace - 0.05),
        ),
    )
    r = rng.random(n)
    f_off = np.where(
        r < cfg.free_conv_30_share,
        0.3 + 29.6 * rng.random(n) ** 1.3,
        np.where(
            r < cfg.free_conv_30_share + cfg.free_conv_90_share, 30 + 60 * rng.random(n), 90 + rng.exponential(120, n)
        ),
    )
    late_day = 14 + (rng.random(n) * 46).astype(np.int64)
    f_off = np.where(late_active, np.maximum(f_off, late_day + 1.2), f_off)
    off = np.where(trial, t_off, f_off)
    conv_ts = signup + (off * DAY).astype(np.int64)
    conv = conv & (conv_ts < end - 600)
    w.conv_ts[idx] = np.where(conv, conv_ts, -1)

    # ---------- phase B events ----------------------------------------------------------
    rate = np.clip(cfg.later_day_rate * (0.25 + 1.5 * eng) * np.where(conv, 2.0, 1.0), 0, 0.95)
    span = np.where(conv, np.maximum(maxd - 14 + 1, 0), span)
    m = rng.binomial(span, rate)
    b_acc = np.repeat(np.arange(n), m)
    b_day = 14 + (rng.random(len(b_acc)) * np.repeat(span, m)).astype(np.int64)
    # late activation: one forced core day
    la = np.nonzero(late_active & (late_day <= maxd))[0]
    b_acc = np.concatenate([b_acc, la])
    b_day = np.concatenate([b_day, late_day[la]])
    forced = np.concatenate([np.zeros(len(b_acc) - len(la), dtype=bool), np.ones(len(la), dtype=bool)])
    u_key = np.unique(b_acc.astype(np.int64) * 100_000 * 2 + b_day * 2 + (~forced))
    b_acc = (u_key // 200_000).astype(np.int64)
    b_day = (u_key % 200_000) // 2
    forced = (u_key % 2) == 0
    dup = np.zeros(len(b_acc), dtype=bool)
    dup[1:] = (b_acc[1:] == b_acc[:-1]) & (b_day[1:] == b_day[:-1])
    b_acc, b_day, forced = b_acc[~dup], b_day[~dup], forced[~dup]
    b_nev = 2 + rng.poisson(ev_rate[b_acc] * 0.8)
    b_start = rng.integers(0, 14 * 3600, len(b_acc))
    B = _day_events(rng, b_acc, b_day, b_start, b_nev, forced)
    k_b = np.minimum(9, k_allowed + rng.binomial(9 - k_allowed, 0.35))
    b_code = names_for(B[0], B[3], B[4], k_b, B[5])
    b_t = signup[B[0]] + B[1] * DAY + B[2]
    b_user = picker.pick(idx[B[0]], b_t, rng, owner_p=0.45 - 0.2 * eng[B[0]])

    # signed_up, conversion path events, anonymous pre-signup events
    s_acc = np.arange(n)
    s_t = signup.copy()
    s_code = np.full(n, SIGNED_UP, dtype=np.int8)
    s_user = np.where(w.u_count[idx] > 0, w.u_start[idx], -1)
    ci = np.nonzero(conv)[0]
    c_owner = s_user[ci]
    x_acc = np.concatenate([ci, ci, ci])
    x_t = np.concatenate(
        [
            conv_ts[ci] - rng.integers(120, 1800, len(ci)),
            np.maximum(conv_ts[ci] - (rng.random(len(ci)) * 5 * DAY).astype(np.int64) - 3600, signup[ci] + 60),
            np.maximum(conv_ts[ci] - (rng.random(len(ci)) * 12 * DAY).astype(np.int64) - 7200, signup[ci] + 120),
        ]
    )
    x_code = np.concatenate(
        [np.full(len(ci), CHECKOUT), np.full(len(ci), PROMPT), np.where(trial[ci], PROMPT, LIMIT)]
    ).astype(np.int8)
    x_user = np.concatenate([c_owner, c_owner, c_owner])

    acc_l = np.concatenate([s_acc, A[0], B[0], x_acc])
    occ = np.concatenate([s_t, a_t, b_t, x_t])
    code = np.concatenate([s_code, a_code, b_code, x_code])
    user = np.concatenate([s_user, a_user, b_user, x_user])
    keep = occ < end
    acc_l, occ, code, user = acc_l[keep], occ[keep], code[keep], user[keep]
    # first core event time (for CRM timing)
    return {"acc": idx[acc_l], "occ": occ, "code": code, "user": user}


def apply_faults(
    ev: dict[str, np.ndarray], w: World, cfg: GenConfig, rng: np.random.Generator, eid_base: int
) -> dict[str, np.ndarray]:
    """received_at, event ids and every event-level fault of SOURCES.md."""
    end = cfg.end_ts
    acc, occ, code, user = ev["acc"], ev["occ"], ev["code"], ev["user"]
    n = len(acc)
    # anonymous pre-signup page views (null user and null account)
    n_anon = rng.binomial(n, cfg.anonymous_rate)
    an_acc = rng.integers(0, w.n, n_anon) if w.n else np.zeros(0, dtype=np.int64)
    an_occ = w.signup[an_acc] - rng.integers(300, 3 * DAY, n_anon)
    acc = np.concatenate([acc, an_acc])
    occ = np.concatenate([occ, an_occ])
    code = np.concatenate([code, np.where(rng.random(n_anon) < 0.7, PAGE, SESSION).astype(np.int8)])
    user = np.concatenate([user, np.full(n_anon, -1)])
    acc_out = np.concatenate([acc[:n], np.full(n_anon, -1)])
    n = len(acc)
    eid = eid_base + np.arange(n, dtype=np.int64)
    delay = 1 + rng.exponential(15, n).astype(np.int64)
    late = rng.random(n) < cfg.late_rate
    delay[late] += (DAY + rng.random(late.sum()) * 2 * DAY).astype(np.int64)
    rec = occ + delay
    keep = rec < end
    eid, acc, acc_out, occ, code, user, rec = (x[keep] for x in (eid, acc, acc_out, occ, code, user, rec))
    n = len(eid)
    occ = occ.copy()
    # client clock in the future (beyond the 24 h tolerance)
    fut = rng.random(n) < cfg.future_rate
    occ[fut] = rec[fut] + (1.2 * DAY + rng.random(fut.sum()) * 300 * DAY).astype(np.int64)
    # client clock behind: before the workspace existed
    pre = (~fut) & (acc_out >= 0) & (rng.random(n) < cfg.pre_signup_rate)
    occ[pre] = w.signup[acc[pre]] - (3600 + rng.random(pre.sum()) * 30 * DAY).astype(np.int64)
    # account_id missing but user known (resolvable through users)
    acc_out = np.where((user >= 0) & (rng.random(n) < cfg.null_account_rate), -1, acc_out)
    variant = np.where(rng.random(n) < cfg.name_case_rate, rng.integers(1, 5, n), 0).astype(np.int8)
    pvar = (rng.random(n) < cfg.malformed_json_rate).astype(np.int8)
    inv = rng.integers(1, 4, n).astype(np.int8)
    path = rng.integers(0, len(PATHS), n).astype(np.int8)
    null_id = rng.random(n) < cfg.null_key_rate
    null_name = rng.random(n) < cfg.null_key_rate / 3
    null_occ = rng.random(n) < cfg.null_key_rate / 3
    # duplicate deliveries: same event, later received_at
    dup = np.nonzero(rng.random(n) < cfg.duplicate_rate)[0]
    times = 1 + (rng.random(len(dup)) < 0.2)
    didx = np.repeat(dup, times)
    d_rec = rec[didx] + (60 + rng.random(len(didx)) * 3 * DAY).astype(np.int64)
    ok = d_rec < end
    didx, d_rec = didx[ok], d_rec[ok]
    allidx = np.concatenate([np.arange(n), didx])
    out = {
        "eid": eid[allidx],
        "code": code[allidx],
        "variant": variant[allidx],
        "user": user[allidx],
        "acc": acc_out[allidx],
        "occ": occ[allidx],
        "rec": np.concatenate([rec, d_rec]),
        "pvar": pvar[allidx],
        "inv": inv[allidx],
        "path": path[allidx],
        "null_id": null_id[allidx],
        "null_name": null_name[allidx],
        "null_occ": null_occ[allidx],
    }
    out["next_eid"] = int(eid_base + len(keep))
    return out
