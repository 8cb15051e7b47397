{%- set landed = source_columns('stripe', 'invoices') %}
{%- set rules = [
    ('null_invoice_id', 'invoice_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
    money_rule('total_amount', 'total'),
    money_rule('amount_paid', 'amount_paid'),
    implausible_rule('created_at', 'created_at'),
    ('paid_without_paid_at', "status = 'paid' and paid_at is null", 'a paid invoice without paid_at'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'invoices') }}

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
        source.id as invoice_id,
        source.customer_id,
        source.subscription_id,
        lower(trim(source.status)) as status,
        lower(trim(source.billing_reason)) as billing_reason,
        upper(trim(source.currency)) as currency_code,
        {{ minor_to_major('source.amount_due', 'currencies.minor_unit_digits') }} as amount_due,
        {{ minor_to_major('source.amount_paid', 'currencies.minor_unit_digits') }} as amount_paid,
        {{ minor_to_major('source.total', 'currencies.minor_unit_digits') }} as total_amount,
        {{ as_utc('created', landed, 'source') }} as created_at,
        {{ as_utc('period_start', landed, 'source') }} as period_start_at,
        {{ as_utc('period_end', landed, 'source') }} as period_end_at,
        {{ utc_column('paid_at', landed, 'source') }},
        currencies.minor_unit_digits,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['invoice_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['invoice_id'],
            'paid_at desc nulls last, status asc nulls last, amount_paid desc nulls last, created_at asc nulls last') }}
    from ruled

),

final as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        status,
        billing_reason,
        currency_code,
        amount_due,
        amount_paid,
        total_amount,
        created_at,
        period_start_at,
        period_end_at,
        paid_at,
        source_relation,
        record_key,
        {{ dedupe_rule(['invoice_id']) }} as quarantine_rule,
        {{ dedupe_detail(['invoice_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['invoice_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
