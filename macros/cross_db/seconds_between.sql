{#-
    seconds_between(start_at, end_at): exact elapsed seconds (fractional, double) from start_at to end_at
    (negative when end_at is earlier). Unlike dbt.datediff it does not count calendar boundaries.
-#}
{% macro seconds_between(start_at, end_at) %}
    {{ return(adapter.dispatch('seconds_between', 'plg_analytics')(start_at, end_at)) }}
{% endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    cast(extract(epoch from ({{ end_at }} - {{ start_at }})) as double precision)
{%- endmacro %}

{% macro duckdb__seconds_between(start_at, end_at) -%}
    (cast(date_diff('microsecond', {{ start_at }}, {{ end_at }}) as double) / 1000000.0)
{%- endmacro %}

{% macro spark__seconds_between(start_at, end_at) -%}
    (cast({{ end_at }} as double) - cast({{ start_at }} as double))
{%- endmacro %}
