{#- Fivetran Stripe `invoice` -> the native `invoices` columns and types, every connection (var stripe_schemas),
    with source_relation. Rows soft-deleted at the source (_fivetran_deleted) are not landed rows of the native
    contract: they are left out here and listed in base_stripe_fivetran_stripe__deleted_rows. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='ephemeral') }}

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
        ('paid_at', 'status_transitions_paid_at'),
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}

with unioned as (
    {{ landing_union('stripe_fivetran', 'invoice', columns, key_columns=['id', 'customer_id', 'subscription_id']) }}
),

final as (

    select
        id,
        customer_id,
        subscription_id,
        status,
        billing_reason,
        currency,
        amount_due,
        amount_paid,
        total,
        created,
        period_start,
        period_end,
        paid_at,
        source_relation
    from unioned
    where not coalesce(_fivetran_deleted, false)

)

select * from final
