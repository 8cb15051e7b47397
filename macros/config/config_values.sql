{#-
    Validated var values, the only way a var reaches SQL (issue 12). validate_project_config() checks every
    var by type and range once, at run start; these helpers re-check the type (a compile of one model
    does not run the hook) and render the value as a number or a date literal, never as raw text.
-#}

{#- a var value as the message shows it: text quoted (so '24' the text differs from 24 the number) -#}
{% macro plg_show(v) -%}
    {{ return("'" ~ v ~ "' (text)" if v is string else v | string) }}
{%- endmacro %}

{#- true when v is a real number (booleans are numbers to Jinja, and are refused) -#}
{% macro plg_is_number(v) -%}
    {{ return(v is number and v is not boolean and v == v) }}
{%- endmacro %}

{#- true when v (a string or a YAML date) is a real calendar date written YYYY-MM-DD -#}
{% macro plg_is_date(v) -%}
    {%- set s = v | string -%}
    {%- set m = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', s) -%}
    {%- if v is none or v is boolean or v is number or not m -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set y = m.group(1) | int -%}
    {%- set mo = m.group(2) | int -%}
    {%- set d = m.group(3) | int -%}
    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(y >= 1 and 1 <= mo <= 12 and 1 <= d <= month_days[mo - 1]) }}
{%- endmacro %}

{#- a number var rendered as a SQL numeric literal (an int stays an int) -#}
{% macro number_var(name) -%}
    {%- set v = var(name) -%}
    {%- if execute and (not plg_is_number(v)) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a number, got '" ~ v ~ "'. Fix it in dbt_project.yml or with --vars") }}
    {%- endif -%}
    {{ return(v | int if v == v | int and v is integer else v | float) }}
{%- endmacro %}

{#- a whole-number var >= 0 (hours, days) -#}
{% macro non_negative_int_var(name) -%}
    {%- set v = var(name) -%}
    {%- if execute and (not plg_is_number(v) or v < 0 or v != v | int) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number >= 0, got '" ~ v ~ "'. Fix it in dbt_project.yml or with --vars") }}
    {%- endif -%}
    {{ return(v | int) }}
{%- endmacro %}

{#- the as_of_date var as a quoted date literal 'YYYY-MM-DD', or none when the var is null -#}
{% macro as_of_date_var() -%}
    {%- set v = var('as_of_date') -%}
    {%- if v is none -%}{{ return(none) }}{%- endif -%}
    {%- if execute and (not plg_is_date(v)) -%}
        {{ exceptions.raise_compiler_error("var as_of_date must be a real date written YYYY-MM-DD (or null for the latest received event), got '" ~ v ~ "'. Fix: dbt build --vars '{as_of_date: \"2026-06-30\"}'") }}
    {%- endif -%}
    {{ return("'" ~ (v | string) ~ "'") }}
{%- endmacro %}
