{#- Native Stripe `products` of every connection (var stripe_schemas), with source_relation; ids qualified
    by the connection when there are several (macros/landing/landing.sql). -#}
{{ config(enabled=landing_enabled('stripe', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('name', 'name'),
        ('active', 'active'),
] %}

with unioned as (
    {{ landing_union('stripe', 'products', columns, key_columns=['id']) }}
),

final as (

    select * from unioned

)

select * from final
