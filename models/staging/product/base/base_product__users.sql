{#- Users: renamed and typed; the email leaves this model only as email_domain + email_hash (PII). -#}
{%- set landed = source_columns('product', 'users') %}
{%- set rules = [
    ('null_user_id', 'user_id is null', 'user_id is null'),
    implausible_rule('created_at', 'created_at'),
] %}

with source as (

    select * from {{ landing_relation('product', 'users') }}

),

renamed as (

    select
        source_relation,
        user_id,
        account_id,
        {{ email_domain('email') }} as email_domain,
        {{ email_hash('email') }} as email_hash,
        lower(trim(role)) as role,
        invited_by_user_id,
        created_at,
        {{ landed_version_hash(landed) }} as version_hash
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
        {{ dedupe_ranks(['user_id'],
            'created_at desc nulls last, account_id asc nulls last, role asc nulls last, email_hash asc nulls last, invited_by_user_id asc nulls last') }}
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
        {{ utc_column('created_at', landed) }},
        source_relation,
        record_key,
        {{ dedupe_rule(['user_id']) }} as quarantine_rule,
        {{ dedupe_detail(['user_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['user_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
