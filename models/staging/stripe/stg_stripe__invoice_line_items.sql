with base as (

    select * from {{ ref('base_stripe__invoice_line_items') }}

),

final as (

    select
        line_item_id,
        invoice_id,
        subscription_id,
        price_id,
        line_type,
        is_proration,
        quantity,
        amount,
        currency_code,
        period_start_at,
        period_end_at,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
