{%- set landed = source_columns('stripe', 'invoice_line_items') %}
{%- set rules = [
    ('null_line_item_id', 'line_item_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
    money_rule('amount', 'amount'),
    ('invoice_not_staged', 'staged_invoice_id is null', 'its invoice is not staged (quarantined or not landed)'),
    ('price_not_staged', "line_type = 'subscription' and staged_price_id is null",
        'a subscription line whose price is not staged (quarantined or not landed)'),
    ('negative_subscription_line', "line_type = 'subscription' and not is_proration and amount < " ~ (var('min_subscription_line_amount') | float), 'a subscription line (not a proration) below var min_subscription_line_amount'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'invoice_line_items') }}

),

currencies as (

    select
        currency_code,
        minor_unit_digits
    from {{ ref('currencies') }}

),

-- the parents' verdicts, read from their base models with staging's own filter (stg_stripe__invoices and
-- stg_stripe__prices are exactly these rows): a base model reads no staging model
staged_invoices as (

    select invoice_id
    from {{ ref('base_stripe__invoices') }}
    where quarantine_rule is null and not is_duplicate_delivery

),

staged_prices as (

    select price_id
    from {{ ref('base_stripe__prices') }}
    where quarantine_rule is null and not is_duplicate_delivery

),

renamed as (

    select
        source.source_relation,
        source.id as line_item_id,
        source.invoice_id,
        source.subscription_id,
        source.price_id,
        lower(trim(source.type)) as line_type,
        coalesce(source.proration, false) as is_proration,
        source.quantity,
        {{ minor_to_major('source.amount', 'currencies.minor_unit_digits') }} as amount,
        upper(trim(source.currency)) as currency_code,
        {{ as_utc('period_start', landed, 'source') }} as period_start_at,
        {{ as_utc('period_end', landed, 'source') }} as period_end_at,
        currencies.minor_unit_digits,
        staged_invoices.invoice_id as staged_invoice_id,
        staged_prices.price_id as staged_price_id,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code
    left join staged_invoices
        on source.invoice_id = staged_invoices.invoice_id
    left join staged_prices
        on source.price_id = staged_prices.price_id

),

ruled as (

    select
        *,
        {{ record_key(['line_item_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['line_item_id'],
            'invoice_id nulls last, amount nulls last, period_start_at nulls last') }}
    from ruled

),

final as (

    select
        line_item_id,
        invoice_id,
        subscription_id,
        price_id,
        line_type,
        is_proration,
        quantity,
        amount,
        currency_code,
        period_start_at,
        period_end_at,
        source_relation,
        record_key,
        {{ dedupe_rule(['line_item_id']) }} as quarantine_rule,
        {{ dedupe_detail(['line_item_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['line_item_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
