{#-
    JSON helpers for landed JSON text (events.properties, Stripe customers.metadata). Not portable: dispatched.

    is_json_object(expr): true when expr is a valid JSON object, false otherwise (null when expr is null).
    json_text(expr, key):  the top-level key's value as text (null when missing, JSON null, or expr is not a
                           valid JSON object). Never raises on malformed input.

    postgres (default__): PostgreSQL 15 has no safe JSON validity check (pg_input_is_valid is PG 16+), so a
    regular expression accepts exactly the FLAT JSON objects (string / number / true / false / null values);
    anything it accepts is valid JSON, so the cast inside json_text cannot fail. Nested objects or arrays are
    treated as invalid on PostgreSQL (the landing's properties and metadata are flat).
-#}
{% macro is_json_object(expr) %}
    {{ return(adapter.dispatch('is_json_object', 'plg_analytics')(expr)) }}
{% endmacro %}

{% macro json_text(expr, key) %}
    {{ return(adapter.dispatch('json_text', 'plg_analytics')(expr, key)) }}
{% endmacro %}

{%- macro flat_json_object_regex() -%}
    {%- set str = '"([^"\\\\]|\\\\.)*"' -%}
    {%- set num = '-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?' -%}
    {%- set val = '(' ~ str ~ '|' ~ num ~ '|true|false|null)' -%}
    {%- set pair = '\\s*' ~ str ~ '\\s*:\\s*' ~ val ~ '\\s*' -%}
    {{- return('^\\s*\\{(' ~ pair ~ '(,' ~ pair ~ ')*|\\s*)\\}\\s*$') -}}
{%- endmacro -%}

{% macro default__is_json_object(expr) -%}
    ({{ expr }} ~ '{{ flat_json_object_regex() }}')
{%- endmacro %}

{% macro default__json_text(expr, key) -%}
    case when {{ expr }} ~ '{{ flat_json_object_regex() }}' then cast({{ expr }} as json) ->> '{{ key }}' end
{%- endmacro %}

{% macro duckdb__is_json_object(expr) -%}
    (json_valid({{ expr }}) and coalesce(json_type(try_cast({{ expr }} as json)) = 'OBJECT', false))
{%- endmacro %}

{% macro duckdb__json_text(expr, key) -%}
    case
        when json_valid({{ expr }}) and json_type(try_cast({{ expr }} as json)) = 'OBJECT'
            then json_extract_string(try_cast({{ expr }} as json), '$.{{ key }}')
    end
{%- endmacro %}

{% macro spark__is_json_object(expr) -%}
    (trim({{ expr }}) like {{ "'{%}'" }} and get_json_object({{ expr }}, '$') is not null)
{%- endmacro %}

{% macro spark__json_text(expr, key) -%}
    case
        when trim({{ expr }}) like {{ "'{%}'" }} then get_json_object({{ expr }}, '$.{{ key }}')
    end
{%- endmacro %}
