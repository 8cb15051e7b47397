{#- Users: renamed and typed; the email leaves this model only as email_domain + email_hash (PII). -#}
{%- set rules = [
    ('null_user_id', 'user_id is null', 'user_id is null'),
] %}

with source as (

    select * from {{ source('product', 'users') }}

),

renamed as (

    select
        user_id,
        account_id,
        {{ email_domain('email') }} as email_domain,
        {{ email_hash('email') }} as email_hash,
        lower(trim(role)) as role,
        invited_by_user_id,
        created_at
    from source

),

ruled as (

    select
        *,
        {{ record_key(['user_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                created_at desc nulls last,
                account_id asc nulls last,
                role asc nulls last,
                email_hash asc nulls last,
                invited_by_user_id asc nulls last
        ) as key_rank
    from ruled

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
        record_key,
        quarantine_rule,
        quarantine_detail,
        (user_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
