{%- set rules = [
    ('null_activity_id', 'activity_id is null', 'activity_id is null'),
] %}

with source as (

    select * from {{ source('crm', 'activities') }}

),

renamed as (

    select
        activity_id,
        company_id,
        lower(trim(activity_type)) as activity_type,
        lower(trim(owner_type)) as owner_type,
        occurred_at
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
        row_number() over (
            partition by activity_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                occurred_at nulls last,
                company_id nulls last,
                activity_type nulls last,
                owner_type nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        activity_id,
        company_id,
        activity_type,
        owner_type,
        occurred_at,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (activity_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
