{#-
    MRR of each account x month x invoice currency, in local currency, measured at month end
    (the as-of month on the as-of day), following METRICS.md literally: the MRR-eligible line items
    (type subscription, not proration, of invoices that are not draft, void or uncollectible) whose
    date(period_start) <= measure day < date(period_end).
    - Superseding: when several counted invoices of one subscription cover the same day (a plan swap
      or a monthly->annual switch billing a new full-period line while the old line's period still
      runs), only the lines of the latest-created of those invoices count, so a swap is never double
      counted.
    - No carry-forward: a subscription whose renewal invoice is still draft (or is uncollectible or
      void) on the measure day has no counted invoice covering that day, so it has no MRR that month
      (a churn month for an account with no other MRR), whatever the subscription's status.
    Lines without a known workspace (customer with no metadata.account_id, or an account_id the
    product does not know) are left out. Also carries the currency's USD rate on the measure day.
-#}
with

eligible_lines as (

    select
        line_item_id,
        invoice_id,
        account_id,
        subscription_id,
        currency_code,
        monthly_amount,
        period_start_date,
        period_end_date
    from {{ ref('int_invoice_lines_normalised') }}
    where account_id is not null and is_mrr_eligible

),

accounts as (

    -- workspaces known to the product (internal ones are already excluded upstream)
    select account_id
    from {{ ref('stg_product__accounts') }}

),

invoices as (

    select
        invoice_id,
        created_at
    from {{ ref('int_invoices_enriched') }}

),

fx_rates as (

    select
        rate_date,
        currency_code,
        usd_per_unit
    from {{ ref('int_fx_rates_daily') }}

),

measure_days as (

    select
        month_start,
        measure_date
    from {{ ref('int_mrr_months') }}

),

lines as (

    select
        eligible_lines.line_item_id,
        eligible_lines.invoice_id,
        eligible_lines.account_id,
        coalesce(eligible_lines.subscription_id, eligible_lines.invoice_id) as subscription_key,
        eligible_lines.currency_code,
        eligible_lines.monthly_amount,
        eligible_lines.period_start_date,
        eligible_lines.period_end_date,
        invoices.created_at as invoice_created_at
    from eligible_lines
    inner join invoices
        on eligible_lines.invoice_id = invoices.invoice_id
    inner join accounts
        on eligible_lines.account_id = accounts.account_id

),

covering_lines as (

    -- the counted lines whose period covers the month's measure day
    select
        measure_days.month_start,
        measure_days.measure_date,
        lines.invoice_id,
        lines.account_id,
        lines.subscription_key,
        lines.currency_code,
        lines.monthly_amount,
        lines.invoice_created_at
    from lines
    inner join measure_days
        on
            lines.period_start_date <= measure_days.measure_date
            and lines.period_end_date > measure_days.measure_date

),

ranked_lines as (

    select
        month_start,
        measure_date,
        account_id,
        currency_code,
        monthly_amount,
        dense_rank() over (
            partition by account_id, subscription_key, month_start
            order by invoice_created_at desc, invoice_id desc
        ) as invoice_recency_rank
    from covering_lines

),

account_currency_months as (

    select
        account_id,
        month_start,
        measure_date,
        currency_code,
        sum(monthly_amount) as local_mrr_amount
    from ranked_lines
    where invoice_recency_rank = 1
    group by account_id, month_start, measure_date, currency_code

),

final as (

    select
        account_currency_months.account_id,
        account_currency_months.month_start,
        account_currency_months.measure_date,
        account_currency_months.currency_code,
        account_currency_months.local_mrr_amount,
        fx_rates.usd_per_unit
    from account_currency_months
    left join fx_rates
        on
            account_currency_months.currency_code = fx_rates.currency_code
            and account_currency_months.measure_date = fx_rates.rate_date

)

select * from final
