{#-
    An open subscription never produces a churn row: no fct_mrr churn month while the account has a
    subscription that is still open at the as-of day (active, past_due or trialing, not ended), that
    had started by the month's measure day and had already billed MRR (an eligible line > 0) by then.
    Returns the offending churn rows.
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

churns as (

    select
        fct_mrr.account_id,
        fct_mrr.month_start,
        months.measure_date
    from {{ ref('fct_mrr') }} as fct_mrr
    inner join {{ ref('int_mrr_months') }} as months
        on fct_mrr.month_start = months.month_start
    where fct_mrr.movement = 'churn'

),

open_subscriptions as (

    select subscriptions.subscription_id
    from {{ ref('stg_stripe__subscriptions') }} as subscriptions
    cross join clock
    where
        subscriptions.status in ('active', 'past_due', 'trialing')
        and (subscriptions.ended_at is null or subscriptions.ended_at >= clock.as_of_end_at)

),

paid_lines as (

    select
        lines.account_id,
        lines.subscription_id,
        lines.period_start_date
    from {{ ref('int_invoice_lines_normalised') }} as lines
    inner join open_subscriptions
        on lines.subscription_id = open_subscriptions.subscription_id
    where lines.is_mrr_eligible and lines.monthly_amount > 0

),

final as (

    select distinct
        churns.account_id,
        churns.month_start,
        paid_lines.subscription_id
    from churns
    inner join paid_lines
        on
            churns.account_id = paid_lines.account_id
            and churns.measure_date >= paid_lines.period_start_date

)

select * from final
