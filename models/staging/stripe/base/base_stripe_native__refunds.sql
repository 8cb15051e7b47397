{#- Native Stripe `refunds` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('charge_id', 'charge_id'),
        ('amount', 'amount'),
        ('currency', 'currency'),
        ('status', 'status'),
        ('created', 'created'),
] %}

with unioned as (
    {{ landing_union('stripe', 'refunds', columns, key_columns=['id', 'charge_id']) }}
),

final as (

    select * from unioned

)

select * from final
