{#- dbt_utils-compatible: combinations of the columns that occur more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}

{%- if quote_columns -%}
    {%- set columns = [] -%}
    {%- for column in combination_of_columns -%}
        {%- do columns.append(adapter.quote(column)) -%}
    {%- endfor -%}
{%- else -%}
    {%- set columns = combination_of_columns -%}
{%- endif -%}
{%- set columns_csv = columns | join(', ') %}

with validation_errors as (

    select
        {{ columns_csv }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1

)

select * from validation_errors

{% endtest %}
