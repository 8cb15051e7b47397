{#-
    dbt's get_where_subquery (the `where` config of a data test), with one placeholder: __event_batch__ is
    replaced, when the test runs, by event_batch_filter() (issue 13: an incremental run tests the rows of
    its event window). Any other where is applied as dbt does.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- if '__event_batch__' in where -%}
            {%- set where = where | replace('__event_batch__', event_batch_filter()) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
