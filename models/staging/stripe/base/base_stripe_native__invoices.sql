{#- Native Stripe `invoices` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('customer_id', 'customer_id'),
        ('subscription_id', 'subscription_id'),
        ('status', 'status'),
        ('billing_reason', 'billing_reason'),
        ('currency', 'currency'),
        ('amount_due', 'amount_due'),
        ('amount_paid', 'amount_paid'),
        ('total', 'total'),
        ('created', 'created'),
        ('period_start', 'period_start'),
        ('period_end', 'period_end'),
        ('paid_at', 'paid_at'),
] %}

with unioned as (
    {{ landing_union('stripe', 'invoices', columns, key_columns=['id', 'customer_id', 'subscription_id']) }}
),

final as (

    select * from unioned

)

select * from final
