{#-
    median(expression): the 50th percentile (interpolated) of a numeric expression, as an aggregate.
    duckdb: median(x); postgres (default): percentile_cont(0.5) within group (order by x); spark: percentile(x, 0.5).
-#}
{% macro median(expression) %}
    {{ return(adapter.dispatch('median', 'plg_analytics')(expression)) }}
{% endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
