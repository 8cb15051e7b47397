{#- Native Stripe `invoice_line_items` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('invoice_id', 'invoice_id'),
        ('subscription_id', 'subscription_id'),
        ('price_id', 'price_id'),
        ('type', 'type'),
        ('proration', 'proration'),
        ('quantity', 'quantity'),
        ('amount', 'amount'),
        ('currency', 'currency'),
        ('period_start', 'period_start'),
        ('period_end', 'period_end'),
] %}

with unioned as (
    {{ landing_union('stripe', 'invoice_line_items', columns,
                     key_columns=['id', 'invoice_id', 'subscription_id', 'price_id']) }}
),

final as (

    select * from unioned

)

select * from final
