with base as (

    select * from {{ ref('base_surveys__nps_responses') }}

),

final as (

    select
        source_relation,
        response_id,
        user_id,
        score,
        responded_at
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
