{#- GTM spend: natural key (spend_date, category, channel, currency, and the connection when finance_schemas lists
    several: two entities' spends are both spent); gtm_spend_id is its hash. -#}
{%- set landed = source_columns('finance', 'gtm_spend') %}
{%- set rules = [
    ('null_spend_date', 'spend_date is null', 'spend_date is null'),
    ('null_category', 'category is null', 'category is null'),
    ('null_channel', 'channel is null', 'channel is null'),
    ('unknown_currency', 'is_currency_unknown', 'currency is null or not in the currencies seed'),
    ('null_amount', 'amount is null', 'amount is null'),
    money_rule('amount', 'amount'),
    implausible_rule('spend_date', 'spend_date'),
] %}

with source as (

    select * from {{ landing_relation('finance', 'gtm_spend') }}

),

currencies as (

    select currency_code from {{ ref('currencies') }}

),

renamed as (

    select
        source.source_relation,
        source.spend_date,
        lower(trim(source.category)) as category,
        lower(trim(source.channel)) as channel,
        cast(source.amount as {{ dbt.type_numeric() }}) as amount,
        upper(trim(source.currency)) as currency_code,
        (currencies.currency_code is null) as is_currency_unknown,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['spend_date', 'category', 'channel', 'currency_code']
            + connection_key('finance')) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['record_key'],
            'amount desc nulls last') }}
    from ruled

),

final as (

    select
        source_relation,
        {{ dbt.hash('record_key') }} as gtm_spend_id,
        spend_date,
        category,
        channel,
        amount,
        currency_code,
        record_key,
        {{ dedupe_rule(['record_key']) }} as quarantine_rule,
        {{ dedupe_detail(['record_key']) }} as quarantine_detail,
        {{ is_exact_duplicate(['record_key']) }} as is_duplicate_delivery
    from ranked

)

select * from final
