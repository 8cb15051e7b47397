with base as (

    select * from {{ ref('base_stripe__refunds') }}

),

final as (

    select
        refund_id,
        charge_id,
        amount,
        currency_code,
        status,
        created_at,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
