"""generate(config) -> rows per table: the synthetic landing of SOURCES.md."""

from __future__ import annotations

import sys
import time

import numpy as np

from plg.generate.billing import build_billing
from plg.generate.calibration import compute_rates, format_report
from plg.generate.config import DAY, GenConfig
from plg.generate.events import UserPicker, apply_faults, gen_chunk
from plg.generate.sink import Sink
from plg.generate.tables import (
    accounts_table,
    activities_table,
    companies_table,
    fx_rates_table,
    gtm_spend_table,
    headcount_table,
    nps_table,
    users_table,
)
from plg.generate.world import build_world


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def _log(cfg: GenConfig, msg: str) -> None:
    if cfg.progress:
        print(msg, file=sys.stderr, flush=True)


def generate(cfg: GenConfig) -> dict[str, int]:
    """Write the landing (DuckDB or Parquet) and return rows per table."""
    if cfg.append_day:
        from plg.generate.append import append_day

        return append_day(cfg)
    t0 = time.time()
    w = build_world(cfg, _rng(cfg.seed, 1))
    sink = Sink(cfg.warehouse, cfg.parquet, cfg.duckdb_memory_limit)
    rows: dict[str, int] = {}
    rows["accounts"] = sink.insert("accounts", accounts_table(w))
    rows["users"] = sink.insert("users", users_table(w, cfg, _rng(cfg.seed, 2)))

    # events, in chunks of accounts
    picker = UserPicker(w, cfg.start_ts - 30 * DAY)
    per_acc = max(cfg.events_per_account_hint, 50)
    chunk_accounts = max(500, int(cfg.chunk_events / per_acc))
    n_events = 0
    eid = 1
    chunks = range(0, w.n, chunk_accounts)
    t_ev = time.time()
    for ci, a0 in enumerate(chunks):
        a1 = min(w.n, a0 + chunk_accounts)
        rng = _rng(cfg.seed, 100, ci)
        ev = gen_chunk(w, cfg, a0, a1, rng, picker)
        ev = apply_faults(ev, w, cfg, rng, eid)
        eid = ev.pop("next_eid")
        n_events += sink.insert_events(ev)
        el = time.time() - t_ev
        _log(
            cfg,
            f"[plg.generate] events chunk {ci + 1}/{len(chunks)}: accounts {a1}/{w.n}, "
            f"{n_events:,} events, {n_events / max(el, 1e-9):,.0f} events/s",
        )
    rows["events"] = n_events

    comp, comp_of_acc, comp_acc, comp_emp = companies_table(w, cfg, _rng(cfg.seed, 3))
    rows["companies"] = sink.insert("companies", comp)
    rows["activities"] = sink.insert("activities", activities_table(w, cfg, _rng(cfg.seed, 4), comp_acc, comp_emp))
    for name, tbl in build_billing(w, cfg, _rng(cfg.seed, 5)).items():
        rows[name] = sink.insert(name, tbl)
    rows["gtm_spend"] = sink.insert("gtm_spend", gtm_spend_table(w, cfg, _rng(cfg.seed, 6)))
    rows["headcount"] = sink.insert("headcount", headcount_table(w, cfg, _rng(cfg.seed, 7)))
    rows["fx_rates"] = sink.insert("fx_rates", fx_rates_table(w, cfg, _rng(cfg.seed, 8)))
    rows["nps_responses"] = sink.insert("nps_responses", nps_table(w, cfg, _rng(cfg.seed, 9)))
    sink.con.execute("checkpoint")
    elapsed = time.time() - t0
    report = cfg.report_calibration if cfg.report_calibration is not None else n_events < 5_000_000
    rates = None
    if report:
        rates = compute_rates(sink.con)
    if cfg.landing_format not in (None, "", "native") or cfg.connections > 1:
        from plg.generate.shapes import reshape

        if cfg.parquet:
            raise SystemExit("--landing-format / --connections write DuckDB only (use --warehouse)")
        shaped = reshape(sink.con, cfg.landing_format, cfg.connections)
        print(
            f"[plg.generate] landing shapes {shaped['shapes'] or 'native'}; "
            f"stripe schemas {shaped['stripe_schemas']}; crm schemas {shaped['crm_schemas']}"
        )
        sink.con.execute("checkpoint")
    sink.finish()
    total = time.time() - t0
    target = cfg.parquet or cfg.warehouse
    print(
        f"[plg.generate] {w.n:,} accounts, {n_events:,} events in {elapsed:.1f}s "
        f"({n_events / max(elapsed, 1e-9):,.0f} events/s) -> {target}"
    )
    for k, v in rows.items():
        print(f"  {k:<20} {v:>12,}")
    if rates is not None:
        print(format_report(rates))
    print(f"[plg.generate] done in {total:.1f}s")
    generate.last_rates = rates  # type: ignore[attr-defined]
    generate.last_seconds = elapsed  # type: ignore[attr-defined]
    return rows
