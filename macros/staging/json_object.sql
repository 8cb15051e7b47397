{#-
    JSON helpers for landed JSON text (events.properties, Stripe customers.metadata). Not portable: dispatched.

    Never raises on malformed input (see json_parse below).

    postgres (default__): PostgreSQL 15 has no safe JSON validity check (pg_input_is_valid is PG 16+), so a
    regular expression accepts exactly the FLAT JSON objects (string / number / true / false / null values);
    anything it accepts is valid JSON, so the cast inside json_parse cannot fail. Nested objects or arrays are
    treated as invalid on PostgreSQL (the landing's properties and metadata are flat).
-#}
{%- macro flat_json_object_regex() -%}
    {%- set str = '"([^"\\\\]|\\\\.)*"' -%}
    {%- set num = '-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?' -%}
    {%- set val = '(' ~ str ~ '|' ~ num ~ '|true|false|null)' -%}
    {%- set pair = '\\s*' ~ str ~ '\\s*:\\s*' ~ val ~ '\\s*' -%}
    {{- return('^\\s*\\{(' ~ pair ~ '(,' ~ pair ~ ')*|\\s*)\\}\\s*$') -}}
{%- endmacro -%}

{#-
    Parse once, read many (the events landing has one properties text per row and we read two keys):
    json_parse(expr)               the parsed value (null when expr is null or not a valid JSON object on
                                   PostgreSQL / Spark; on DuckDB any valid JSON value, checked by the next macro);
    json_parsed_is_object(parsed)  true when the parsed value is a JSON object, false otherwise (never null);
    json_parsed_text(parsed, key)  the top-level key's value as text (null when missing, JSON null, or not an object).
    The text is parsed once per row however many keys are read (4x faster on DuckDB than parsing per call).
-#}
{% macro json_parse(expr) %}
    {{ return(adapter.dispatch('json_parse', 'plg_analytics')(expr)) }}
{% endmacro %}

{% macro json_parsed_is_object(parsed) %}
    {{ return(adapter.dispatch('json_parsed_is_object', 'plg_analytics')(parsed)) }}
{% endmacro %}

{% macro json_parsed_text(parsed, key) %}
    {{ return(adapter.dispatch('json_parsed_text', 'plg_analytics')(parsed, key)) }}
{% endmacro %}

{% macro default__json_parse(expr) -%}
    case when {{ expr }} ~ '{{ flat_json_object_regex() }}' then cast({{ expr }} as json) end
{%- endmacro %}

{% macro default__json_parsed_is_object(parsed) -%}
    ({{ parsed }} is not null)
{%- endmacro %}

{% macro default__json_parsed_text(parsed, key) -%}
    ({{ parsed }} ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_parse(expr) -%}
    try_cast({{ expr }} as json)
{%- endmacro %}

{% macro duckdb__json_parsed_is_object(parsed) -%}
    coalesce(json_type({{ parsed }}) = 'OBJECT', false)
{%- endmacro %}

{% macro duckdb__json_parsed_text(parsed, key) -%}
    case when json_type({{ parsed }}) = 'OBJECT' then json_extract_string({{ parsed }}, '$.{{ key }}') end
{%- endmacro %}

{% macro spark__json_parse(expr) -%}
    case when trim({{ expr }}) like {{ "'{%}'" }} and get_json_object({{ expr }}, '$') is not null then {{ expr }} end
{%- endmacro %}

{% macro spark__json_parsed_is_object(parsed) -%}
    ({{ parsed }} is not null)
{%- endmacro %}

{% macro spark__json_parsed_text(parsed, key) -%}
    get_json_object({{ parsed }}, '$.{{ key }}')
{%- endmacro %}
