{#- Fivetran Stripe `refund` -> the native `refunds` columns and types, every connection (var stripe_schemas),
    with source_relation. Rows soft-deleted at the source (_fivetran_deleted) are not landed rows of the native
    contract: they are left out here and listed in base_stripe_fivetran_stripe__deleted_rows. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='ephemeral') }}

{%- set columns = [
        ('id', 'id'),
        ('charge_id', 'charge_id'),
        ('amount', 'amount'),
        ('currency', 'currency'),
        ('status', 'status'),
        ('created', 'created'),
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}

with unioned as (
    {{ landing_union('stripe_fivetran', 'refund', columns, key_columns=['id', 'charge_id']) }}
),

final as (

    select
        id,
        charge_id,
        amount,
        currency,
        status,
        created,
        source_relation
    from unioned
    where not coalesce(_fivetran_deleted, false)

)

select * from final
