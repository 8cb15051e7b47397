{%- set rules = [
    ('null_invoice_id', 'invoice_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
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
        source.created as created_at,
        source.period_start as period_start_at,
        source.period_end as period_end_at,
        source.paid_at,
        currencies.minor_unit_digits
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
        row_number() over (
            partition by invoice_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                paid_at desc nulls last,
                status asc nulls last,
                amount_paid desc nulls last,
                created_at asc nulls last
        ) as key_rank
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
        quarantine_rule,
        quarantine_detail,
        (invoice_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
