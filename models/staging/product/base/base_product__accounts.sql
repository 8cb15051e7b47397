{#- Accounts: renamed and typed, with the quarantine rule and the duplicate-delivery flag (see the YAML). -#}
{%- set rules = [
    ('null_account_id', 'account_id is null', 'account_id is null'),
    ('null_created_at', 'signup_at is null', 'created_at (signup time) is null'),
] %}

with source as (

    select * from {{ source('product', 'accounts') }}

),

renamed as (

    select
        account_id,
        created_at as signup_at,
        created_by_user_id,
        lower(trim(signup_channel)) as signup_channel,
        coalesce(is_internal, false) as is_internal
    from source

),

ruled as (

    select
        *,
        {{ record_key(['account_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                signup_at nulls last,
                created_by_user_id nulls last,
                signup_channel nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        account_id,
        signup_at,
        created_by_user_id,
        signup_channel,
        is_internal,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (account_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
