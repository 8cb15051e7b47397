{#- Native Stripe `charges` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('invoice_id', 'invoice_id'),
        ('customer_id', 'customer_id'),
        ('amount', 'amount'),
        ('currency', 'currency'),
        ('status', 'status'),
        ('created', 'created'),
] %}

with unioned as (
    {{ landing_union('stripe', 'charges', columns, key_columns=['id', 'invoice_id', 'customer_id']) }}
),

final as (

    select * from unioned

)

select * from final
