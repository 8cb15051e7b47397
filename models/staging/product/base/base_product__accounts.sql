{#- Accounts: renamed and typed, with the quarantine rule and the duplicate-delivery flag (see the YAML). -#}
{%- set landed = source_columns('product', 'accounts') %}
{%- set rules = [
    ('null_account_id', 'account_id is null', 'account_id is null'),
    ('null_created_at', 'signup_at is null', 'created_at (signup time) is null'),
    implausible_rule('signup_at', 'signup_at'),
] %}

with source as (

    select * from {{ landing_relation('product', 'accounts') }}

),

renamed as (

    select
        source_relation,
        account_id,
        {{ as_utc('created_at', landed) }} as signup_at,
        created_by_user_id,
        lower(trim(signup_channel)) as signup_channel,
        coalesce(is_internal, false) as is_internal,
        {{ landed_version_hash(landed) }} as version_hash
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
        {{ dedupe_ranks(['account_id'],
            'signup_at asc nulls last, is_internal asc, created_by_user_id asc nulls last,'
            ~ ' signup_channel asc nulls last') }}
    from ruled

),

final as (

    select
        account_id,
        signup_at,
        created_by_user_id,
        signup_channel,
        is_internal,
        source_relation,
        record_key,
        {{ dedupe_rule(['account_id']) }} as quarantine_rule,
        {{ dedupe_detail(['account_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['account_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
