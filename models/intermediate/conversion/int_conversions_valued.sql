{#- First MRR of each conversion: kept out of int_accounts_converted so that the window flags do not wait on
    the invoice lines (the DAG stays shallow). -#}
with

conversions as (

    select
        account_id,
        conversion_invoice_id,
        converted_at
    from {{ ref('int_accounts_converted') }}

),

invoice_lines as (

    select
        invoice_id,
        currency_code,
        monthly_amount,
        is_mrr_eligible
    from {{ ref('int_invoice_lines_normalised') }}

),

fx_rates as (

    select
        rate_date,
        currency_code,
        usd_per_unit
    from {{ ref('int_fx_rates_daily') }}

),

final as (

    select
        conversions.account_id,
        sum(invoice_lines.monthly_amount * fx_rates.usd_per_unit) as first_mrr_usd
    from conversions
    inner join invoice_lines
        on conversions.conversion_invoice_id = invoice_lines.invoice_id
    left join fx_rates
        on
            invoice_lines.currency_code = fx_rates.currency_code
            and cast(conversions.converted_at as date) = fx_rates.rate_date
    where invoice_lines.is_mrr_eligible
    group by conversions.account_id

)

select * from final
