{%- set rules = [
    ('null_line_item_id', 'line_item_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
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
        source.period_start as period_start_at,
        source.period_end as period_end_at,
        currencies.minor_unit_digits
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

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
        row_number() over (
            partition by line_item_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                invoice_id nulls last,
                amount nulls last,
                period_start_at nulls last
        ) as key_rank
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
        quarantine_rule,
        quarantine_detail,
        (line_item_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
