{#-
    plg_type_double(): an 8-byte floating point type name for casts (money and rates in marts).
    dbt.type_float() is not usable for that: on duckdb it renders `float`, a 4-byte REAL.
    default (postgres, snowflake, ANSI): double precision; duckdb / spark: double; bigquery: float64.
-#}
{% macro plg_type_double() %}
    {{ return(adapter.dispatch('plg_type_double', 'plg_analytics')()) }}
{% endmacro %}

{% macro default__plg_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__plg_type_double() -%}
    double
{%- endmacro %}

{% macro spark__plg_type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__plg_type_double() -%}
    float64
{%- endmacro %}
