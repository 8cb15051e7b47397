{#- Native CRM `activities` of every connection (var crm_schemas), with source_relation; activity and company
    ids qualified by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('crm', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('activity_id', 'activity_id'),
        ('company_id', 'company_id'),
        ('activity_type', 'activity_type'),
        ('owner_type', 'owner_type'),
        ('occurred_at', 'occurred_at'),
] %}

with unioned as (
    {{ landing_union('crm', 'activities', columns, key_columns=['activity_id', 'company_id']) }}
),

final as (

    select * from unioned

)

select * from final
