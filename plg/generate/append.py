"""--append-day: land one more day of events after the latest received day of an existing landing.

New events of existing accounts on the next day, a share of late arrivals (occurred 1-3 days before
their received_at) and a few re-deliveries of events landed days earlier (same event_id, later
received_at). Deterministic for a given seed and landing.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import duckdb
import numpy as np

from plg.generate.config import DAY, GenConfig
from plg.generate.events import PAGE, SESSION
from plg.generate.sink import Sink


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def _num(ids: list[str]) -> np.ndarray:
    return np.array([int(s[4:]) for s in ids], dtype=np.int64)


def append_day(cfg: GenConfig) -> dict[str, int]:
    t0 = time.time()
    if cfg.parquet:
        ev_path = os.path.join(cfg.parquet, "raw_product", "events.parquet")
        con = duckdb.connect()
        con.execute("create schema raw_product")
        con.execute(f"create table raw_product.events as select * from read_parquet('{ev_path}')")
        for t in ("accounts", "users"):
            con.execute(
                f"create view raw_product.{t} as select * from "
                f"read_parquet('{os.path.join(cfg.parquet, 'raw_product', t + '.parquet')}')"
            )
        sink = Sink.__new__(Sink)
        sink.con, sink.parquet, sink.tmpdir = con, None, None
    else:
        if not cfg.warehouse or not os.path.exists(cfg.warehouse):
            raise SystemExit(f"--append-day needs an existing landing: {cfg.warehouse} not found")
        sink = Sink(cfg.warehouse, None, cfg.duckdb_memory_limit, create=False)
        con = sink.con
    last_day = con.execute("select cast(max(received_at) as date) from raw_product.events").fetchall()[0][0]
    new_day = last_day + dt.timedelta(days=1)
    day0 = int(dt.datetime(new_day.year, new_day.month, new_day.day, tzinfo=dt.UTC).timestamp())
    rng = _rng(cfg.seed, 777, new_day.toordinal())

    acc = con.execute(
        """
        select a.account_id, epoch(a.created_at)::bigint, coalesce(r.days, 0)
        from raw_product.accounts as a
        left join (
            select account_id, count(distinct cast(occurred_at as date)) as days
            from raw_product.events
            where received_at >= cast(? as timestamp) - interval 30 day and account_id like 'acc_%'
            group by account_id
        ) as r on r.account_id = a.account_id
        where a.account_id like 'acc_%' and a.created_at < cast(? as timestamp)
        order by a.account_id
    """,
        [new_day, new_day],
    ).fetchall()
    users = con.execute(
        """
        select user_id, account_id from raw_product.users
        where user_id like 'usr_%' and account_id like 'acc_%' and created_at < cast(? as timestamp)
        order by account_id, created_at, user_id
    """,
        [new_day],
    ).fetchall()
    a_num = _num([r[0] for r in acc])
    a_days = np.array([r[2] for r in acc], dtype=np.float64)
    u_num = _num([r[0] for r in users])
    u_acc = _num([r[1] for r in users])
    # users per account (positions in the sorted user list)
    order = np.argsort(u_acc, kind="stable")
    u_num, u_acc = u_num[order], u_acc[order]
    start = np.searchsorted(u_acc, a_num, side="left")
    cnt = np.searchsorted(u_acc, a_num, side="right") - start

    active = rng.random(len(a_num)) < np.minimum(0.9, a_days / 30 + 0.01)
    act = np.nonzero(active & (cnt > 0))[0]
    n_ev = 2 + rng.poisson(8, len(act))
    e_acc = np.repeat(act, n_ev)
    pos = np.arange(len(e_acc)) - np.repeat(np.cumsum(n_ev) - n_ev, n_ev)
    first = rng.integers(0, 20 * 3600, len(act))
    gaps = rng.exponential(80, len(e_acc))
    gaps[pos == 0] = 0
    cs = np.cumsum(gaps)
    within = cs - cs[np.repeat(np.cumsum(n_ev) - n_ev, n_ev)]
    occ = day0 + np.minimum(np.repeat(first, n_ev) + within, DAY - 120).astype(np.int64)
    rec = np.minimum(occ + 1 + rng.exponential(15, len(occ)).astype(np.int64), day0 + DAY - 1)
    code = np.where(rng.random(len(e_acc)) < 0.5, rng.integers(1, 10, len(e_acc)), PAGE)
    code = np.where(pos == 0, SESSION, code).astype(np.int8)
    # late arrivals of the same accounts: occurred 1-3 days before their received_at (on the new day)
    n_late = int(round(len(e_acc) * cfg.append_late_share))
    l_acc = act[rng.integers(0, len(act), n_late)] if len(act) else np.zeros(0, dtype=np.int64)
    l_rec = day0 + rng.integers(0, DAY - 1, n_late)
    l_occ = l_rec - (DAY + rng.random(n_late) * 2 * DAY).astype(np.int64)
    l_code = rng.integers(1, 12, n_late).astype(np.int8)
    all_acc = np.concatenate([e_acc, l_acc])
    all_occ = np.concatenate([occ, l_occ])
    all_rec = np.concatenate([rec, l_rec])
    all_code = np.concatenate([code, l_code])
    upick = start[all_acc] + (rng.random(len(all_acc)) * cnt[all_acc]).astype(np.int64)
    user = u_num[upick] - 1
    n = len(all_acc)
    max_eid = (
        con.execute(
            "select max(cast(substr(event_id, 5) as bigint)) from raw_product.events where event_id like 'evt_%'"
        ).fetchall()[0][0]
        or 0
    )
    ev = {
        "eid": max_eid + 1 + np.arange(n, dtype=np.int64),
        "code": all_code,
        "variant": np.zeros(n, dtype=np.int8),
        "user": user,
        "acc": a_num[all_acc] - 1,
        "occ": all_occ,
        "rec": all_rec,
        "pvar": np.zeros(n, dtype=np.int8),
        "inv": rng.integers(1, 4, n).astype(np.int8),
        "path": rng.integers(0, 8, n).astype(np.int8),
        "null_id": np.zeros(n, dtype=bool),
        "null_name": np.zeros(n, dtype=bool),
        "null_occ": np.zeros(n, dtype=bool),
    }
    added = sink.insert_events(ev)
    # re-deliveries of events landed days earlier: same row, later received_at
    n_re = max(1, int(round(len(e_acc) * cfg.append_redelivery_share)))
    re_rec = day0 + 3600 + int(rng.integers(0, 20 * 3600))
    con.execute(
        f"""
        insert into raw_product.events
        select event_id, event_name, user_id, account_id, occurred_at,
            cast(? as timestamp) + to_seconds(row_number() over (order by pick, event_id)) as received_at,
            properties
        from (
            select *, hash(event_id || '{cfg.seed}') as pick from (
                select distinct on (event_id) * from raw_product.events
                where event_id like 'evt_%' and received_at < cast(? as timestamp) - interval 1 day
                  and received_at >= cast(? as timestamp) - interval 10 day
                order by event_id, received_at
            )
            order by pick, event_id
            limit {n_re}
        )
        order by pick, event_id
    """,
        [dt.datetime.fromtimestamp(re_rec, dt.UTC).replace(tzinfo=None), new_day, new_day],
    )
    n_re_done = con.execute(
        "select count(*) from raw_product.events where received_at >= cast(? as timestamp) and event_id <= ?",
        [new_day, f"evt_{max_eid:012d}"],
    ).fetchall()[0][0]
    if cfg.parquet:
        tmp = ev_path + ".tmp"
        con.execute(f"copy raw_product.events to '{tmp}' (format parquet, compression zstd)")
        os.replace(tmp, ev_path)
    con.close()
    rows = {
        "events": added + n_re_done,
        "new_events": added - n_late,
        "late_arrivals": n_late,
        "redeliveries": n_re_done,
    }
    print(f"[plg.generate] appended day {new_day}: {rows} in {time.time() - t0:.1f}s")
    return rows
