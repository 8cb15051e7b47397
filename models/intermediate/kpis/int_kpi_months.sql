{#- The scorecard's months: the one month series (int_months_spined) from the earlier of the first signup
    month and the first month an MRR-eligible line starts. -#}
with

months as (

    select
        month_start,
        is_as_of_month,
        measure_date
    from {{ ref('int_months_spined') }}

),

accounts as (

    select signup_at from {{ ref('int_accounts_scoped') }}

),

lines as (

    select period_start_date
    from {{ ref('int_invoice_lines_normalised') }}
    where is_mrr_eligible and account_id is not null

),

as_of_month as (

    select
        month_start,
        measure_date as as_of_date
    from months
    where is_as_of_month

),

candidates as (

    select cast({{ dbt.date_trunc('month', 'min(signup_at)') }} as date) as month_start
    from accounts
    union all
    select cast({{ dbt.date_trunc('month', 'min(lines.period_start_date)') }} as date) as month_start
    from lines
    inner join as_of_month
        on lines.period_start_date <= as_of_month.as_of_date
    union all
    select month_start
    from as_of_month

),

final as (

    select months.month_start
    from months
    where months.month_start >= (select min(candidates.month_start) from candidates)

)

select * from final
