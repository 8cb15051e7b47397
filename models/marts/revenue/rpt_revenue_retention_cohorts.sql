{#-
    Revenue retention by first-MRR cohort: for every cohort month (the month of an account's `new`
    movement) and every month from it to the as-of month, how many of the cohort's accounts still pay
    and how much MRR (USD) they bring, against the cohort's starting MRR. Revenue retention here is
    the plain USD ratio (it includes expansion, contraction, reactivation and FX), unlike the
    scorecard's constant-currency NRR.
-#}
with

account_months as (

    select
        account_id,
        month_start,
        mrr_usd,
        movement
    from {{ ref('int_mrr_account_monthly') }}

),

cohort_members as (

    select
        account_id,
        month_start as cohort_month
    from account_months
    where movement = 'new'

),

member_months as (

    select
        cohort_members.cohort_month,
        account_months.month_start,
        account_months.account_id,
        account_months.mrr_usd
    from account_months
    inner join cohort_members
        on account_months.account_id = cohort_members.account_id

),

cohort_start as (

    select
        cohort_month,
        count(*) as cohort_accounts,
        sum(mrr_usd) as starting_mrr_usd
    from member_months
    where month_start = cohort_month
    group by cohort_month

),

cohort_months as (

    select
        cohort_month,
        month_start,
        sum(case when mrr_usd > 0 then 1 else 0 end) as retained_accounts,
        sum(mrr_usd) as mrr_usd
    from member_months
    group by cohort_month, month_start

),

final as (

    select
        cast(cohort_months.cohort_month as date) as cohort_month,
        cast(cohort_months.month_start as date) as month_start,
        cast(
            {{ dbt.datediff('cohort_months.cohort_month', 'cohort_months.month_start', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_start,
        cast(cohort_start.cohort_accounts as {{ dbt.type_bigint() }}) as cohort_accounts,
        cast(cohort_months.retained_accounts as {{ dbt.type_bigint() }}) as retained_accounts,
        cast(cohort_start.starting_mrr_usd as {{ plg_type_double() }}) as starting_mrr_usd,
        cast(cohort_months.mrr_usd as {{ plg_type_double() }}) as mrr_usd,
        cast(
            {{ safe_rate('cohort_months.retained_accounts', 'cohort_start.cohort_accounts') }}
            as {{ plg_type_double() }}
        ) as logo_retention_rate,
        cast(
            {{ safe_rate('cohort_months.mrr_usd', 'cohort_start.starting_mrr_usd', positive_only=true) }}
            as {{ plg_type_double() }}
        ) as net_revenue_retention_rate
    from cohort_months
    inner join cohort_start
        on cohort_months.cohort_month = cohort_start.cohort_month

)

select * from final
