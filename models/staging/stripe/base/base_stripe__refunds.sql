{%- set landed = source_columns('stripe', 'refunds') %}
{%- set rules = [
    ('null_refund_id', 'refund_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
    money_rule('amount', 'amount'),
    implausible_rule('created_at', 'created_at'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'refunds') }}

),

currencies as (

    select
        currency_code,
        minor_unit_digits
    from {{ ref('currencies') }}

),

renamed as (

    select
        source.source_relation,
        source.id as refund_id,
        source.charge_id,
        {{ minor_to_major('source.amount', 'currencies.minor_unit_digits') }} as amount,
        upper(trim(source.currency)) as currency_code,
        lower(trim(source.status)) as status,
        {{ as_utc('created', landed, 'source') }} as created_at,
        currencies.minor_unit_digits,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['refund_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['refund_id'],
            'created_at nulls last, status nulls last, amount nulls last') }}
    from ruled

),

final as (

    select
        refund_id,
        charge_id,
        amount,
        currency_code,
        status,
        created_at,
        source_relation,
        record_key,
        {{ dedupe_rule(['refund_id']) }} as quarantine_rule,
        {{ dedupe_detail(['refund_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['refund_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
