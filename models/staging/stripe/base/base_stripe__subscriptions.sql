{%- set rules = [
    ('null_subscription_id', 'subscription_id is null', 'id is null'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'subscriptions') }}

),

renamed as (

    select
        source_relation,
        id as subscription_id,
        customer_id,
        lower(trim(status)) as status,
        created as created_at,
        start_date as started_at,
        trial_start as trial_start_at,
        trial_end as trial_end_at,
        canceled_at,
        ended_at,
        current_period_start as current_period_start_at,
        current_period_end as current_period_end_at
    from source

),

ruled as (

    select
        *,
        {{ record_key(['subscription_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by subscription_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                current_period_end_at desc nulls last,
                ended_at desc nulls last,
                canceled_at desc nulls last,
                status asc nulls last,
                created_at asc nulls last
        ) as key_rank
    from ruled

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
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (subscription_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
