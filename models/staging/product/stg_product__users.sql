with base as (

    select * from {{ ref('base_product__users') }}

),

final as (

    select
        user_id,
        account_id,
        email_domain,
        email_hash,
        role,
        invited_by_user_id,
        created_at,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
