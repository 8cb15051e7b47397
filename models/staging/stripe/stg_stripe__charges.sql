with base as (

    select * from {{ ref('base_stripe__charges') }}

),

final as (

    select
        charge_id,
        invoice_id,
        customer_id,
        amount,
        currency_code,
        status,
        created_at,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
