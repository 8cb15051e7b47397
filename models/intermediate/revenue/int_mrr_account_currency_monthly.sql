{#-
    MRR of each account x month x invoice currency, in local currency, measured at month end
    (the as-of month on the as-of day): the MRR-eligible line items whose
    date(period_start) <= measure day < date(period_end).
    - Superseding: when several invoices of one subscription cover the same day (a plan swap or a
      monthly->annual switch billing a new full-period line while the old line's period still runs),
      only the lines of the latest-created of those invoices count, so a swap is never double counted.
    - Open subscription with a draft renewal: when a subscription that is still open (status active,
      past_due or trialing, not ended by the as-of day) is covered on the measure day only by a draft
      invoice (not counted by METRICS.md), its latest finalized eligible invoice's lines that started on
      or before that day are carried forward, so an open subscription never produces a churn.
    Lines without a known workspace (customer with no metadata.account_id, or an account_id the
    product does not know) are left out. Also carries the currency's USD rate on the measure day.
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

all_lines as (

    select
        line_item_id,
        invoice_id,
        account_id,
        subscription_id,
        currency_code,
        monthly_amount,
        period_start_date,
        period_end_date,
        is_mrr_eligible,
        is_draft_subscription_line
    from {{ ref('int_invoice_lines_normalised') }}
    where account_id is not null and (is_mrr_eligible or is_draft_subscription_line)

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

subscriptions as (

    select
        subscription_id,
        status,
        ended_at
    from {{ ref('stg_stripe__subscriptions') }}

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

open_subscriptions as (

    select subscriptions.subscription_id
    from subscriptions
    cross join clock
    where
        subscriptions.status in ('active', 'past_due', 'trialing')
        and (subscriptions.ended_at is null or subscriptions.ended_at >= clock.as_of_end_at)

),

lines as (

    select
        all_lines.line_item_id,
        all_lines.invoice_id,
        all_lines.account_id,
        coalesce(all_lines.subscription_id, all_lines.invoice_id) as subscription_key,
        all_lines.currency_code,
        all_lines.monthly_amount,
        all_lines.period_start_date,
        all_lines.period_end_date,
        all_lines.is_mrr_eligible,
        all_lines.is_draft_subscription_line,
        invoices.created_at as invoice_created_at
    from all_lines
    inner join invoices
        on all_lines.invoice_id = invoices.invoice_id
    inner join accounts
        on all_lines.account_id = accounts.account_id

),

covering_lines as (

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
    where lines.is_mrr_eligible

),

covered_subscription_months as (

    select distinct
        subscription_key,
        month_start
    from covering_lines

),

draft_only_subscription_months as (

    -- open subscriptions covered on the measure day by a draft invoice and by no counted invoice
    select distinct
        lines.subscription_key,
        measure_days.month_start,
        measure_days.measure_date
    from lines
    inner join measure_days
        on
            lines.period_start_date <= measure_days.measure_date
            and lines.period_end_date > measure_days.measure_date
    inner join open_subscriptions
        on lines.subscription_key = open_subscriptions.subscription_id
    left join covered_subscription_months
        on
            lines.subscription_key = covered_subscription_months.subscription_key
            and measure_days.month_start = covered_subscription_months.month_start
    where
        lines.is_draft_subscription_line
        and covered_subscription_months.subscription_key is null

),

carried_lines as (

    -- the subscription's latest finalized eligible invoice that started on or before the measure day
    select
        draft_only_subscription_months.month_start,
        draft_only_subscription_months.measure_date,
        lines.invoice_id,
        lines.account_id,
        lines.subscription_key,
        lines.currency_code,
        lines.monthly_amount,
        lines.invoice_created_at
    from draft_only_subscription_months
    inner join lines
        on
            draft_only_subscription_months.subscription_key = lines.subscription_key
            and draft_only_subscription_months.measure_date >= lines.period_start_date
    where lines.is_mrr_eligible

),

candidate_lines as (

    select
        month_start,
        measure_date,
        invoice_id,
        account_id,
        subscription_key,
        currency_code,
        monthly_amount,
        invoice_created_at
    from covering_lines
    union all
    select
        month_start,
        measure_date,
        invoice_id,
        account_id,
        subscription_key,
        currency_code,
        monthly_amount,
        invoice_created_at
    from carried_lines

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
    from candidate_lines

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
