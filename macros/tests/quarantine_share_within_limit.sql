{#-
    quarantine_share_within_limit (applied to a stg_<source>__quarantine model): no rule quarantines more than
    var quarantine_max_share (default 0.05) of a landed table; var quarantine_max_share_by_table
    ({table: share}) overrides it per table. A silent mass quarantine is a broken connector, not dirty data:
    the test fails with a message naming the source, table, rule, rows and share (raise_if_rows).
    tables: the landed tables of the source (source(source_name, table) is counted).
-#}
{% test quarantine_share_within_limit(model, source_name, tables) %}

{%- set default_share = var('quarantine_max_share') | float -%}
{%- set overrides = var('quarantine_max_share_by_table') or {} -%}

{%- set check_query -%}
with landed as (

    {%- for table in tables %}
    select
        cast('{{ table }}' as {{ dbt.type_string() }}) as source_table,
        count(*) as landed_rows,
        cast({{ (overrides.get(table, default_share)) | float }} as {{ plg_type_double() }}) as max_share
    from {{ source(source_name, table) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

quarantined as (

    select
        source_table,
        quarantine_rule,
        count(*) as quarantined_rows
    from {{ model }}
    group by source_table, quarantine_rule

),

final as (

    select
        cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name,
        quarantined.source_table,
        quarantined.quarantine_rule,
        quarantined.quarantined_rows,
        landed.landed_rows,
        round(cast(cast(quarantined.quarantined_rows as {{ plg_type_double() }}) / landed.landed_rows as {{ dbt.type_numeric() }}), 4) as quarantine_share,
        landed.max_share
    from quarantined
    inner join landed
        on quarantined.source_table = landed.source_table
    where
        landed.landed_rows > 0
        and cast(quarantined.quarantined_rows as {{ plg_type_double() }}) / landed.landed_rows > landed.max_share

)

select * from final
{%- endset %}

{{ raise_if_rows(check_query,
    "Quarantine share above the limit (a rule quarantining this much of a table is a broken connector or a changed landing, not dirty data):",
    "Fix the landing (or the connector) of that table; if the share is expected, raise var quarantine_max_share or quarantine_max_share_by_table: {<table>: <share>}.") }}

{{ check_query }}

{% endtest %}
