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

month_spine as (

    {{ date_spine_between('month', 'bounds', 'first_month_start', 'as_of_month_start', 'month_start', 1000) }}

),

months as (

    select
        month_spine.month_start,
        bounds.as_of_month_start,
        bounds.as_of_date
    from month_spine
    cross join bounds

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
