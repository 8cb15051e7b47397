"""A small synthetic set of public marts (MARTS.md column contract) for tests and demos of the
report and the publish step, independent of the dbt build.

    python -m pytests.helpers.report_sample --out /tmp/sample.duckdb [--schema analytics_marts]

The figures are random but internally consistent where the report relies on it (the MRR bridge
adds up, rates are conversions / accounts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import duckdb

SEGMENT_ROWS = ["overall", "freemium", "trial", "high_engagement", "low_engagement"]
BENCHMARKS = {
    "overall": (0.05, 0.10),
    "freemium": (0.02, 0.05),
    "trial": (0.15, 0.25),
    "high_engagement": (0.25, 0.40),
    "low_engagement": (0.01, 0.03),
}


def _month(start: dt.date, k: int) -> dt.date:
    y, m = divmod(start.month - 1 + k, 12)
    return dt.date(start.year + y, m + 1, 1)


AS_OF = dt.date(2026, 6, 15)


def _month_end(m: dt.date) -> dt.date:
    return _month(m, 1) - dt.timedelta(days=1)


def cohort_rows(
    rnd: random.Random, as_of: dt.date, with_km: bool = True, months: int = 8, max_offset: int = 90
) -> list[tuple]:
    """Monthly signup cohorts of simulated accounts up to the as-of month: signup day, conversion day
    (or none); each account observed until the end of the as-of day (as_of + 1 day)."""
    end = as_of + dt.timedelta(days=1)
    first = _month(dt.date(as_of.year, as_of.month, 1), -(months - 1))
    out = []
    for c in range(months):
        cstart = _month(first, c)
        last = min(_month_end(cstart), as_of)
        accounts = []
        for _ in range(120 + rnd.randrange(60)):
            signup = cstart + dt.timedelta(days=rnd.randrange((last - cstart).days + 1))
            conv = None
            for day in range(max_offset + 1):
                if rnd.random() < 0.004:
                    conv = day
                    break
            age = (end - signup).days  # whole days observed
            if conv is not None and conv >= age:
                conv = None  # not seen yet
            accounts.append((age, conv))
        surv = 1.0
        youngest = min(a for a, _ in accounts)
        for d in range(max_offset + 1):
            old = [(a, cv) for a, cv in accounts if a >= d + 1]
            conversions = sum(1 for _, cv in old if cv is not None and cv <= d)
            share = conversions / len(old) if old else None
            at_risk = sum(1 for a, cv in accounts if a > d and (cv is None or cv >= d))
            conv_d = sum(1 for a, cv in accounts if a > d and cv == d)
            if at_risk:
                surv *= 1 - conv_d / at_risk
            km = (1 - surv) if at_risk else None
            row = ("month", cstart, d, len(old), conversions, share)
            out.append(row + ((km, youngest >= d + 1) if with_km else ()))
    return out


def build_sample(
    path: Path,
    schema: str = "analytics_marts",
    seed: int = 7,
    accounts: int = 400,
    with_km: bool = True,
    with_new_marts: bool = True,
) -> None:
    """with_km: fct_cohort_conversion carries km_cumulative_conversion_rate and is_complete; with_new_marts:
    rpt_revenue_retention_cohorts and rpt_data_quality exist (both off = an older build)."""
    rnd = random.Random(seed)
    con = duckdb.connect(str(path))
    con.execute(f"create schema if not exists {schema}")
    s = schema
    start = dt.date(2025, 1, 1)
    n_months = 18

    # accounts, activation, conversions
    dim, act, conv = [], [], []
    for i in range(accounts):
        signup = dt.datetime(2025, 1, 1) + dt.timedelta(days=rnd.randrange(0, 30 * n_months), hours=rnd.randrange(24))
        free_model = rnd.choice(["trial", "freemium"])
        emp = rnd.choice([None, 5, 20, 60, 150, 800])
        seg = "Unknown" if emp is None else ("SMB" if emp < 50 else "Mid-Market" if emp < 500 else "Enterprise")
        icp = rnd.randrange(0, 101)
        tier = "high" if icp >= 70 else "low" if icp < 40 else "medium"
        dim.append(
            (
                f"a{i}",
                signup,
                dt.date(signup.year, signup.month, 1),
                rnd.choice(["organic", "paid_search", "referral"]),
                free_model,
                rnd.choice([14, 21, 30]) if free_model == "trial" else None,
                emp,
                seg,
                icp,
                tier,
                rnd.choice(["software", "retail"]),
                rnd.choice(["US", "DE", "FR"]),
            )
        )
        hours = rnd.uniform(0.1, 300) if rnd.random() < 0.6 else None
        act.append(
            (
                f"a{i}",
                signup + dt.timedelta(hours=hours) if hours else None,
                hours,
                hours is not None and hours < 14 * 24,
                hours is not None and hours < 1,
            )
        )
        converted = rnd.random() < 0.12
        days = rnd.randrange(0, 90) if converted else None
        pes = rnd.uniform(0, 100)
        mrr = rnd.choice([29.0, 99.0, 299.0]) if converted else None
        conv.append(
            (
                f"a{i}",
                converted,
                signup + dt.timedelta(days=days) if converted else None,
                days,
                (rnd.choice(["self_serve", "sales_assisted"]) if converted else None),
                mrr,
                mrr * 12 if mrr else None,
                pes,
                "high" if pes >= 50 else "low" if pes < 20 else "medium",
                rnd.random(),
                rnd.randrange(0, 5),
            )
        )
    con.execute(f"""create or replace table {s}.dim_accounts (account_id varchar, signup_at timestamp,
        signup_cohort_month date, signup_channel varchar, free_model varchar, trial_length_days integer,
        employee_count integer, firmographic_segment varchar, icp_fit_score integer, icp_tier varchar,
        industry varchar, country varchar)""")
    con.executemany(f"insert into {s}.dim_accounts values (?,?,?,?,?,?,?,?,?,?,?,?)", dim)
    con.execute(f"""create or replace table {s}.fct_activation (account_id varchar, activated_at timestamp,
        activation_hours double, is_activated_14d boolean, activated_in_first_session boolean)""")
    con.executemany(f"insert into {s}.fct_activation values (?,?,?,?,?)", act)
    con.execute(f"""create or replace table {s}.fct_conversions (account_id varchar, is_converted boolean,
        converted_at timestamp, days_to_convert integer, attribution varchar, first_mrr_usd double, acv_usd double,
        pes_14d double, engagement_tier varchar, feature_adoption_30d double, teammates_7d integer)""")
    con.executemany(f"insert into {s}.fct_conversions values (?,?,?,?,?,?,?,?,?,?,?)", conv)

    con.execute(f"""create or replace table {s}.fct_engagement_weekly as
        select account_id, w as week_number, cast(signup_at as date) + cast(7 * w as integer) as week_start,
               cast(floor(random() * 7) as integer) as active_days,
               cast(floor(random() * 9) as integer) as core_features_used,
               cast(floor(random() * 4) as integer) as active_users, random() * 100 as pes
        from {s}.dim_accounts, range(0, 4) as t(w)""")

    # cohort conversion curves, from simulated accounts: the simple share (over accounts at least d+1 days
    # old), the Kaplan-Meier estimate and is_complete (METRICS.md "Cohorts"); the latest cohorts are young
    con.execute(
        f"""create or replace table {s}.fct_cohort_conversion (cohort_grain varchar, cohort_start date,
        day_offset integer, accounts_at_risk integer, conversions integer, cumulative_conversion_rate double"""
        + (", km_cumulative_conversion_rate double, is_complete boolean)" if with_km else ")")
    )
    rows = cohort_rows(rnd, AS_OF, with_km)
    con.executemany(f"insert into {s}.fct_cohort_conversion values ({','.join(['?'] * len(rows[0]))})", rows)

    # MRR: per account months, movements consistent
    mrr_rows = []
    for i in range(60):
        first = rnd.randrange(0, n_months - 2)
        last = rnd.randrange(first + 1, n_months + 3)
        prev = 0.0
        for k in range(first, min(last + 1, n_months)):
            month = _month(start, k)
            if k == last:
                mrr, movement = 0.0, "churn"
            elif k == first:
                mrr, movement = rnd.choice([29.0, 99.0, 299.0]), "new"
            else:
                step = rnd.random()
                mrr = prev * (1.5 if step < 0.1 else 0.7 if step < 0.15 else 1.0)
                movement = "expansion" if mrr > prev else "contraction" if mrr < prev else "unchanged"
            mrr_rows.append(
                (f"a{i}", month, mrr, prev if k != first else 0.0, mrr - (prev if k != first else 0.0), 0.0, movement)
            )
            prev = mrr
    con.execute(f"""create or replace table {s}.fct_mrr (account_id varchar, month_start date, mrr_usd double,
        previous_mrr_usd double, mrr_change_usd double, fx_adjustment_usd double, movement varchar)""")
    con.executemany(f"insert into {s}.fct_mrr values (?,?,?,?,?,?,?)", mrr_rows)

    dash = []
    for row in SEGMENT_ROWS:
        lo, hi = BENCHMARKS[row]
        for w in (30, 60, 90):
            accounts_n = rnd.randrange(100, 400)
            conversions = int(accounts_n * rnd.uniform(lo * 0.5, hi * 1.3) * (w / 60))
            rate = conversions / accounts_n
            dash.append(
                (
                    row,
                    w,
                    accounts_n,
                    conversions,
                    rate,
                    rate * 0.7,
                    0.3,
                    lo,
                    hi,
                    "below" if rate < lo else "above" if rate > hi else "within",
                )
            )
    con.execute(f"""create or replace table {s}.rpt_conversion_dashboard (segment_row varchar, window_days integer,
        accounts integer, conversions integer, conversion_rate double, self_serve_conversion_rate double,
        sales_assisted_share double, benchmark_low_rate double, benchmark_high_rate double,
        benchmark_status varchar)""")
    con.executemany(f"insert into {s}.rpt_conversion_dashboard values (?,?,?,?,?,?,?,?,?,?)", dash)

    funnel, n = [], 1000
    for step, name in enumerate(["signed_up", "activated", "engaged", "converted"], start=1):
        prev_n = n
        n = n if step == 1 else int(n * rnd.uniform(0.2, 0.7))
        funnel.append((step, name, n, n / prev_n if step > 1 else 1.0, n / 1000))
    con.execute(f"""create or replace table {s}.rpt_funnel (step integer, step_name varchar, accounts integer,
        step_rate double, rate_from_signup double)""")
    con.executemany(f"insert into {s}.rpt_funnel values (?,?,?,?,?)", funnel)

    seg = []
    for dim_name, values in (
        ("firmographic_segment", ["SMB", "Mid-Market", "Enterprise", "Unknown"]),
        ("icp_tier", ["high", "medium", "low"]),
        ("signup_channel", ["organic", "paid_search"]),
        ("free_model", ["trial", "freemium"]),
    ):
        for v in values:
            a, r, acv = rnd.randrange(50, 500), rnd.uniform(0.01, 0.2), rnd.uniform(300, 5000)
            seg.append((dim_name, v, a, r, acv, a * r * acv, rnd.choice(["high", "medium", "low"])))
    con.execute(f"""create or replace table {s}.rpt_segment_conversion (dimension varchar, segment varchar,
        accounts integer, conversion_rate_60d double, acv_usd double, expected_new_arr_usd double, priority varchar)""")
    con.executemany(f"insert into {s}.rpt_segment_conversion values (?,?,?,?,?,?,?)", seg)

    kpis = []
    for k in range(n_months):
        mrr = 1000 + 400 * k + rnd.uniform(-100, 100)
        kpis.append(
            (
                _month(start, k),
                rnd.randrange(20, 40),
                rnd.uniform(0.03, 0.12),
                rnd.uniform(0.1, 0.3),
                rnd.uniform(0.3, 0.6),
                rnd.uniform(5, 60),
                mrr,
                mrr * 12,
                rnd.randrange(10, 60),
                rnd.uniform(50, 400),
                rnd.uniform(0, 100),
                rnd.uniform(0, 50),
                rnd.uniform(0, 80),
                rnd.uniform(0, 30),
                rnd.uniform(-5, 5),
                rnd.uniform(0, 0.05),
                rnd.uniform(0, 0.05),
                rnd.uniform(0.95, 1.1),
                rnd.uniform(50, 120),
                rnd.uniform(1000, 9000),
                rnd.uniform(200, 900),
                rnd.uniform(3, 20),
                rnd.uniform(-20, 60),
                rnd.uniform(1000, 5000),
            )
        )
    con.execute(f"""create or replace table {s}.rpt_kpis_monthly (month_start date, new_signups integer,
        conversion_rate_30d double, trial_conversion_rate double, product_adoption_rate double,
        median_activation_hours double, mrr_usd double, arr_usd double, paying_accounts integer, new_mrr_usd double,
        expansion_mrr_usd double, contraction_mrr_usd double, churned_mrr_usd double, reactivation_mrr_usd double,
        fx_adjustment_mrr_usd double, logo_churn_rate double, gross_revenue_churn_rate double,
        net_revenue_retention_rate double, arpa_usd double, ltv_usd double, cac_usd double, payback_months double,
        nps double, revenue_per_employee_usd double)""")
    con.executemany(f"insert into {s}.rpt_kpis_monthly values ({','.join(['?'] * 24)})", kpis)

    con.execute(f"""create or replace table {s}.rpt_product_qualified_accounts as
        select c.account_id, c.pes_14d, c.feature_adoption_30d, d.employee_count,
               case when d.employee_count >= 100 then 'sales_assist' else 'in_app_upgrade' end as recommended_action
        from {s}.fct_conversions as c inner join {s}.dim_accounts as d on c.account_id = d.account_id
        where not c.is_converted and (c.engagement_tier = 'high' or c.feature_adoption_30d >= 0.6)""")
    con.execute(f"""create or replace table {s}.rpt_low_converting_cohorts as
        select signup_cohort_month as cohort_month, firmographic_segment, count(*) as accounts,
               0.02 as conversion_rate_60d, 0.5 as activation_completion_rate, true as activation_below_target
        from {s}.dim_accounts group by 1, 2 having count(*) > 8""")
    con.execute(f"""create or replace table {s}.rpt_team_invites as
        select * from (values ('0', 300, 0.04), ('1-2', 200, 0.08), ('3+', 80, 0.15))
        as t(teammates_band, accounts, conversion_rate_60d)""")
    con.execute(f"""create or replace table {s}.rpt_trial_length as
        select * from (values (14, 'SMB', 100, 0.2), (21, 'SMB', 90, 0.18), (30, 'Enterprise', 40, 0.25))
        as t(trial_length_days, firmographic_segment, trials, trial_conversion_rate)""")
    con.execute(f"""create or replace table {s}.rpt_sales_assist as
        select * from (values ('sales_demo', 40, 0.3), ('automation_only', 60, 0.1))
        as t(assist_group, accounts, conversion_rate_90d)""")
    if with_new_marts:
        ret = []
        for c in range(n_months):
            cm = _month(start, c)
            n_acc = rnd.randrange(3, 12)
            start_mrr = n_acc * 99.0
            mrr = start_mrr
            for k in range(n_months - c):
                if k:
                    mrr *= rnd.uniform(0.9, 1.08)
                retained = max(1, n_acc - k // 3)
                ret.append((cm, _month(cm, k), k, n_acc, retained, start_mrr, mrr, retained / n_acc, mrr / start_mrr))
        con.execute(f"""create or replace table {s}.rpt_revenue_retention_cohorts (cohort_month date, month_start date,
            months_since_start integer, cohort_accounts integer, retained_accounts integer, starting_mrr_usd double,
            mrr_usd double, logo_retention_rate double, net_revenue_retention_rate double)""")
        con.executemany(f"insert into {s}.rpt_revenue_retention_cohorts values (?,?,?,?,?,?,?,?,?)", ret)
        dq = []
        for rel, src, table, rule, quarantined in (
            ("raw_product.events", "product", "events", "future_occurred_at", True),
            ("raw_product.events", "product", "events", "invalid_properties", False),
            ("raw_stripe.invoices", "stripe", "invoices", "negative_amount", True),
            ("raw_crm.accounts", "crm", "accounts", "duplicate_key", True),
        ):
            for day in range(3):
                dq.append((rel, src, table, rule, AS_OF - dt.timedelta(days=day), rnd.randrange(1, 40), quarantined))
        con.execute(f"""create or replace table {s}.rpt_data_quality (source_relation varchar, source_name varchar,
            table_name varchar, rule varchar, received_date date, rows bigint, is_quarantined boolean)""")
        con.executemany(f"insert into {s}.rpt_data_quality values (?,?,?,?,?,?,?)", dq)
    con.execute("create schema if not exists analytics_intermediate")
    con.execute(
        "create or replace table analytics_intermediate.int_clock as "
        "select date '2026-06-15' as as_of_date, timestamp '2026-06-16 00:00:00' as as_of_end_at"
    )
    assert AS_OF == dt.date(2026, 6, 15)
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic set of public marts.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--schema", default="analytics_marts")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    build_sample(Path(args.out), args.schema, args.seed)
    print(Path(args.out).resolve())


if __name__ == "__main__":
    main()


NEW_MARTS = ("rpt_revenue_retention_cohorts", "rpt_data_quality", "rpt_cac_by_channel")


def copy_new_marts(
    working: Path, readers: Path, tables: tuple[str, ...] = NEW_MARTS, src_schema: str = "analytics_marts"
) -> list[str]:
    """Test/demo fixture: copy the marts a newer plg.publish writes (NEW_MARTS) from the working file into
    a readers' file that lacks them. Returns the tables copied."""
    con = duckdb.connect(str(readers))
    try:
        con.execute(f"attach '{working}' as w (read_only)")
        have = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'w' and table_schema = ?",
                [src_schema],
            ).fetchall()
        }
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        done = [t for t in tables if t in have and t not in present]
        for t in done:
            con.execute(f"create table marts.{t} as select * from w.{src_schema}.{t}")
        con.execute("detach w")
        return done
    finally:
        con.close()


