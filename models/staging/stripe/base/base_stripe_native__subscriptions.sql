{#- Native Stripe `subscriptions` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('customer_id', 'customer_id'),
        ('status', 'status'),
        ('created', 'created'),
        ('start_date', 'start_date'),
        ('trial_start', 'trial_start'),
        ('trial_end', 'trial_end'),
        ('canceled_at', 'canceled_at'),
        ('ended_at', 'ended_at'),
        ('current_period_start', 'current_period_start'),
        ('current_period_end', 'current_period_end'),
] %}

with unioned as (
    {{ landing_union('stripe', 'subscriptions', columns, key_columns=['id', 'customer_id']) }}
),

final as (

    select * from unioned

)

select * from final
