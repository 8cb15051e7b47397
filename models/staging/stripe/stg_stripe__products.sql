with base as (

    select * from {{ ref('base_stripe__products') }}

),

final as (

    select
        product_id,
        product_name,
        is_active,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
