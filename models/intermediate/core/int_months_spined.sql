{#-
    The project's one month series (the MRR months and the KPI scorecard both filter it). Its lower bound is
    the earliest month any landed signup or invoice period could be measured in, read from staging rather
    than from the revenue models so that the MRR model stays one step from the invoice lines; months before
    a consumer's own start are filtered by that consumer. At most 1,000 months: date_spine_reaches_as_of
    fails the build rather than truncating.
-#}
with

clock as (

    select as_of_date from {{ ref('int_clock') }}

),

landed_dates as (

    select cast(min(signup_at) as date) as first_date from {{ ref('stg_product__accounts') }}
    union all
    select cast(min(period_start_at) as date) as first_date from {{ ref('stg_stripe__invoices') }}
    union all
    select cast(min(period_start_at) as date) as first_date from {{ ref('stg_stripe__invoice_line_items') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc('month', 'coalesce(min(landed_dates.first_date), max(clock.as_of_date))') }} as date)
            as first_month_start,
        cast({{ dbt.date_trunc('month', 'max(clock.as_of_date)') }} as date) as as_of_month_start,
        max(clock.as_of_date) as as_of_date
    from clock
    left join landed_dates
        on clock.as_of_date >= landed_dates.first_date

),

month_numbers as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as month_number
    from ({{ dbt.generate_series(1000) }}) as series

),

months as (

    select
        cast({{ dbt.dateadd('month', 'month_numbers.month_number', 'bounds.first_month_start') }} as date)
            as month_start,
        bounds.as_of_month_start,
        bounds.as_of_date
    from month_numbers
    cross join bounds
    where
        month_numbers.month_number
        <= {{ dbt.datediff('bounds.first_month_start', 'bounds.as_of_month_start', 'month') }}

),

final as (

    select
        month_start,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as month_end_date,
        case
            when month_start = as_of_month_start then as_of_date
            else cast({{ dbt.last_day('month_start', 'month') }} as date)
        end as measure_date,
        month_start = as_of_month_start as is_as_of_month
    from months

)

select * from final
