{%- set rules = [
    ('null_refund_id', 'refund_id is null', 'id is null'),
    ('unknown_currency', 'minor_unit_digits is null', 'currency is null or not in the currencies seed'),
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
        source.created as created_at,
        currencies.minor_unit_digits
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
        row_number() over (
            partition by refund_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                created_at nulls last,
                status nulls last,
                amount nulls last
        ) as key_rank
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
        quarantine_rule,
        quarantine_detail,
        (refund_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
