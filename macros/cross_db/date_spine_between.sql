{#-
    A dense date series between two dates read from a one-row relation (column references, unlike
    dbt.date_spine whose bounds must be known at compile time): one row per datepart step from
    <bounds>.<start_column> to <bounds>.<end_column>, both included, as a date column <spine_column>.
    Portable (dbt.generate_series, dbt.dateadd, dbt.datediff: no generate_series / range table function);
    at most max_intervals steps (0 .. max_intervals - 1). The relation must already be in scope, e.g. a CTE:

        month_spine as (
            {{ date_spine_between('month', 'bounds', 'first_month_start', 'as_of_month_start', 'month_start', 1000) }}
        ),
-#}
{% macro date_spine_between(datepart, bounds, start_column, end_column, spine_column, max_intervals) -%}
    {%- set start_at = bounds ~ '.' ~ start_column -%}
    {%- set end_at = bounds ~ '.' ~ end_column -%}
    select
        cast({{ dbt.dateadd(datepart, 'spine_numbers.interval_number', start_at) }} as date) as {{ spine_column }}
    from (
        select cast(spine_series.generated_number - 1 as {{ dbt.type_int() }}) as interval_number
        from ({{ dbt.generate_series(max_intervals) }}) as spine_series
    ) as spine_numbers
    cross join {{ bounds }}
    where spine_numbers.interval_number <= {{ dbt.datediff(start_at, end_at, datepart) }}
{%- endmacro %}
