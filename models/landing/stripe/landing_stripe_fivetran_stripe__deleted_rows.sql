{#- Every row the Fivetran Stripe connector marks as deleted at the source (_fivetran_deleted = true), per table
    and connection: the landing models leave them out (they are not rows of the native contract), this relation
    keeps them visible (never silently lost). Only the id, never the payload. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='table') }}

with deleted as (

    select
        'customer' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'customer', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as customer_rows
    where customer_rows._fivetran_deleted
    union all
    select
        'product' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'product', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as product_rows
    where product_rows._fivetran_deleted
    union all
    select
        'price' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'price', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as price_rows
    where price_rows._fivetran_deleted
    union all
    select
        'subscription' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'subscription', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as subscription_rows
    where subscription_rows._fivetran_deleted
    union all
    select
        'subscription_item' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'subscription_item', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as subscription_item_rows
    where subscription_item_rows._fivetran_deleted
    union all
    select
        'invoice' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'invoice', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as invoice_rows
    where invoice_rows._fivetran_deleted
    union all
    select
        'invoice_line_item' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'invoice_line_item', [('record_id', 'coalesce(unique_id, id)'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as invoice_line_item_rows
    where invoice_line_item_rows._fivetran_deleted
    union all
    select
        'charge' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'charge', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as charge_rows
    where charge_rows._fivetran_deleted
    union all
    select
        'refund' as source_table,
        record_id,
        source_relation
    from ({{ landing_union('stripe_fivetran', 'refund', [('record_id', 'id'), ('_fivetran_deleted', '_fivetran_deleted')], key_columns=['record_id']) }}) as refund_rows
    where refund_rows._fivetran_deleted

),

final as (

    select
        source_table,
        record_id,
        source_relation
    from deleted

)

select * from final
