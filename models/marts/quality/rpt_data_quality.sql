{#-
    Data quality for BI tools: how many landed rows each staging rule quarantined (is_quarantined true) and
    how many staged rows carry a flag (is_quarantined false: invalid_properties_json, events staged with a
    properties text that is not a JSON object), per source relation, source, landing table, rule and
    received date. received_date: events' received_at; tables without received_at use their own time column
    (see the quarantine models' received_date; null for products and prices). Exact duplicates are not here
    (they are removed, not judged); conflicting duplicates are (rule conflicting_duplicate).
-#}
{#- a source system turned off (using_crm, using_surveys) has no quarantine model and no rows here;
    finance keeps its quarantine (fx_rates is always read) -#}
{%- set sources = [] %}
{%- for source_name in ['product', 'stripe', 'crm', 'surveys', 'finance'] %}
{%- if source_name == 'finance' or system_enabled(source_name) %}
{%- do sources.append(source_name) %}
{%- endif %}
{%- endfor %}

with

{% for source_name in sources -%}
{{ source_name }}_quarantine as (

    select
        source_relation,
        cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name,
        source_table as table_name,
        quarantine_rule as rule,
        received_date
    from {{ ref('stg_' ~ source_name ~ '__quarantine') }}

),

{% endfor -%}

quarantined as (

    {%- for source_name in sources %}
    select * from {{ source_name }}_quarantine
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

quarantine_counts as (

    select
        source_relation,
        source_name,
        table_name,
        rule,
        received_date,
        count(*) as row_count
    from quarantined
    group by source_relation, source_name, table_name, rule, received_date

),

flagged_events as (

    select
        source_relation,
        cast(received_at as date) as received_date
    from {{ ref('stg_product__events') }}
    where has_invalid_properties

),

flag_counts as (

    select
        source_relation,
        cast('product' as {{ dbt.type_string() }}) as source_name,
        cast('events' as {{ dbt.type_string() }}) as table_name,
        cast('invalid_properties_json' as {{ dbt.type_string() }}) as rule,
        received_date,
        count(*) as row_count
    from flagged_events
    group by source_relation, received_date

),

final as (

    select
        source_relation,
        source_name,
        table_name,
        rule,
        received_date,
        cast(row_count as {{ dbt.type_bigint() }}) as rows,
        true as is_quarantined
    from quarantine_counts
    union all
    select
        source_relation,
        source_name,
        table_name,
        rule,
        received_date,
        cast(row_count as {{ dbt.type_bigint() }}) as rows,
        false as is_quarantined
    from flag_counts

)

select
    source_relation,
    source_name,
    table_name,
    rule,
    received_date,
    rows,
    is_quarantined
from final
