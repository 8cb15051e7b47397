with base as (

    select * from {{ ref('base_stripe__prices') }}

),

final as (

    select
        price_id,
        product_id,
        unit_amount,
        currency_code,
        recurring_interval,
        recurring_interval_count,
        is_active,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
