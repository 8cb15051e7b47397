{#-
    A date spine never truncates silently (issue 12): the spine column's last value must be the as-of
    date truncated to the spine's datepart (int_clock). the spine models (int_months_spined, int_fx_rates_daily) generate at most
    max_intervals steps from the first date of the data; a date far in the past (a signup in 1900)
    would otherwise cut the spine's END, and every later month or day would be missing.
    The failing row says what happened and what to fix.
-#}
{% test date_spine_reaches_as_of(model, column_name, datepart) %}
{#- the clock by its relation, not ref(): a ref would select this test with int_clock alone
    (eager indirect selection); the spine model depends on int_clock, so it is built before -#}
{%- set clock_relation = plg_model_relation('int_clock') if execute else none %}

with

spine as (

    select max({{ column_name }}) as last_date, min({{ column_name }}) as first_date
    from {{ model }}

),

clock as (

    select cast({{ dbt.date_trunc(datepart, 'as_of_date') }} as date) as expected_last_date
    {% if clock_relation is not none -%}
    from {{ clock_relation }}
    {%- else -%}
    from (select {{ dbt.current_timestamp() }} as as_of_date) as no_clock_yet where 1 = 0
    {%- endif %}

),

final as (

    select
        spine.first_date,
        spine.last_date,
        clock.expected_last_date,
        cast('the {{ datepart }} spine stops before the as-of {{ datepart }}: its range (from first_date) exceeds the bound of the spine model; fix or quarantine the implausible date in the landing' as {{ dbt.type_string() }}) as problem
    from spine
    cross join clock
    where spine.last_date is null or spine.last_date <> clock.expected_last_date

)

select * from final

{% endtest %}
