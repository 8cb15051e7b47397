{#- Every HubSpot row deleted at the source, per table and connection: companies with is_deleted and engagements
    whose typed row has _fivetran_deleted = true. base_crm_fivetran_hubspot__companies / __activities leave them
    out (they are not rows of the native contract); this relation keeps them visible. Only the id, never the
    payload. -#}
{{ config(enabled=landing_enabled('crm', 'fivetran_hubspot'), materialized='table') }}

{%- set string = dbt.type_string() %}
{%- set tables = [('company', 'id', 'is_deleted'), ('engagement_meeting', 'engagement_id', '_fivetran_deleted'),
                  ('engagement_call', 'engagement_id', '_fivetran_deleted'),
                  ('engagement_email', 'engagement_id', '_fivetran_deleted'),
                  ('engagement_note', 'engagement_id', '_fivetran_deleted')] %}

with
{%- for table, key, flag in tables %}

{{ table }}_rows as (
    {{ landing_union('crm_hubspot', table, [('record_id', 'cast(' ~ key ~ ' as ' ~ string ~ ')'),
                                            ('is_deleted_at_source', flag)], key_columns=['record_id']) }}
),
{%- endfor %}

deleted as (
{%- for table, key, flag in tables %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ table }}' as source_table,
        {{ table }}_rows.record_id,
        {{ table }}_rows.source_relation
    from {{ table }}_rows
    where {{ table }}_rows.is_deleted_at_source = true
    {%- endfor %}

),

final as (

    select
        source_table,
        record_id,
        source_relation
    from deleted

)

select * from final
