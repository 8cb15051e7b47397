{#-
    One row per invoice line item of an invoice of int_invoices_enriched (so: created before the
    end of the as-of day) in scope: its workspace is in the account spine or unknown to the product
    (so internal workspaces are excluded), with its amount normalised to a month in
    the invoice currency: `month` prices / interval_count, `year` prices / (12 x interval_count)
    (also `week` x 52 / 12 and `day` x 365 / 12 per interval_count, which the spec does not name).
    A line without its own period takes its invoice's period.
    is_mrr_eligible: a `subscription` line, not a proration, on an invoice that is not draft, void
    or uncollectible, with a known price interval.
-#}
with

invoices as (

    select
        invoice_id,
        account_id,
        subscription_id,
        status,
        currency_code,
        created_at
    from {{ ref('int_invoices_enriched') }}

),

-- the workspaces the product knows: one of them outside the spine is out of scope
known_accounts as (

    select account_id
    from {{ ref('stg_product__accounts') }}

),

scoped_accounts as (

    select account_id
    from {{ ref('int_accounts_scoped') }}

),

line_items as (

    select
        line_item_id,
        invoice_id,
        subscription_id,
        price_id,
        line_type,
        is_proration,
        amount,
        currency_code,
        period_start_at,
        period_end_at
    from {{ ref('stg_stripe__invoice_line_items') }}

),

invoice_periods as (

    select
        invoice_id,
        period_start_at,
        period_end_at
    from {{ ref('stg_stripe__invoices') }}

),

prices as (

    select
        price_id,
        recurring_interval,
        recurring_interval_count
    from {{ ref('stg_stripe__prices') }}

),

joined as (

    select
        line_items.line_item_id,
        line_items.invoice_id,
        invoices.account_id,
        coalesce(line_items.subscription_id, invoices.subscription_id) as subscription_id,
        line_items.price_id,
        coalesce(line_items.currency_code, invoices.currency_code) as currency_code,
        line_items.amount,
        line_items.line_type,
        line_items.is_proration,
        invoices.status as invoice_status,
        invoices.created_at as invoice_created_at,
        prices.recurring_interval,
        coalesce(prices.recurring_interval_count, 1) as interval_count,
        cast(coalesce(line_items.period_start_at, invoice_periods.period_start_at) as date) as period_start_date,
        cast(coalesce(line_items.period_end_at, invoice_periods.period_end_at) as date) as period_end_date
    from line_items
    inner join invoices
        on line_items.invoice_id = invoices.invoice_id
    left join invoice_periods
        on line_items.invoice_id = invoice_periods.invoice_id
    left join prices
        on line_items.price_id = prices.price_id
    left join known_accounts
        on invoices.account_id = known_accounts.account_id
    left join scoped_accounts
        on invoices.account_id = scoped_accounts.account_id
    where known_accounts.account_id is null or scoped_accounts.account_id is not null

),

normalised as (

    select
        line_item_id,
        invoice_id,
        account_id,
        subscription_id,
        price_id,
        currency_code,
        case recurring_interval
            when 'month' then amount / (1.0 * interval_count)
            when 'year' then amount / (12.0 * interval_count)
            when 'week' then amount * 52.0 / (12.0 * interval_count)
            when 'day' then amount * 365.0 / (12.0 * interval_count)
        end as monthly_amount,
        period_start_date,
        period_end_date,
        line_type,
        is_proration,
        invoice_status,
        invoice_created_at
    from joined

),

final as (

    select
        line_item_id,
        invoice_id,
        account_id,
        subscription_id,
        price_id,
        currency_code,
        monthly_amount,
        period_start_date,
        period_end_date,
        invoice_created_at,
        coalesce(
            line_type = 'subscription'
            and not coalesce(is_proration, false)
            and invoice_status not in ('draft', 'void', 'uncollectible')
            and monthly_amount is not null,
            false
        ) as is_mrr_eligible
    from normalised

)

select * from final
