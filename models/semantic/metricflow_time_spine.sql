{{ config(materialized='table') }}

{#-
    MetricFlow's daily time spine (configured with `time_spine:` in _semantic__models.yml).
    The range covers every signup, invoice and as-of date the project can produce; widen it here
    if your data starts earlier or runs later.
-#}

with

days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('2018-01-01' as date)",
        end_date="cast('2036-01-01' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
