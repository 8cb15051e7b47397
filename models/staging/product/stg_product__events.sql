with verdicts as (

    select * from {{ ref('base_product__event_verdicts') }}

),

final as (

    select
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at,
        feature_property,
        invitee_count,
        has_invalid_properties,
        source_relation
    from verdicts
    where quarantine_rule is null

)

select * from final
