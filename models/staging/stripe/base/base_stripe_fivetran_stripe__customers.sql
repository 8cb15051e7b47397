{#- Fivetran Stripe `customer` -> the native `customers` columns and types, every connection (var stripe_schemas),
    with source_relation. Rows soft-deleted at the source (_fivetran_deleted) are not landed rows of the native
    contract: they are left out here and listed in base_stripe_fivetran_stripe__deleted_rows. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('email', 'email'),
        ('created', 'created'),
        ('metadata', 'metadata'),
        ('currency', 'currency'),
        ('is_deleted', 'is_deleted'),
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}

with unioned as (
    {{ landing_union('stripe_fivetran', 'customer', columns, key_columns=['id']) }}
),

final as (

    select
        id,
        email,
        created,
        metadata,
        currency,
        is_deleted,
        source_relation
    from unioned
    where not coalesce(_fivetran_deleted, false)

)

select * from final
