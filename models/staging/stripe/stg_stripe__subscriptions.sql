with base as (

    select * from {{ ref('base_stripe__subscriptions') }}

),

final as (

    select
        subscription_id,
        customer_id,
        status,
        created_at,
        started_at,
        trial_start_at,
        trial_end_at,
        canceled_at,
        ended_at,
        current_period_start_at,
        current_period_end_at,
        source_relation
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
