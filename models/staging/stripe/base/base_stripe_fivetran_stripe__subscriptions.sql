{#- Fivetran Stripe `subscription` -> the native `subscriptions` columns and types, every connection
    (var stripe_schemas), with source_relation. Rows soft-deleted at the source (_fivetran_deleted) are not
    landed rows of the native contract: left out here, listed in base_stripe_fivetran_stripe__deleted_rows. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='ephemeral') }}

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
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}

with unioned as (
    {{ landing_union('stripe_fivetran', 'subscription', columns, key_columns=['id', 'customer_id']) }}
),

final as (

    select
        id,
        customer_id,
        status,
        created,
        start_date,
        trial_start,
        trial_end,
        canceled_at,
        ended_at,
        current_period_start,
        current_period_end,
        source_relation
    from unioned
    where not coalesce(_fivetran_deleted, false)

)

select * from final
