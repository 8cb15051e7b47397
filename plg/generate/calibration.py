"""Ground-truth calibration rates computed straight from the landing (not via dbt).

Follows METRICS.md: clean events (deduplicated, names trimmed/lower-cased, account resolved through
users, future clock skew and malformed JSON dropped), conversion = first paid invoice with
amount_paid > 0 not fully refunded, windows/maturity against the as-of date (latest received day).
"""

from __future__ import annotations

import duckdb

CORE = (
    "workspace_setup_completed",
    "data_source_connected",
    "teammate_invited",
    "report_created",
    "dashboard_shared",
    "alert_configured",
    "api_key_created",
    "integration_enabled",
    "export_downloaded",
)

RANGES = {
    "overall": (0.05, 0.10),
    "freemium": (0.02, 0.05),
    "trial": (0.15, 0.25),
    "high": (0.25, 0.40),
    "low": (0.01, 0.03),
}


def account_facts_sql(p: str = "") -> str:
    """One row per non-internal account: free model, signup, conversion, PES, teammates, employees.

    p is a table-name prefix format string hook: tables are referenced as raw_<x>.<t>.
    """
    core = ", ".join(f"'{c}'" for c in CORE)
    return f"""
    with clk as (
        select cast(max(received_at) as date) as as_of_date from raw_product.events
    ),
    acc as (
        select account_id, min(created_at) as signup_at, bool_or(is_internal) as is_internal
        from raw_product.accounts where account_id is not null group by account_id
    ),
    usr as (
        select user_id, min(account_id) as account_id, min(created_at) as created_at
        from raw_product.users where user_id is not null group by user_id
    ),
    ev as (
        select distinct e.event_id, coalesce(e.account_id, u.account_id) as account_id, e.user_id,
            lower(trim(e.event_name)) as event_name, e.occurred_at
        from raw_product.events as e left join usr as u on e.user_id = u.user_id
        where e.event_id is not null and e.occurred_at is not null and e.event_name is not null
          and e.occurred_at <= e.received_at + interval 24 hour
          and json_valid(e.properties)
    ),
    core_ev as (
        select ev.account_id, ev.user_id, ev.event_name, ev.occurred_at, acc.signup_at,
            floor(epoch(ev.occurred_at - acc.signup_at) / 86400) as day_n
        from ev join acc on ev.account_id = acc.account_id
        where ev.event_name in ({core}) and ev.occurred_at >= acc.signup_at
    ),
    pes as (
        select account_id,
            40.0 * count(distinct event_name) / 9 + 40.0 * count(distinct day_n) / 14
            + 20.0 * least(count(distinct user_id), 5) / 5 as pes
        from core_ev where day_n < 14 group by account_id
    ),
    first_core as (
        select account_id, min(occurred_at) as first_core_at from core_ev group by account_id
    ),
    cust as (
        select id as customer_id, regexp_extract(metadata, '"account_id":"(acc_[0-9]+)"', 1) as account_id
        from raw_stripe.customers
    ),
    first_sub as (
        select c.account_id, s.trial_start,
            row_number() over (partition by c.account_id order by s.created, s.id) as rn
        from raw_stripe.subscriptions as s join cust as c on s.customer_id = c.customer_id
        where c.account_id <> ''
    ),
    refunded as (
        select ch.invoice_id, sum(r.amount) as refunded
        from raw_stripe.refunds as r join raw_stripe.charges as ch on r.charge_id = ch.id
        where r.status = 'succeeded' and ch.status = 'succeeded' group by ch.invoice_id
    ),
    conv as (
        select c.account_id, min(i.paid_at) as converted_at
        from raw_stripe.invoices as i join cust as c on i.customer_id = c.customer_id
        left join refunded as rf on rf.invoice_id = i.id
        where i.id is not null and i.status = 'paid' and i.amount_paid > 0 and c.account_id <> ''
          and coalesce(rf.refunded, 0) < i.amount_paid
        group by c.account_id
    ),
    mates as (
        select a.account_id, count(*) as teammates_7d
        from usr as u join acc as a on u.account_id = a.account_id
        join raw_product.accounts as ra on ra.account_id = a.account_id
        where u.user_id <> ra.created_by_user_id and u.created_at < a.signup_at + interval 7 day
        group by a.account_id
    ),
    comp as (
        select account_id, employee_count from (
            select company_id, account_id, employee_count,
                row_number() over (partition by company_id order by updated_at desc) as rn
            from raw_crm.companies where company_id is not null) where rn = 1 and account_id is not null
        qualify row_number() over (partition by account_id order by employee_count) = 1
    ),
    sales as (
        select c.account_id, min(x.occurred_at) as first_sales_at, list(x.occurred_at) as sales_ats
        from raw_crm.activities as x join (
            select company_id, account_id from (
              select company_id, account_id, row_number() over (partition by company_id order by updated_at desc) as rn
              from raw_crm.companies where company_id is not null) where rn = 1 and account_id is not null
        ) as c on x.company_id = c.company_id
        where x.owner_type = 'sales_rep' group by c.account_id
    )
    select acc.account_id, acc.signup_at, clk.as_of_date,
        coalesce(fs.trial_start is not null, false) as is_trial,
        conv.converted_at, coalesce(pes.pes, 0) as pes, fc.first_core_at,
        coalesce(m.teammates_7d, 0) as teammates_7d, comp.employee_count,
        exists (select 1 from unnest(coalesce(sales.sales_ats, [])) as t(x)
                where x >= acc.signup_at and x <= conv.converted_at) as sales_assisted
    from acc cross join clk
    left join first_sub as fs on fs.account_id = acc.account_id and fs.rn = 1
    left join conv on conv.account_id = acc.account_id
    left join pes on pes.account_id = acc.account_id
    left join first_core as fc on fc.account_id = acc.account_id
    left join mates as m on m.account_id = acc.account_id
    left join comp on comp.account_id = acc.account_id
    left join sales on sales.account_id = acc.account_id
    where not acc.is_internal
    """


