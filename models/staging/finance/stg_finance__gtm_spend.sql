with base as (

    select * from {{ ref('base_finance__gtm_spend') }}

),

final as (

    select
        source_relation,
        gtm_spend_id,
        spend_date,
        category,
        channel,
        amount,
        currency_code
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
