{#- Native product `events` of every connection (var product_schemas), with source_relation. Product ids are NOT
    qualified by the connection (Stripe metadata.account_id must still join): the same id landed by two
    connections is judged by staging's conflicting / exact duplicate rules (DECISIONLOG issue 11, Segment). -#}
{{ config(enabled=landing_enabled('product', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('event_id', 'event_id'),
        ('event_name', 'event_name'),
        ('user_id', 'user_id'),
        ('account_id', 'account_id'),
        ('occurred_at', 'occurred_at'),
        ('received_at', 'received_at'),
        ('properties', 'properties'),
] %}

with unioned as (
    {{ landing_union('product', 'events', columns) }}
),

final as (

    select * from unioned

)

select * from final