def compute_rates(con: duckdb.DuckDBPyConnection) -> dict:
    """Conversion rates per METRICS.md rows for W = 30/60/90, plus the supporting contrasts."""
    con.execute(f"create or replace temp table _facts as {account_facts_sql()}")
    out: dict = {"windows": {}}
    for W in (30, 60, 90):
        r = con.execute(f"""
            with f as (
                select *,
                    signup_at + interval {W} day <= cast(as_of_date as timestamp) + interval 1 day as mature,
                    first_core_at is not null and first_core_at < signup_at + interval {W} day as active,
                    converted_at is not null and converted_at >= signup_at
                        and converted_at < signup_at + interval {W} day as conv
                from _facts
            ), d as (
                select *, (is_trial or active) as in_overall,
                    case when pes >= 50 then 'high' when pes < 20 then 'low' else 'medium' end as tier
                from f where mature
            )
            select
                count(*) filter (where in_overall), count(*) filter (where in_overall and conv),
                count(*) filter (where not is_trial and active),
                count(*) filter (where not is_trial and active and conv),
                count(*) filter (where is_trial), count(*) filter (where is_trial and conv),
                count(*) filter (where in_overall and tier = 'high'),
                count(*) filter (where in_overall and tier = 'high' and conv),
                count(*) filter (where in_overall and tier = 'low'),
                count(*) filter (where in_overall and tier = 'low' and conv),
                count(*) filter (where in_overall and teammates_7d >= 3),
                count(*) filter (where in_overall and teammates_7d >= 3 and conv),
                count(*) filter (where in_overall and teammates_7d = 0),
                count(*) filter (where in_overall and teammates_7d = 0 and conv),
                count(*) filter (where in_overall and employee_count between 50 and 499),
                count(*) filter (where in_overall and employee_count between 50 and 499 and conv),
                count(*) filter (where in_overall and employee_count >= 500),
                count(*) filter (where in_overall and employee_count >= 500 and conv),
                count(*) filter (where in_overall and conv and sales_assisted)
            from d
        """).fetchall()[0]
        names = ["overall", "freemium", "trial", "high", "low", "team_3plus", "team_0", "mid_market", "enterprise"]
        win = {}
        for i, nm in enumerate(names):
            den, num = r[2 * i], r[2 * i + 1]
            win[nm] = {"den": den, "num": num, "rate": (num / den) if den else None}
        win["sales_assisted_share"] = (r[18] / r[1]) if r[1] else None
        out["windows"][W] = win
    tr = con.execute("""
        select count(*) filter (where is_trial and converted_at is not null),
               count(*) filter (where is_trial and converted_at >= signup_at + interval 90 day),
               count(*) filter (where not is_trial and converted_at is not null),
               count(*) filter (where not is_trial and converted_at >= signup_at + interval 90 day)
        from _facts
    """).fetchall()[0]
    out["late_conversion_share"] = {
        "trial": tr[1] / tr[0] if tr[0] else None,
        "freemium": tr[3] / tr[2] if tr[2] else None,
    }
    out["as_of_date"] = str(con.execute("select max(as_of_date) from _facts").fetchall()[0][0])
    return out


def in_ranges(rates: dict) -> dict[str, bool]:
    res = {}
    for W, win in rates["windows"].items():
        for nm, (lo, hi) in RANGES.items():
            r = win[nm]["rate"]
            res[f"{nm}@{W}"] = r is not None and lo <= r <= hi
    return res


def format_report(rates: dict) -> str:
    lines = [f"calibration (ground truth, as of {rates['as_of_date']}):"]
    hdr = f"  {'row':<12}" + "".join(f"{'W=' + str(W):>22}" for W in rates["windows"])
    lines.append(hdr)
    for nm in ["overall", "freemium", "trial", "high", "low", "team_3plus", "team_0", "mid_market", "enterprise"]:
        cells = []
        for win in rates["windows"].values():
            c = win[nm]
            rate = "-" if c["rate"] is None else f"{100 * c['rate']:.2f}%"
            flag = ""
            if nm in RANGES and c["rate"] is not None:
                lo, hi = RANGES[nm]
                flag = " ok" if lo <= c["rate"] <= hi else " OUT"
            cells.append(f"{rate} ({c['num']}/{c['den']}){flag}".rjust(22))
        lines.append(f"  {nm:<12}" + "".join(cells))
    sa = [win["sales_assisted_share"] for win in rates["windows"].values()]
    lines.append(
        "  sales-assisted share of conversions: " + ", ".join("-" if x is None else f"{100 * x:.1f}%" for x in sa)
    )
    ls = rates["late_conversion_share"]
    lines.append(
        f"  conversions after day 90: trial {100 * (ls['trial'] or 0):.1f}%,"
        f" freemium {100 * (ls['freemium'] or 0):.1f}%"
    )
    return "\n".join(lines)
