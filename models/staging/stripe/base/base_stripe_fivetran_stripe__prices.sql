{#- Fivetran Stripe `price` -> the native `prices` columns and types, every connection (var stripe_schemas),
    with source_relation. Rows soft-deleted at the source (_fivetran_deleted) are not landed rows of the native
    contract: they are left out here and listed in base_stripe_fivetran_stripe__deleted_rows. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('product_id', 'product_id'),
        ('unit_amount', 'unit_amount'),
        ('currency', 'currency'),
        ('recurring_interval', 'recurring_interval'),
        ('recurring_interval_count', 'cast(recurring_interval_count as ' ~ dbt.type_int() ~ ')'),
        ('active', 'active'),
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}

with unioned as (
    {{ landing_union('stripe_fivetran', 'price', columns, key_columns=['id', 'product_id']) }}
),

final as (

    select
        id,
        product_id,
        unit_amount,
        currency,
        recurring_interval,
        recurring_interval_count,
        active,
        source_relation
    from unioned
    where not coalesce(_fivetran_deleted, false)

)

select * from final
