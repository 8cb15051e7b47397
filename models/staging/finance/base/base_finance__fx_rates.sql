{#- FX rates: natural key (rate_date, currency), over every connection (one currency reference: the same rate landed
    by two finance connections is a duplicate); fx_rate_id is its hash. -#}
{%- set landed = source_columns('finance', 'fx_rates') %}
{%- set rules = [
    ('null_rate_date', 'rate_date is null', 'rate_date is null'),
    ('unknown_currency', 'is_currency_unknown', 'currency is null or not in the currencies seed'),
    ('invalid_usd_per_unit', 'usd_per_unit is null or usd_per_unit <= 0', 'usd_per_unit is null or not positive'),
    implausible_rule('rate_date', 'rate_date'),
] %}

with source as (

    select * from {{ landing_relation('finance', 'fx_rates') }}

),

currencies as (

    select currency_code from {{ ref('currencies') }}

),

renamed as (

    select
        source.source_relation,
        source.rate_date,
        upper(trim(source.currency)) as currency_code,
        cast(source.usd_per_unit as {{ dbt.type_numeric() }}) as usd_per_unit,
        (currencies.currency_code is null) as is_currency_unknown,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source
    left join currencies
        on upper(trim(source.currency)) = currencies.currency_code

),

ruled as (

    select
        *,
        {{ record_key(['rate_date', 'currency_code']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['record_key'],
            'usd_per_unit desc nulls last') }}
    from ruled

),

final as (

    select
        source_relation,
        {{ dbt.hash('record_key') }} as fx_rate_id,
        rate_date,
        currency_code,
        usd_per_unit,
        record_key,
        {{ dedupe_rule(['record_key']) }} as quarantine_rule,
        {{ dedupe_detail(['record_key']) }} as quarantine_detail,
        {{ is_exact_duplicate(['record_key']) }} as is_duplicate_delivery
    from ranked

)

select * from final
