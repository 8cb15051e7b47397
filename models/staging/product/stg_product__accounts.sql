with base as (

    select * from {{ ref('base_product__accounts') }}

),

final as (

    select
        account_id,
        signup_at,
        created_by_user_id,
        signup_channel,
        is_internal,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
