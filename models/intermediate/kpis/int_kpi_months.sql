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

digits as (

    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit

),

month_numbers as (

    -- 0 .. 999 months, without a non-portable generate_series
    select d1.digit + 10 * d2.digit + 100 * d3.digit as month_number
    from digits as d1
    cross join digits as d2
    cross join digits as d3

),

final as (

    select
        cast({{ dbt.dateadd('month', 'month_numbers.month_number', 'bounds.first_month_start') }} as date)
            as month_start
    from month_numbers
    cross join bounds
    where
        month_numbers.month_number
        <= {{ dbt.datediff('bounds.first_month_start', 'bounds.as_of_month_start', 'month') }}

)

select * from final
