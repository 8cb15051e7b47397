{%- set landed = source_columns('crm', 'activities') %}
{%- set rules = [
    ('null_activity_id', 'activity_id is null', 'activity_id is null'),
    implausible_rule('occurred_at', 'occurred_at'),
] %}

with source as (

    select * from {{ landing_relation('crm', 'activities') }}

),

renamed as (

    select
        source_relation,
        activity_id,
        company_id,
        lower(trim(activity_type)) as activity_type,
        lower(trim(owner_type)) as owner_type,
        occurred_at,
        {{ landed_version_hash(landed) }} as version_hash
    from source

),

ruled as (

    select
        *,
        {{ record_key(['activity_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['activity_id'],
            'occurred_at nulls last, company_id nulls last, activity_type nulls last, owner_type nulls last') }}
    from ruled

),

final as (

    select
        source_relation,
        activity_id,
        company_id,
        activity_type,
        owner_type,
        {{ utc_column('occurred_at', landed) }},
        record_key,
        {{ dedupe_rule(['activity_id']) }} as quarantine_rule,
        {{ dedupe_detail(['activity_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['activity_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
