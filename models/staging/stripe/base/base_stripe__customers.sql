{#- Stripe customers: account_id from metadata (JSON), email as domain + hash only (PII). -#}
{%- set landed = source_columns('stripe', 'customers') %}
{%- set rules = [
    ('null_customer_id', 'customer_id is null', 'id is null'),
    ('invalid_metadata_json', 'is_metadata_invalid', 'metadata is not a valid JSON object'),
    ('unknown_currency', 'is_currency_unknown', 'currency is not in the currencies seed'),
    implausible_rule('created_at', 'created_at'),
] %}

with source as (

    select
        *,
        {{ json_parse('metadata') }} as metadata_json
    from {{ landing_relation('stripe', 'customers') }}

),

currencies as (

    select currency_code from {{ ref('currencies') }}

),

renamed as (

    select
        source.source_relation,
        source.id as customer_id,
        {{ json_parsed_text('source.metadata_json', 'account_id') }} as account_id,
        {{ email_domain('source.email') }} as email_domain,
        {{ email_hash('source.email') }} as email_hash,
        {{ as_utc('created', landed, 'source') }} as created_at,
        upper(trim(source.currency)) as currency_code,
        source.is_deleted,
        (
            source.metadata is not null and not {{ json_parsed_is_object('source.metadata_json') }}
        ) as is_metadata_invalid,
        (source.currency is not null and currencies.currency_code is null) as is_currency_unknown,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['customer_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['customer_id'],
            'created_at desc nulls last, account_id asc nulls last, email_hash asc nulls last, currency_code asc nulls last') }}
    from ruled

),

final as (

    select
        customer_id,
        account_id,
        email_domain,
        email_hash,
        created_at,
        currency_code,
        coalesce(is_deleted, false) as is_deleted,
        source_relation,
        record_key,
        {{ dedupe_rule(['customer_id']) }} as quarantine_rule,
        {{ dedupe_detail(['customer_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['customer_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
