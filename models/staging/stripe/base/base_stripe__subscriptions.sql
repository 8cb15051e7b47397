{%- set landed = source_columns('stripe', 'subscriptions') %}
{%- set rules = [
    ('null_subscription_id', 'subscription_id is null', 'id is null'),
    implausible_rule('created_at', 'created_at'),
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
        {{ as_utc('created', landed) }} as created_at,
        {{ as_utc('start_date', landed) }} as started_at,
        {{ as_utc('trial_start', landed) }} as trial_start_at,
        {{ as_utc('trial_end', landed) }} as trial_end_at,
        {{ utc_column('canceled_at', landed) }},
        {{ utc_column('ended_at', landed) }},
        {{ as_utc('current_period_start', landed) }} as current_period_start_at,
        {{ as_utc('current_period_end', landed) }} as current_period_end_at,
        {{ landed_version_hash(landed) }} as version_hash
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
        {{ dedupe_ranks(['subscription_id'],
            'current_period_end_at desc nulls last, ended_at desc nulls last, canceled_at desc nulls last, status asc nulls last, created_at asc nulls last') }}
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
        {{ dedupe_rule(['subscription_id']) }} as quarantine_rule,
        {{ dedupe_detail(['subscription_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['subscription_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
