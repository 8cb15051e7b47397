"""Real dirt (SOURCES.md "Real dirt beyond the list above" and "Precisions"), staging half of issue 12.

ONE mutated copy of a small generated landing carries every fault kind at once (one dbt build), built
under another machine time zone (TZ=America/New_York, which DuckDB takes as its session TimeZone) with
some timestamp columns landed as timestamptz. The clean landing is built once as the reference. For each
kind the test asserts the quarantine rule with the count derived from the mutation made here, and that
every public mart equals the clean landing's (every mutated row is legitimately dropped, or, for the
conflicting duplicates and exact copies, one version kept that equals the clean row).

Clear-failure kinds run after that build on the dirty warehouse: a quarantine share above the limit and
a currency without an FX rate each fail with a message naming what to fix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plg.dbt_runner import run_dbt  # noqa: E402
from plg.publish import PUBLIC_MARTS  # noqa: E402
from pytests.helpers.build import build_env, build_project, read_relation  # noqa: E402

ACCOUNTS = int(os.environ.get("PLG_DIRT_TEST_ACCOUNTS", "600"))
SEED = 13
OTHER_TZ = "America/New_York"
COMPARED_MARTS = [m for m in PUBLIC_MARTS if m != "rpt_data_quality"]
BUILD_ARGS = ["--exclude-resource-type", "unit_test"]
FX_GAP_BEFORE = "2025-06-01"  # EUR rates before this day are removed for the FX-gap check

# (source_table, rule) -> rows the mutation below adds to the quarantine (every other pair: unchanged)
EXPECTED_QUARANTINE_DELTA = {
    ("events", "received_in_future"): 3,
    ("accounts", "implausible_signup_at"): 2,
    ("accounts", "conflicting_duplicate"): 5,
    ("invoice_line_items", "implausible_amount"): 1,
    ("invoice_line_items", "negative_subscription_line"): 1,
    ("invoice_line_items", "price_not_staged"): 1,
    ("invoice_line_items", "invoice_not_staged"): 1,
    ("prices", "null_recurring_interval"): 1,
    ("invoices", "paid_without_paid_at"): 1,
}


def _mutate(path: Path) -> None:
    """Every fault kind at once, each on rows chosen deterministically (ordered by id)."""
    con = duckdb.connect(str(path))
    try:
        x = con.execute
        # 1. the clock: three deliveries from a server clock in 2100 (clean events otherwise)
        x("""insert into raw_product.events by name
             select 'dirt_2100_' || row_number() over (order by event_id) as event_id, event_name, user_id,
                    account_id, occurred_at, timestamp '2100-01-01 00:00:00' as received_at, properties
             from (select * from raw_product.events
                   where event_id is not null and nullif(trim(event_name), '') is not null
                     and occurred_at is not null and account_id is not null
                   order by event_id limit 3)""")
        # 2. implausible signup dates: 1900 and 2100
        x("""insert into raw_product.accounts by name
             select 'dirt_acc_' || y as account_id, cast(y || '-01-01 00:00:00' as timestamp) as created_at,
                    'dirt_user' as created_by_user_id, 'organic' as signup_channel, false as is_internal
             from (values ('1900'), ('2100')) as t(y)""")
        # 6. conflicting duplicates: five workspaces landed again marked internal (the non-internal version
        #    is kept); three landed again as exact copies (removed as duplicates)
        x("""insert into raw_product.accounts by name
             select account_id, created_at, created_by_user_id, signup_channel, true as is_internal
             from (select * from raw_product.accounts
                   where account_id is not null and created_at is not null and not coalesce(is_internal, false)
                   order by account_id limit 5)""")
        x("""insert into raw_product.accounts
             select * from (select * from raw_product.accounts
                            where account_id is not null and created_at is not null
                              and account_id not like 'dirt%'
                            order by account_id desc limit 3)""")
        # 3. money absurd for its field, on a clean USD subscription line of a paid invoice
        base_line = """(select l.* from raw_stripe.invoice_line_items as l
                        inner join raw_stripe.invoices as i on l.invoice_id = i.id
                        where l.id is not null and l.id not like 'dirt%' and l.type = 'subscription'
                          and not l.proration
                          and l.currency = 'usd' and i.status = 'paid' and i.paid_at is not null
                          and i.currency = 'usd'
                        order by l.id limit 1)"""
        x(f"""insert into raw_stripe.invoice_line_items by name
              select 'dirt_il_billions' as id, invoice_id, subscription_id, price_id, type, proration, quantity,
                     999999999999 as amount, currency, period_start, period_end from {base_line}""")
        x(f"""insert into raw_stripe.invoice_line_items by name
              select 'dirt_il_negative' as id, invoice_id, subscription_id, price_id, type, proration, quantity,
                     -5000 as amount, currency, period_start, period_end from {base_line}""")
        # 4. a recurring price without interval, and a line of it
        x("""insert into raw_stripe.prices by name
             select 'dirt_price_no_interval' as id, product_id, unit_amount, currency,
                    null as recurring_interval, recurring_interval_count, active
             from (select * from raw_stripe.prices where id is not null and id not like 'dirt%'
                   order by id limit 1)""")
        x(f"""insert into raw_stripe.invoice_line_items by name
              select 'dirt_il_of_bad_price' as id, invoice_id, subscription_id, 'dirt_price_no_interval' as price_id,
                     type, proration, quantity, amount, currency, period_start, period_end from {base_line}""")
        # 5. a paid invoice without paid_at, and a line of it
        x("""insert into raw_stripe.invoices by name
             select 'dirt_in_no_paid_at' as id, customer_id, subscription_id, status, billing_reason, currency,
                    amount_due, amount_paid, total, created, period_start, period_end, null as paid_at
             from (select * from raw_stripe.invoices
                   where id is not null and id not like 'dirt%' and status = 'paid' and currency = 'usd'
                   order by id limit 1)""")
        x(f"""insert into raw_stripe.invoice_line_items by name
              select 'dirt_il_of_bad_invoice' as id, 'dirt_in_no_paid_at' as invoice_id, subscription_id, price_id,
                     type, proration, quantity, amount, currency, period_start, period_end from {base_line}""")
        # 4'. timestamps landed as timestamptz (the same instants)
        for table, column in [
            ("raw_product.accounts", "created_at"),
            ("raw_product.events", "occurred_at"),
            ("raw_product.events", "received_at"),
            ("raw_stripe.invoices", "paid_at"),
            ("raw_stripe.subscriptions", "created"),
            ("raw_stripe.subscriptions", "trial_end"),
        ]:
            x(f"alter table {table} alter {column} type timestamptz using timezone('UTC', {column})")
    finally:
        con.close()


def _quarantine_counts(warehouse: Path) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for source in ("product", "stripe", "crm", "surveys", "finance"):
        df = read_relation(warehouse, "staging", f"stg_{source}__quarantine")
        for (table, rule), n in df.groupby(["source_table", "quarantine_rule"]).size().items():
            counts[(table, rule)] = int(n)
    return counts


def _dbt(warehouse: Path, args: list[str]) -> subprocess.CompletedProcess:
    stem = warehouse.parent / warehouse.stem
    return run_dbt(args, env=build_env(warehouse), target_path=f"{stem}_target", log_path=f"{stem}_logs", timeout=1800)


@pytest.fixture(scope="module")
def landings(tmp_path_factory):
    work = tmp_path_factory.mktemp("real_dirt")
    clean, dirty = work / "clean.duckdb", work / "dirty.duckdb"
    gen = subprocess.run(
        [
            sys.executable,
            "-m",
            "plg.generate",
            "--accounts",
            str(ACCOUNTS),
            "--seed",
            str(SEED),
            "--warehouse",
            str(clean),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert gen.returncode == 0, gen.stdout[-2000:] + gen.stderr[-2000:]
    shutil.copy(clean, dirty)
    _mutate(dirty)
    build_project(clean, extra_args=BUILD_ARGS)
    previous = os.environ.get("TZ")
    os.environ["TZ"] = OTHER_TZ  # the build's environment: DuckDB's session TimeZone follows it
    try:
        build_project(dirty, extra_args=BUILD_ARGS)  # raises when any data test fails (reconciliation included)
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
    return clean, dirty


def test_the_other_time_zone_reaches_duckdb():
    """Guards the premise of the time-zone check: under TZ, a DuckDB session's TimeZone is that zone."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb; print(duckdb.sql(\"select current_setting('TimeZone')\").fetchall()[0][0])",
        ],
        env={**os.environ, "TZ": OTHER_TZ},
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == OTHER_TZ


