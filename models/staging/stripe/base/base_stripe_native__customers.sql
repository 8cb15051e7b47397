{#- Native Stripe `customers` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('email', 'email'),
        ('created', 'created'),
        ('metadata', 'metadata'),
        ('currency', 'currency'),
        ('is_deleted', 'is_deleted'),
] %}

with unioned as (
    {{ landing_union('stripe', 'customers', columns, key_columns=['id']) }}
),

final as (

    select * from unioned

)

select * from final
