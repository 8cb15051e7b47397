{#- GTM spend: natural key (spend_date, category, channel, currency); gtm_spend_id is its hash. -#}
{%- set rules = [
    ('null_spend_date', 'spend_date is null', 'spend_date is null'),
    ('null_category', 'category is null', 'category is null'),
    ('null_channel', 'channel is null', 'channel is null'),
    ('unknown_currency', 'is_currency_unknown', 'currency is null or not in the currencies seed'),
    ('null_amount', 'amount is null', 'amount is null'),
] %}

with source as (

    select * from {{ source('finance', 'gtm_spend') }}

),

currencies as (

    select currency_code from {{ ref('currencies') }}

),

renamed as (

    select
        source.spend_date,
        lower(trim(source.category)) as category,
        lower(trim(source.channel)) as channel,
        cast(source.amount as {{ dbt.type_numeric() }}) as amount,
        upper(trim(source.currency)) as currency_code,
        (currencies.currency_code is null) as is_currency_unknown
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['spend_date', 'category', 'channel', 'currency_code']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_key
            order by
                case when quarantine_rule is null then 0 else 1 end,
                amount desc nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        {{ dbt.hash('record_key') }} as gtm_spend_id,
        spend_date,
        category,
        channel,
        amount,
        currency_code,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (record_key is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
