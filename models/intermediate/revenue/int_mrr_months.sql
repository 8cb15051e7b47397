{#-
    The month series of the revenue models: every month from the first month an MRR-eligible
    invoice line starts to the as-of month (never later), with the day MRR is measured on:
    the month's last day, or the as-of day for the as-of month.
-#}
with

clock as (

    select as_of_date from {{ ref('int_clock') }}

),

lines as (

    select period_start_date
    from {{ ref('int_invoice_lines_normalised') }}
    where is_mrr_eligible and account_id is not null

),

bounds as (

    select
        cast({{ dbt.date_trunc('month', 'coalesce(min(lines.period_start_date), max(clock.as_of_date))') }} as date)
            as first_month_start,
        cast({{ dbt.date_trunc('month', 'max(clock.as_of_date)') }} as date) as as_of_month_start,
        max(clock.as_of_date) as as_of_date
    from clock
    left join lines
        on clock.as_of_date >= lines.period_start_date

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