def test_mutation_landed_timestamptz(landings):
    _, dirty = landings
    con = duckdb.connect(str(dirty), read_only=True)
    try:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw_product' and table_name = 'events'"
            ).fetchall()
        )
    finally:
        con.close()
    assert types["received_at"] == "TIMESTAMP WITH TIME ZONE"


def test_each_fault_kind_is_quarantined_with_its_rule(landings):
    clean, dirty = landings
    before, after = _quarantine_counts(clean), _quarantine_counts(dirty)
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
    delta = {k: v for k, v in delta.items() if v}
    assert delta == EXPECTED_QUARANTINE_DELTA


def test_the_clock_is_not_moved_by_a_bad_delivery(landings):
    clean, dirty = landings
    assert read_relation(dirty, "intermediate", "int_clock").equals(read_relation(clean, "intermediate", "int_clock"))


@pytest.mark.parametrize("mart", COMPARED_MARTS)
def test_marts_equal_the_clean_landing(landings, mart):
    """Every mutated row was legitimately dropped (or one version kept equal to the clean row): the marts
    are those of the clean landing, built under another time zone with timestamptz columns."""
    clean, dirty = landings
    want, got = read_relation(clean, "marts", mart), read_relation(dirty, "marts", mart)
    assert list(got.columns) == list(want.columns)
    cols = list(want.columns)
    want = want.sort_values(cols, na_position="first").reset_index(drop=True)
    got = got.sort_values(cols, na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-9)


