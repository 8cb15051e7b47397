{#-
    Go-to-market spend per month x category x channel in USD: each day's spend converted at that
    day's rate (the latest rate on or before it; USD = 1). Spend after the as-of day is ignored.
    Categories as landed (`marketing` by signup channel, `sales` with channel `outbound`).
-#}
with

clock as (

    select as_of_date from {{ ref('int_clock') }}

),

spend as (

    select
        spend_date,
        category,
        channel,
        amount,
        currency_code
    from {{ optional_ref('stg_finance__gtm_spend') }}

),

fx_rates as (

    select
        rate_date,
        currency_code,
        usd_per_unit
    from {{ ref('int_fx_rates_daily') }}

),

spend_usd as (

    select
        cast({{ dbt.date_trunc('month', 'spend.spend_date') }} as date) as month_start,
        spend.category,
        spend.channel,
        spend.amount * case when spend.currency_code = 'USD' then 1 else fx_rates.usd_per_unit end as amount_usd
    from spend
    cross join clock
    left join fx_rates
        on
            spend.currency_code = fx_rates.currency_code
            and spend.spend_date = fx_rates.rate_date
    where spend.spend_date <= clock.as_of_date

),

final as (

    select
        month_start,
        category,
        channel,
        sum(amount_usd) as spend_usd
    from spend_usd
    group by month_start, category, channel

)

select * from final
