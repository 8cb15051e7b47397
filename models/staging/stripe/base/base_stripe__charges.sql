{%- set landed = source_columns('stripe', 'charges') %}
{%- set rules = [
    ('null_charge_id', 'charge_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
    money_rule('amount', 'amount'),
    implausible_rule('created_at', 'created_at'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'charges') }}

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
        source.id as charge_id,
        source.invoice_id,
        source.customer_id,
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
        {{ record_key(['charge_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['charge_id'],
            'created_at nulls last, status nulls last, amount nulls last') }}
    from ruled

),

final as (

    select
        charge_id,
        invoice_id,
        customer_id,
        amount,
        currency_code,
        status,
        created_at,
        source_relation,
        record_key,
        {{ dedupe_rule(['charge_id']) }} as quarantine_rule,
        {{ dedupe_detail(['charge_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['charge_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
