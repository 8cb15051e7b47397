{#- Native Stripe `prices` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('product_id', 'product_id'),
        ('unit_amount', 'unit_amount'),
        ('currency', 'currency'),
        ('recurring_interval', 'recurring_interval'),
        ('recurring_interval_count', 'recurring_interval_count'),
        ('active', 'active'),
] %}

with unioned as (
    {{ landing_union('stripe', 'prices', columns, key_columns=['id', 'product_id']) }}
),

final as (

    select * from unioned

)

select * from final
