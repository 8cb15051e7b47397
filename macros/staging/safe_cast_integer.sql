{#-
    safe_cast_integer(expr): text -> integer, null when the text is not a whole number (never raises).
    dbt.safe_cast is a plain cast on PostgreSQL, hence this macro.
-#}
{% macro safe_cast_integer(expr) %}
    {{ return(adapter.dispatch('safe_cast_integer', 'plg_analytics')(expr)) }}
{% endmacro %}

{% macro default__safe_cast_integer(expr) -%}
    case when trim({{ expr }}) ~ '^-?[0-9]{1,9}$' then cast(trim({{ expr }}) as integer) end
{%- endmacro %}

{% macro duckdb__safe_cast_integer(expr) -%}
    case when regexp_full_match(trim({{ expr }}), '-?[0-9]{1,9}') then cast(trim({{ expr }}) as integer) end
{%- endmacro %}

{% macro spark__safe_cast_integer(expr) -%}
    case when trim({{ expr }}) rlike '^-?[0-9]{1,9}$' then cast(trim({{ expr }}) as int) end
{%- endmacro %}
