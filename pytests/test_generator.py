"""Tests of the synthetic landing generator (plg.generate).

The expected landing schema is written here independently from SOURCES.md (not imported from the
generator), and every fault of SOURCES.md's list is checked to be present.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plg.generate import GenConfig, generate  # noqa: E402
from plg.generate.calibration import compute_rates, in_ranges  # noqa: E402

TS, V, B, D, I, BI, DEC = "TIMESTAMP", "VARCHAR", "BOOLEAN", "DATE", "INTEGER", "BIGINT", "DECIMAL"  # noqa: E741
# SOURCES.md, table by table (schema, table) -> [(column, type)]; DEC = any DECIMAL(p,s)
EXPECTED = {
    ("raw_product", "accounts"): [
        ("account_id", V),
        ("created_at", TS),
        ("created_by_user_id", V),
        ("signup_channel", V),
        ("is_internal", B),
    ],
    ("raw_product", "users"): [
        ("user_id", V),
        ("account_id", V),
        ("email", V),
        ("role", V),
        ("invited_by_user_id", V),
        ("created_at", TS),
    ],
    ("raw_product", "events"): [
        ("event_id", V),
        ("event_name", V),
        ("user_id", V),
        ("account_id", V),
        ("occurred_at", TS),
        ("received_at", TS),
        ("properties", V),
    ],
    ("raw_crm", "companies"): [
        ("company_id", V),
        ("account_id", V),
        ("name", V),
        ("domain", V),
        ("employee_count", I),
        ("industry", V),
        ("country", V),
        ("updated_at", TS),
    ],
    ("raw_crm", "activities"): [
        ("activity_id", V),
        ("company_id", V),
        ("activity_type", V),
        ("owner_type", V),
        ("occurred_at", TS),
    ],
    ("raw_stripe", "customers"): [
        ("id", V),
        ("email", V),
        ("created", TS),
        ("metadata", V),
        ("currency", V),
        ("is_deleted", B),
    ],
    ("raw_stripe", "products"): [("id", V), ("name", V), ("active", B)],
    ("raw_stripe", "prices"): [
        ("id", V),
        ("product_id", V),
        ("unit_amount", (BI, I)),
        ("currency", V),
        ("recurring_interval", V),
        ("recurring_interval_count", (I, BI)),
        ("active", B),
    ],
    ("raw_stripe", "subscriptions"): [
        ("id", V),
        ("customer_id", V),
        ("status", V),
        ("created", TS),
        ("start_date", TS),
        ("trial_start", TS),
        ("trial_end", TS),
        ("canceled_at", TS),
        ("ended_at", TS),
        ("current_period_start", TS),
        ("current_period_end", TS),
    ],
    ("raw_stripe", "invoices"): [
        ("id", V),
        ("customer_id", V),
        ("subscription_id", V),
        ("status", V),
        ("billing_reason", V),
        ("currency", V),
        ("amount_due", (BI, I)),
        ("amount_paid", (BI, I)),
        ("total", (BI, I)),
        ("created", TS),
        ("period_start", TS),
        ("period_end", TS),
        ("paid_at", TS),
    ],
    ("raw_stripe", "invoice_line_items"): [
        ("id", V),
        ("invoice_id", V),
        ("subscription_id", V),
        ("price_id", V),
        ("type", V),
        ("proration", B),
        ("quantity", (I, BI)),
        ("amount", (BI, I)),
        ("currency", V),
        ("period_start", TS),
        ("period_end", TS),
    ],
    ("raw_stripe", "charges"): [
        ("id", V),
        ("invoice_id", V),
        ("customer_id", V),
        ("amount", (BI, I)),
        ("currency", V),
        ("status", V),
        ("created", TS),
    ],
    ("raw_stripe", "refunds"): [
        ("id", V),
        ("charge_id", V),
        ("amount", (BI, I)),
        ("currency", V),
        ("status", V),
        ("created", TS),
    ],
    ("raw_finance", "gtm_spend"): [
        ("spend_date", D),
        ("category", V),
        ("channel", V),
        ("amount", DEC),
        ("currency", V),
    ],
    ("raw_finance", "headcount"): [("month", D), ("department", V), ("fte", DEC)],
    ("raw_finance", "fx_rates"): [("rate_date", D), ("currency", V), ("usd_per_unit", DEC)],
    ("raw_surveys", "nps_responses"): [
        ("response_id", V),
        ("user_id", V),
        ("score", I),
        ("responded_at", TS),
        ("comment", V),
    ],
}
CATALOGUE = {
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
}


def _gen(path: Path, accounts: int, seed: int, **kw) -> dict[str, int]:
    cfg = GenConfig(accounts=accounts, seed=seed, warehouse=str(path), report_calibration=False, progress=False, **kw)
    return generate(cfg)


def _type_ok(actual: str, expected) -> bool:
    exp = expected if isinstance(expected, tuple) else (expected,)
    return any(actual == e or (e == DEC and actual.startswith("DECIMAL")) for e in exp)


def _schema(con) -> dict:
    rows = con.execute("""
        select table_schema, table_name, column_name, data_type from information_schema.columns
        where table_schema like 'raw_%' order by table_schema, table_name, ordinal_position
    """).fetchall()
    out: dict = {}
    for s, t, c, ty in rows:
        out.setdefault((s, t), []).append((c, ty))
    return out


def _check_schema(actual: dict) -> None:
    assert set(actual) == set(EXPECTED), set(actual) ^ set(EXPECTED)
    for key, cols in EXPECTED.items():
        got = actual[key]
        assert [c for c, _ in got] == [c for c, _ in cols], key
        for (c, ty), (_, exp) in zip(got, cols, strict=False):
            assert _type_ok(ty, exp), f"{key}.{c}: {ty} is not {exp}"


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("gen") / "landing.duckdb"
    rows = _gen(path, 1500, 5)
    return path, rows


@pytest.fixture()
def con(landing):
    c = duckdb.connect(str(landing[0]), read_only=True)
    yield c
    c.close()


def one(con, sql: str):
    return con.execute(sql).fetchall()[0][0]


# ---------------------------------------------------------------- schema and rows -----
def test_every_table_and_column_with_its_type(con):
    _check_schema(_schema(con))


def test_returned_row_counts_match_the_tables(con, landing):
    _, rows = landing
    for schema, table in EXPECTED:
        assert rows[table] == one(con, f"select count(*) from {schema}.{table}"), table
    assert rows["accounts"] == 1500
    assert rows["events"] > 1500 * 100


# ---------------------------------------------------------------- determinism ---------
def _contents(path: Path) -> dict:
    c = duckdb.connect(str(path), read_only=True)
    try:
        return {t: c.execute(f"select * from {s}.{t} order by all").fetchall() for (s, t) in EXPECTED}
    finally:
        c.close()


def test_same_seed_same_landing_other_seed_differs(tmp_path):
    _gen(tmp_path / "a.duckdb", 300, 11)
    _gen(tmp_path / "b.duckdb", 300, 11)
    _gen(tmp_path / "c.duckdb", 300, 12)
    a, b, c = _contents(tmp_path / "a.duckdb"), _contents(tmp_path / "b.duckdb"), _contents(tmp_path / "c.duckdb")
    for t in a:
        assert a[t] == b[t], f"{t} differs between two runs with the same seed"
    assert a["events"] != c["events"]
    assert a["accounts"] != c["accounts"]


# ---------------------------------------------------------------- faults --------------
FAULTS = {
    "duplicate event deliveries (later received_at)": """
        select count(*) from (select event_id from raw_product.events where event_id is not null
        group by event_id having count(*) > 1 and max(received_at) > min(received_at))""",
    "occurred_at in the future (> 24 h after received_at)": (
        "select count(*) from raw_product.events where occurred_at > received_at + interval 24 hour"
    ),
    "occurred_at before the workspace existed": """
        select count(*) from raw_product.events e join raw_product.accounts a on e.account_id = a.account_id
        where e.occurred_at < a.created_at""",
    "anonymous events (null user and account)": (
        "select count(*) from raw_product.events where user_id is null and account_id is null"
    ),
    "null account with a user (resolvable)": (
        "select count(*) from raw_product.events where account_id is null and user_id is not null"
    ),
    "event names in mixed case or with spaces": (
        "select count(*) from raw_product.events where event_name <> lower(trim(event_name))"
    ),
    "late arrivals (received days after occurred)": (
        "select count(*) from raw_product.events where received_at > occurred_at + interval 1 day"
    ),
    "internal workspaces": "select count(*) from raw_product.accounts where is_internal",
    "companies with several versions": """
        select count(*) from (select company_id from raw_crm.companies where company_id is not null
        group by company_id having count(*) > 1)""",
    "companies with null employee_count": "select count(*) from raw_crm.companies where employee_count is null",
    "companies without workspace": """
        select count(*) from (select company_id from raw_crm.companies where company_id is not null
        group by company_id having count(account_id) = 0)""",
    "free-plan invoices with amount 0": """
        select count(*) from raw_stripe.invoices i join raw_stripe.invoice_line_items l on l.invoice_id = i.id
        where l.price_id like 'price_free%' and i.total = 0""",
    "void invoices": "select count(*) from raw_stripe.invoices where status = 'void'",
    "failed charges": "select count(*) from raw_stripe.charges where status = 'failed'",
    "full refunds": """select count(*) from raw_stripe.refunds r join raw_stripe.charges c on r.charge_id = c.id
        where r.amount = c.amount and r.status = 'succeeded'""",
    "partial refunds": """select count(*) from raw_stripe.refunds r join raw_stripe.charges c on r.charge_id = c.id
        where r.amount < c.amount and r.status = 'succeeded'""",
    "failed refunds": "select count(*) from raw_stripe.refunds where status = 'failed'",
    "NPS scores out of 0-10": "select count(*) from raw_surveys.nps_responses where score < 0 or score > 10",
    "NPS null scores": "select count(*) from raw_surveys.nps_responses where score is null",
    "null key: events": "select count(*) from raw_product.events where event_id is null",
    "null key: users": "select count(*) from raw_product.users where user_id is null",
    "null key: companies": "select count(*) from raw_crm.companies where company_id is null",
    "null key: activities": "select count(*) from raw_crm.activities where activity_id is null",
    "null key: invoices": "select count(*) from raw_stripe.invoices where id is null",
    "null key: nps": "select count(*) from raw_surveys.nps_responses where response_id is null",
    "malformed events.properties JSON": "select count(*) from raw_product.events where not json_valid(properties)",
    "malformed customers.metadata": "select count(*) from raw_stripe.customers where not json_valid(metadata)",
    "metadata without account_id": """select count(*) from raw_stripe.customers
        where json_valid(metadata) and json_extract_string(metadata, '$.account_id') is null""",
    "unknown currency: charges": "select count(*) from raw_stripe.charges where currency not in ('usd', 'eur', 'gbp')",
    "unknown currency: invoices": (
        "select count(*) from raw_stripe.invoices where currency not in ('usd', 'eur', 'gbp')"
    ),
    "unknown currency: line items": (
        "select count(*) from raw_stripe.invoice_line_items where currency not in ('usd', 'eur', 'gbp')"
    ),
    "unknown currency: gtm_spend": (
        "select count(*) from raw_finance.gtm_spend where currency not in ('USD', 'EUR', 'GBP')"
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_present(con, fault):
    assert one(con, FAULTS[fault]) > 0, fault


def test_several_currencies(con):
    assert (
        one(con, "select count(distinct currency) from raw_stripe.invoices where status = 'paid' and amount_paid > 0")
        >= 3
    )
    assert one(con, "select count(distinct currency) from raw_finance.gtm_spend") >= 3
    assert {r[0] for r in con.execute("select distinct currency from raw_finance.fx_rates").fetchall()} >= {
        "EUR",
        "GBP",
    }


# ---------------------------------------------------------------- realism -------------
def test_signups_span_18_months_and_channels(con):
    days = one(con, "select date_diff('day', min(created_at), max(created_at)) from raw_product.accounts")
    assert days >= 18 * 30
    chans = {r[0] for r in con.execute("select distinct signup_channel from raw_product.accounts").fetchall()}
    assert chans == {"organic", "paid_search", "paid_social", "referral", "partner", "content"}
    internal = one(con, "select avg(is_internal::int) from raw_product.accounts")
    assert 0.002 < internal < 0.03


def test_trials_and_free_model(con):
    lengths = {
        r[0]
        for r in con.execute(
            "select distinct date_diff('day', trial_start, trial_end) from raw_stripe.subscriptions "
            "where trial_start is not null"
        ).fetchall()
    }
    assert lengths == {14, 21, 30}
    share = one(
        con,
        """
        with c as (select regexp_extract(metadata, '"account_id":"(acc_[0-9]+)"', 1) as account_id, id
                   from raw_stripe.customers)
        select count(distinct c.account_id) filter (where s.trial_start is not null) * 1.0
               / (select count(*) from raw_product.accounts)
        from raw_stripe.subscriptions s join c on s.customer_id = c.id""",
    )
    assert 0.18 < share < 0.32


def test_prices_plans_and_intervals(con):
    names = {r[0] for r in con.execute("select name from raw_stripe.products").fetchall()}
    assert names == {"Free", "Starter", "Pro", "Business"}
    assert one(con, "select count(*) from raw_stripe.prices where recurring_interval = 'year'") > 0
    assert (
        one(
            con,
            "select count(*) from raw_stripe.prices where recurring_interval = 'month' "
            "and recurring_interval_count = 3",
        )
        > 0
    )
    assert (
        one(
            con,
            "select count(*) from raw_stripe.prices p join raw_stripe.products d on p.product_id = d.id "
            "where d.name = 'Free' and p.unit_amount <> 0",
        )
        == 0
    )
    assert one(con, "select count(*) from raw_stripe.invoice_line_items where proration") > 0
    assert one(con, "select count(*) from raw_stripe.invoices where billing_reason = 'subscription_update'") > 0
    # currency of a customer is constant across its invoices (unknown-currency manual invoices aside)
    assert (
        one(
            con,
            """select count(*) from (select customer_id from raw_stripe.invoices where currency <> 'xxx'
                       group by customer_id having count(distinct currency) > 1)""",
        )
        == 0
    )
    # line amount = unit price x seats on non-proration subscription lines
    assert (
        one(
            con,
            """select count(*) from raw_stripe.invoice_line_items l join raw_stripe.prices p
                       on l.price_id = p.id where not l.proration and l.type = 'subscription'
                       and l.amount <> p.unit_amount * l.quantity and l.amount <> 0""",
        )
        == 0
    )


def test_event_catalogue_and_properties(con):
    names = {
        r[0]
        for r in con.execute(
            "select distinct lower(trim(event_name)) from raw_product.events where event_name is not null"
        ).fetchall()
    }
    assert names == CATALOGUE
    assert (
        one(
            con,
            """select count(*) from raw_product.events where json_valid(properties)
                       and json_extract_string(properties, '$.invitee_count') is not null""",
        )
        > 0
    )
    per_acc = one(con, "select count(*) / (select count(*) from raw_product.accounts) from raw_product.events")
    assert 150 < per_acc < 450


def test_users_and_crm(con):
    assert (
        one(
            con,
            """select count(*) from raw_product.accounts a left join raw_product.users u
                       on u.user_id = a.created_by_user_id where u.role is distinct from 'owner'""",
        )
        == 0
    )
    assert (
        one(
            con,
            "select count(*) from raw_product.users where user_id is not null and "
            "not regexp_matches(email, '^[a-z]+\\.[a-z]+@[a-z0-9.]+$')",
        )
        == 0
    )
    assert (
        one(con, "select count(*) from raw_product.users where role = 'owner' and invited_by_user_id is not null") == 0
    )
    bands = con.execute("""select avg((employee_count < 50)::int), avg((employee_count >= 500)::int)
                           from raw_crm.companies where employee_count is not null""").fetchall()[0]
    assert bands[0] > 0.5 and 0 < bands[1] < 0.15
    types = dict(con.execute("select activity_type, min(owner_type) from raw_crm.activities group by 1").fetchall())
    assert types.keys() == {"demo", "call", "meeting", "email", "nurture_email", "in_app_message"}
    assert types["demo"] == "sales_rep" and types["nurture_email"] == "automation"
    assert one(con, "select count(*) from raw_crm.companies where length(country) <> 2") == 0


def test_nps_mix_and_repeats(con):
    mix = con.execute("""select avg((score >= 9)::int), avg((score between 7 and 8)::int), avg((score <= 6)::int)
                         from raw_surveys.nps_responses where score between 0 and 10""").fetchall()[0]
    assert all(0.1 < x < 0.7 for x in mix), mix
    assert (
        one(
            con,
            """select count(*) from (select user_id from raw_surveys.nps_responses
                       group by user_id, date_trunc('month', responded_at) having count(*) > 1)""",
        )
        > 0
    )
    assert one(con, "select count(*) from raw_surveys.nps_responses where comment is not null") > 0


def test_finance_tables(con):
    cats = set(con.execute("select distinct category || '/' || channel from raw_finance.gtm_spend").fetchall())
    assert ("sales/outbound",) in cats and ("marketing/paid_search",) in cats
    fte = con.execute("""select department, min(fte), max(fte), count(*) from raw_finance.headcount
                         group by 1""").fetchall()
    assert len(fte) >= 4 and all(r[2] > r[1] for r in fte)
    assert one(con, "select count(*) from raw_finance.headcount where day(month) <> 1") == 0
    days = one(
        con,
        "select date_diff('day', min(rate_date), max(rate_date)) + 1 from raw_finance.fx_rates where currency = 'EUR'",
    )
    n = one(con, "select count(*) from raw_finance.fx_rates where currency = 'EUR'")
    assert 0.9 * days < n < days  # daily, with some missing days
    assert (
        one(
            con,
            """select count(*) from (select rate_date, currency from raw_finance.fx_rates
                       group by all having count(*) > 1)""",
        )
        == 0
    )


def test_nothing_after_the_end_date(con):
    end = "timestamp '2026-11-01'"
    for s, t, c in [
        ("raw_product", "events", "received_at"),
        ("raw_stripe", "invoices", "created"),
        ("raw_stripe", "charges", "created"),
        ("raw_stripe", "refunds", "created"),
        ("raw_crm", "activities", "occurred_at"),
        ("raw_surveys", "nps_responses", "responded_at"),
    ]:
        assert one(con, f"select count(*) from {s}.{t} where {c} >= {end}") == 0, t
    assert str(one(con, "select cast(max(received_at) as date) from raw_product.events")) == "2026-10-31"


# ---------------------------------------------------------------- parquet -------------
def test_parquet_has_the_same_schema_and_rows(tmp_path, landing):
    out = tmp_path / "pq"
    rows = generate(
        GenConfig(accounts=1500, seed=5, warehouse=None, parquet=str(out), report_calibration=False, progress=False)
    )
    c = duckdb.connect()
    actual = {}
    for schema, table in EXPECTED:
        f = out / schema / f"{table}.parquet"
        assert f.exists(), f
        desc = c.execute(f"describe select * from read_parquet('{f}')").fetchall()
        actual[(schema, table)] = [(r[0], r[1]) for r in desc]
        assert c.execute(f"select count(*) from read_parquet('{f}')").fetchall()[0][0] == rows[table]
    _check_schema(actual)
    assert rows == landing[1]  # same seed and size as the DuckDB landing


# ---------------------------------------------------------------- append-day ----------
def test_append_day_adds_one_day_late_arrivals_and_redeliveries(tmp_path, landing):
    path = tmp_path / "inc.duckdb"
    shutil.copy(landing[0], path)
    c = duckdb.connect(str(path), read_only=True)
    before = one(c, "select count(*) from raw_product.events")
    c.close()
    rows = generate(GenConfig(seed=5, warehouse=str(path), append_day=True, progress=False))
    c = duckdb.connect(str(path), read_only=True)
    try:
        assert one(c, "select count(*) from raw_product.events") == before + rows["events"]
        assert str(one(c, "select cast(max(received_at) as date) from raw_product.events")) == "2026-11-01"
        assert one(c, "select count(*) from raw_product.events where received_at < '2026-11-01'") == before
        new = "from raw_product.events where received_at >= '2026-11-01'"
        assert one(c, f"select count(*) {new} and received_at >= '2026-11-02'") == 0
        assert one(c, f"select count(*) {new} and occurred_at >= '2026-11-01'") > 100
        late = one(
            c,
            f"select count(*) {new} and occurred_at < received_at - interval 1 day "
            "and occurred_at >= received_at - interval 4 day",
        )
        assert late > 0
        redelivered = one(
            c,
            f"""select count(*) {new} and event_id in
            (select event_id from raw_product.events where received_at < '2026-10-31')""",
        )
        assert redelivered == rows["redeliveries"] > 0
        spread = one(
            c,
            f"""select date_diff('second', min(received_at), max(received_at)) {new} and event_id in
            (select event_id from raw_product.events where received_at < '2026-10-31')""",
        )
        assert spread < 3600  # re-delivered together, on the new day
        # new event ids do not collide with landed ones (except the re-deliveries)
        assert one(c, f"select count(*) - count(distinct event_id) {new}") == 0
    finally:
        c.close()


def test_append_day_on_parquet(tmp_path):
    out = tmp_path / "pq"
    generate(
        GenConfig(accounts=300, seed=9, warehouse=None, parquet=str(out), report_calibration=False, progress=False)
    )
    f = out / "raw_product" / "events.parquet"
    c = duckdb.connect()
    before = c.execute(f"select count(*), max(received_at) from read_parquet('{f}')").fetchall()[0]
    rows = generate(GenConfig(seed=9, warehouse=None, parquet=str(out), append_day=True, progress=False))
    after = c.execute(f"select count(*), cast(max(received_at) as date) from read_parquet('{f}')").fetchall()[0]
    assert after[0] == before[0] + rows["events"] and rows["events"] > 0
    assert str(after[1]) == "2026-11-01"


# ---------------------------------------------------------------- CLI -----------------
def test_cli_runs_and_reports_throughput(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "plg.generate",
            "--events",
            "60000",
            "--seed",
            "3",
            "--warehouse",
            str(tmp_path / "cli.duckdb"),
            "--no-report-calibration",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "events/s" in out.stdout
    c = duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True)
    n = one(c, "select count(*) from raw_product.events")
    c.close()
    assert 30_000 < n < 120_000


# ---------------------------------------------------------------- calibration ---------
@pytest.mark.slow
def test_calibration_of_the_test_landing(tmp_path):
    """The test landing (12,000 accounts, seed 7) lands inside every benchmark range of METRICS.md."""
    path = tmp_path / "cal.duckdb"
    _gen(path, 12000, 7)
    c = duckdb.connect(str(path), read_only=True)
    rates = compute_rates(c)
    c.close()
    bad = {k: v for k, v in in_ranges(rates).items() if not v}
    assert not bad, (bad, rates)
    for win in rates["windows"].values():
        assert win["high"]["rate"] >= 3 * win["low"]["rate"]
        assert win["team_3plus"]["rate"] > 2 * win["team_0"]["rate"]
        assert win["mid_market"]["rate"] > win["enterprise"]["rate"]
        assert win["sales_assisted_share"] > 0
    assert rates["late_conversion_share"]["freemium"] > 0


def test_ground_truth_rates_on_a_hand_built_landing(tmp_path):
    """compute_rates against hand-computed figures: 2 trial accounts (1 converts on day 20) and 2
    freemium accounts (1 active, converts on day 40 -> outside 30, inside 60/90; 1 never active)."""
    from pytests.helpers.landing import Landing

    lnd = Landing()
    for i, trial in enumerate([True, True, False, False], start=1):
        a = f"acc_{i:07d}"
        lnd.account(
            account_id=a,
            created_at="2026-01-01 10:00",
            created_by_user_id=f"usr_{i:08d}",
            signup_channel="organic",
            is_internal=False,
        )
        lnd.user(
            user_id=f"usr_{i:08d}", account_id=a, email=f"a.b@x{i}.com", role="owner", created_at="2026-01-01 10:00"
        )
        lnd.customer(
            id=f"cus_{i}",
            metadata=f'{{"account_id":"{a}"}}',
            currency="usd",
            is_deleted=False,
            created="2026-01-01 10:01",
        )
        lnd.subscription(
            id=f"sub_{i}",
            customer_id=f"cus_{i}",
            status="active",
            created="2026-01-01 10:01",
            trial_start="2026-01-01 10:01" if trial else None,
            trial_end="2026-01-15 10:01" if trial else None,
        )
    lnd.event(
        event_id="e1",
        event_name="report_created",
        user_id="usr_00000003",
        account_id="acc_0000003",
        occurred_at="2026-01-02 10:00",
        received_at="2026-01-02 10:00:05",
        properties="{}",
    )
    lnd.event(
        event_id="e2",
        event_name="page_viewed",
        user_id="usr_00000004",
        account_id="acc_0000004",
        occurred_at="2026-06-30 10:00",
        received_at="2026-06-30 10:00:05",
        properties="{}",
    )
    for inv, cus, paid in [("in_1", "cus_1", "2026-01-21 10:00"), ("in_3", "cus_3", "2026-02-10 10:00")]:
        lnd.invoice(
            id=inv,
            customer_id=cus,
            status="paid",
            currency="usd",
            amount_due=1000,
            amount_paid=1000,
            total=1000,
            created=paid,
            paid_at=paid,
        )
    path = tmp_path / "hand.duckdb"
    lnd.write_duckdb(str(path))
    c = duckdb.connect(str(path), read_only=True)
    rates = compute_rates(c)
    c.close()
    w30, w60 = rates["windows"][30], rates["windows"][60]
    assert (w30["trial"]["num"], w30["trial"]["den"]) == (1, 2)
    assert (w30["freemium"]["num"], w30["freemium"]["den"]) == (0, 1)
    assert (w60["freemium"]["num"], w60["freemium"]["den"]) == (1, 1)
    assert (w60["overall"]["num"], w60["overall"]["den"]) == (2, 3)
