{#-
    Readers of var values, the only way a var reaches SQL (issue 12). validate_project_config() checks every
    var by type and range once, at run start (on-run-start), before any model runs; these readers do not check
    again: they return the (already validated) value rendered as a number or a date literal, never as raw text.
    Without the hook (dbt compile / show / docs of one model) an invalid value is not reported here: it is
    coerced to a harmless literal (a number, or none for as_of_date), so that raw text never reaches SQL.
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

{#- a number as a SQL numeric literal: an int stays an int, anything else is a float (text never passes) -#}
{% macro plg_number(v) -%}
    {{ return(v | int if v is integer and v is not boolean else v | float) }}
{%- endmacro %}

{#- a number var (validated at run start) rendered as a SQL numeric literal -#}
{% macro number_var(name) -%}
    {{ return(plg_number(var(name))) }}
{%- endmacro %}

{#- a whole-number var >= 0 (hours, days), validated at run start -#}
{% macro non_negative_int_var(name) -%}
    {{ return(var(name) | int) }}
{%- endmacro %}

{#- the as_of_date var (validated at run start) as a quoted date literal 'YYYY-MM-DD', or none when null -#}
{% macro as_of_date_var() -%}
    {%- set v = var('as_of_date') -%}
    {%- if v is none or not plg_is_date(v) -%}{{ return(none) }}{%- endif -%}
    {{ return("'" ~ (v | string) ~ "'") }}
{%- endmacro %}
