with base as (

    select * from {{ ref('base_stripe__invoices') }}

),

final as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        status,
        billing_reason,
        currency_code,
        amount_due,
        amount_paid,
        total_amount,
        created_at,
        period_start_at,
        period_end_at,
        paid_at,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
