with base as (

    select * from {{ ref('base_stripe__customers') }}

),

final as (

    select
        customer_id,
        account_id,
        email_domain,
        email_hash,
        created_at,
        currency_code,
        is_deleted,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