def test_rpt_data_quality_shows_the_dirt(landings):
    clean, dirty = landings
    dq = read_relation(dirty, "marts", "rpt_data_quality")
    assert set(dq["source_relation"].unique()) >= {"raw_product", "raw_stripe"}
    future = dq[(dq["rule"] == "received_in_future") & dq["is_quarantined"]]
    assert future["rows"].sum() == 3
    assert set(pd.to_datetime(future["received_date"]).dt.date.astype(str)) == {"2100-01-01"}
    signup = dq[dq["rule"] == "implausible_signup_at"]
    assert sorted(pd.to_datetime(signup["received_date"]).dt.year) == [1900, 2100]
    # the invalid-properties flag: staged rows, is_quarantined false, as many as the staged events flagged
    flags = dq[dq["rule"] == "invalid_properties_json"]
    assert not flags["is_quarantined"].any()
    events = read_relation(dirty, "staging", "stg_product__events")
    assert flags["rows"].sum() == int(events["has_invalid_properties"].sum()) > 0
    # quarantined rows of the mart = rows of the quarantine relations
    total = sum(_quarantine_counts(dirty).values())
    assert dq.loc[dq["is_quarantined"], "rows"].sum() == total


def test_invalid_json_events_are_staged_and_counted(landings):
    """Precisions: an event whose properties is not valid JSON is staged (parsed values null), never quarantined."""
    clean, _ = landings
    con = duckdb.connect(str(clean), read_only=True)
    try:
        landed_invalid = con.execute(
            """select count(distinct event_id) from raw_product.events
               where event_id is not null and properties is not null
                 and coalesce(json_type(try_cast(properties as json)), '') <> 'OBJECT'"""
        ).fetchone()[0]
        staged_invalid = con.execute(
            "select count(*), count(feature_property) from analytics_staging.stg_product__events "
            "where has_invalid_properties"
        ).fetchone()
        rules = {
            r[0]
            for r in con.execute(
                "select distinct quarantine_rule from analytics_staging.stg_product__quarantine"
            ).fetchall()
        }
    finally:
        con.close()
    assert landed_invalid > 0
    assert "invalid_properties_json" not in rules
    assert staged_invalid[1] == 0  # parsed values are null
    # every such event is staged unless it breaks another rule: at most the landed ones, and most of them
    assert 0 < staged_invalid[0] <= landed_invalid


def test_quarantine_share_above_the_limit_fails_naming_table_and_rule(landings):
    _, dirty = landings
    res = _dbt(
        dirty,
        [
            "test",
            "--select",
            "test_name:quarantine_share_within_limit",
            "--vars",
            '{"quarantine_max_share_by_table": {"accounts": 0.001}}',
        ],
    )
    assert res.returncode != 0
    assert "Quarantine share above the limit" in res.stdout
    assert "source_table=accounts, quarantine_rule=conflicting_duplicate, quarantined_rows=5" in res.stdout


def test_a_currency_without_fx_rate_fails_naming_currency_and_first_date(landings):
    """Runs last: removes the EUR rates before FX_GAP_BEFORE from the dirty landing."""
    _, dirty = landings
    con = duckdb.connect(str(dirty))
    try:
        con.execute(
            f"delete from raw_finance.fx_rates where upper(trim(currency)) = 'EUR' "
            f"and rate_date < date '{FX_GAP_BEFORE}'"
        )
        first_spend = con.execute(
            f"""select min(spend_date) from analytics_staging.stg_finance__gtm_spend
                where currency_code = 'EUR' and spend_date < date '{FX_GAP_BEFORE}'"""
        ).fetchone()[0]
    finally:
        con.close()
    assert first_spend is not None
    rebuilt = _dbt(dirty, ["run", "--select", "int_fx_rates_daily", "int_mrr_account_monthly"])
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    res = _dbt(dirty, ["test", "--select", "assert_fx_rate_for_every_converted_amount"])
    assert res.returncode != 0
    assert "No FX rate on or before the day money must be converted" in res.stdout
    assert f"currency_code=EUR, used_for=gtm_spend, first_date_without_rate={first_spend.isoformat()}" in res.stdout