def add_km_columns(readers: Path, schema: str = "marts") -> None:
    """Test/demo fixture (NOT the dbt model): add km_cumulative_conversion_rate and is_complete to a
    fct_cohort_conversion that predates them, recomputed from dim_accounts and fct_conversions (monthly
    cohorts only): each account observed until its conversion or the end of the as-of day."""
    con = duckdb.connect(str(readers))
    try:
        s = schema
        as_of = con.execute(f"select max(as_of_date) from {s}._published").fetchone()[0]
        con.execute(f"""create or replace temp table km as
            with acc as (
                select d.account_id, d.signup_at, d.signup_cohort_month as cohort_start,
                       case when c.converted_at < timestamp '{as_of}' + interval 1 day
                            then c.converted_at end as converted_at
                from {s}.dim_accounts as d left join {s}.fct_conversions as c on d.account_id = c.account_id
                where d.signup_at < timestamp '{as_of}' + interval 1 day),
            days as (select cast(range as integer) as d from range(0, 91)),
            per as (
                select a.cohort_start, days.d,
                       count(*) filter (
                           where a.signup_at + days.d * interval 1 day < timestamp '{as_of}' + interval 1 day
                               and (a.converted_at is null or a.converted_at >= a.signup_at + days.d * interval 1 day)
                       ) as at_risk,
                       count(*) filter (where a.converted_at >= a.signup_at + days.d * interval 1 day
                            and a.converted_at < a.signup_at + (days.d + 1) * interval 1 day) as conv,
                       max(a.signup_at) as youngest
                from acc as a cross join days group by a.cohort_start, days.d)
            select cohort_start, d,
                   case when at_risk > 0 then 1 - exp(sum(ln(greatest(coalesce(1 - conv / nullif(at_risk, 0), 1),
                       1e-12))) over (partition by cohort_start order by d)) end as km,
                   youngest + (d + 1) * interval 1 day <= timestamp '{as_of}' + interval 1 day as is_complete,
                   at_risk
            from per""")
        con.execute(
            f"alter table {s}.fct_cohort_conversion add column if not exists km_cumulative_conversion_rate double"
        )
        con.execute(f"alter table {s}.fct_cohort_conversion add column if not exists is_complete boolean")
        con.execute(f"""update {s}.fct_cohort_conversion as f set km_cumulative_conversion_rate = km.km,
                        is_complete = km.is_complete
                        from km where f.cohort_grain = 'month' and f.cohort_start = km.cohort_start
                          and f.day_offset = km.d""")
    finally:
        con.close()
