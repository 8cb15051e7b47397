{#-
    A currency of the currencies seed with no FX rate on or before the day its money is converted would
    silently drop out of the USD totals (MRR, first MRR, CAC): fail instead, naming the currency, the first
    date without a rate and where the money is used. Fix: land the missing rates (finance.fx_rates).
    Days converted: MRR at each month's measure date, first MRR at the conversion invoice's paid date,
    GTM spend at its spend date (only up to the as-of date, like the models).
-#}
{%- set check_query -%}
with

clock as (

    select
        as_of_date,
        as_of_end_at
    from {{ ref('int_clock') }}

),

fx_rates as (

    select
        rate_date,
        currency_code
    from {{ ref('int_fx_rates_daily') }}

),

mrr_without_rate as (

    select
        'mrr' as used_for,
        lines.currency_code,
        months.measure_date as converted_date
    from {{ ref('int_invoice_lines_normalised') }} as lines
    inner join {{ ref('int_months_spined') }} as months
        on
            lines.period_start_date <= months.measure_date
            and lines.period_end_date > months.measure_date
    left join fx_rates
        on
            lines.currency_code = fx_rates.currency_code
            and months.measure_date = fx_rates.rate_date
    where
        lines.is_mrr_eligible
        and lines.account_id is not null
        and lines.currency_code <> 'USD'
        and fx_rates.rate_date is null

),

first_mrr_without_rate as (

    select
        'first_mrr' as used_for,
        lines.currency_code,
        cast(invoices.paid_at as date) as converted_date
    from {{ ref('int_invoice_lines_normalised') }} as lines
    inner join {{ ref('int_invoices_enriched') }} as invoices
        on lines.invoice_id = invoices.invoice_id
    cross join clock
    left join fx_rates
        on
            lines.currency_code = fx_rates.currency_code
            and cast(invoices.paid_at as date) = fx_rates.rate_date
    where
        lines.is_mrr_eligible
        and invoices.paid_at is not null
        and invoices.paid_at < clock.as_of_end_at
        and fx_rates.rate_date is null

),

spend_without_rate as (

    select
        'gtm_spend' as used_for,
        spend.currency_code,
        spend.spend_date as converted_date
    from {{ ref('stg_finance__gtm_spend') }} as spend
    cross join clock
    left join fx_rates
        on
            spend.currency_code = fx_rates.currency_code
            and spend.spend_date = fx_rates.rate_date
    where
        spend.currency_code <> 'USD'
        and spend.spend_date <= clock.as_of_date
        and fx_rates.rate_date is null

),

unioned as (

    select * from mrr_without_rate
    union all
    select * from first_mrr_without_rate
    union all
    select * from spend_without_rate

),

final as (

    select
        currency_code,
        used_for,
        min(converted_date) as first_date_without_rate,
        count(*) as rows_without_rate
    from unioned
    group by currency_code, used_for

)

select * from final
{%- endset %}

{{ raise_if_rows(check_query,
    "No FX rate on or before the day money must be converted to USD (it would silently drop out of MRR, first MRR or CAC):",
    "Fix: land finance.fx_rates for that currency from that date on (a missing day uses the latest earlier rate).") }}

{{ check_query }}
