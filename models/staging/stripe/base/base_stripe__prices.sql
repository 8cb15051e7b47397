{%- set landed = source_columns('stripe', 'prices') %}
{%- set rules = [
    ('null_price_id', 'price_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
    money_rule('unit_amount', 'unit_amount'),
    ('null_recurring_interval', 'recurring_interval is null or recurring_interval_count is null', 'a recurring price without recurring_interval or recurring_interval_count'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'prices') }}

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
        source.id as price_id,
        source.product_id,
        {{ minor_to_major('source.unit_amount', 'currencies.minor_unit_digits') }} as unit_amount,
        upper(trim(source.currency)) as currency_code,
        lower(trim(source.recurring_interval)) as recurring_interval,
        source.recurring_interval_count,
        source.active as is_active,
        currencies.minor_unit_digits,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['price_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['price_id'],
            'is_active desc nulls last, product_id asc nulls last, unit_amount asc nulls last, currency_code asc nulls last') }}
    from ruled

),

final as (

    select
        price_id,
        product_id,
        unit_amount,
        currency_code,
        recurring_interval,
        recurring_interval_count,
        is_active,
        source_relation,
        record_key,
        {{ dedupe_rule(['price_id']) }} as quarantine_rule,
        {{ dedupe_detail(['price_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['price_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
