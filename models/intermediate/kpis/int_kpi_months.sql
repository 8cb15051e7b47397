{#-
    The month series of the KPI scorecard: from the first signup month of a (non-internal) workspace
    or the first MRR month, whichever is earlier, to the as-of month.
-#}
with

clock as (

    select
        as_of_date,
        as_of_end_at
    from {{ ref('int_clock') }}

),

accounts as (

    select
        signup_at,
        is_internal
    from {{ ref('stg_product__accounts') }}

),

mrr_months as (

    select month_start
    from {{ ref('int_mrr_months') }}

),

first_signup as (

    select min(accounts.signup_at) as first_signup_at
    from accounts
    cross join clock
    where
        accounts.signup_at < clock.as_of_end_at
        and (accounts.is_internal is null or not accounts.is_internal)

),

candidates as (

    select cast({{ dbt.date_trunc('month', 'first_signup_at') }} as date) as month_start
    from first_signup
    union all
    select min(month_start) as month_start
    from mrr_months
    union all
    select cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start
    from clock

),

bounds as (

    select
        min(candidates.month_start) as first_month_start,
        max(cast({{ dbt.date_trunc('month', 'clock.as_of_date') }} as date)) as as_of_month_start
    from candidates
    cross join clock

),

final as (

    {{ date_spine_between('month', 'bounds', 'first_month_start', 'as_of_month_start', 'month_start', 1000) }}

)

select * from final
