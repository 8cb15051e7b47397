{#- Native product `accounts` of every connection (var product_schemas), with source_relation. Product ids are NOT
    qualified by the connection (Stripe metadata.account_id must still join): the same id landed by two
    connections is judged by staging's conflicting / exact duplicate rules (DECISIONLOG issue 11, Segment). -#}
{{ config(enabled=landing_enabled('product', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('account_id', 'account_id'),
        ('created_at', 'created_at'),
        ('created_by_user_id', 'created_by_user_id'),
        ('signup_channel', 'signup_channel'),
        ('is_internal', 'is_internal'),
] %}

with unioned as (
    {{ landing_union('product', 'accounts', columns) }}
),

final as (

    select * from unioned

)

select * from final
