{#-
    Dense account x month MRR with its movement vs the previous month, from the account's first month with
    MRR > 0 to the as-of month (months with 0 MRR included: fct_mrr keeps the months with MRR > 0 and the
    churn months). One model for the measure (which lines count on each month's measure day) and the movement
    (constant currency), so that the marts are one step from the invoice lines.
    - Superseding: when several counted invoices of one subscription cover the same day (a plan swap or a
      monthly->annual switch), only the lines of the latest-created of those invoices count.
    - No carry-forward: a subscription whose renewal invoice is still draft (or uncollectible or void) on the
      measure day has no counted invoice covering that day, so it has no MRR that month.
    - Constant currency: per account x currency, movement = (local - previous local) x this month's rate and
      fx adjustment = previous local x (this month's rate - last month's rate), summed over the account's
      currencies; new, reactivation and churn take the whole USD change and no fx adjustment. A change within
      +-var('mrr_change_epsilon') USD is float noise: unchanged.
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
        period_end_date,
        invoice_created_at
    from {{ ref('int_invoice_lines_normalised') }}
    where account_id is not null and is_mrr_eligible

),

accounts as (

    -- workspaces known to the product (internal ones are already excluded upstream)
    select account_id
    from {{ ref('stg_product__accounts') }}

),

measure_days as (

    select
        month_start,
        measure_date
    from {{ ref('int_months_spined') }}

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
        eligible_lines.invoice_created_at
    from eligible_lines
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

fx_rates as (

    select
        rate_date,
        currency_code,
        usd_per_unit
    from {{ ref('int_fx_rates_daily') }}

),

account_first_months as (

    select
        account_id,
        min(month_start) as first_mrr_month_start
    from account_currency_months
    where local_mrr_amount > 0
    group by account_id

),

account_currencies as (

    select distinct
        account_currency_months.account_id,
        account_currency_months.currency_code
    from account_currency_months
    inner join account_first_months
        on account_currency_months.account_id = account_first_months.account_id

),

grid as (

    -- every month from the account's first MRR month, for every currency it was ever billed in
    select
        account_currencies.account_id,
        account_currencies.currency_code,
        measure_days.month_start,
        measure_days.measure_date
    from account_currencies
    inner join account_first_months
        on account_currencies.account_id = account_first_months.account_id
    inner join measure_days
        on account_first_months.first_mrr_month_start <= measure_days.month_start

),

grid_amounts as (

    select
        grid.account_id,
        grid.currency_code,
        grid.month_start,
        grid.measure_date,
        coalesce(account_currency_months.local_mrr_amount, 0) as local_mrr_amount,
        case when grid.currency_code = 'USD' then 1 else fx_rates.usd_per_unit end as usd_per_unit
    from grid
    left join account_currency_months
        on
            grid.account_id = account_currency_months.account_id
            and grid.currency_code = account_currency_months.currency_code
            and grid.month_start = account_currency_months.month_start
    left join fx_rates
        on
            grid.currency_code = fx_rates.currency_code
            and grid.measure_date = fx_rates.rate_date

),

with_previous as (

    select
        account_id,
        currency_code,
        month_start,
        local_mrr_amount,
        usd_per_unit,
        coalesce(
            lag(local_mrr_amount) over (partition by account_id, currency_code order by month_start), 0
        ) as previous_local_mrr_amount,
        lag(usd_per_unit) over (partition by account_id, currency_code order by month_start)
            as previous_usd_per_unit
    from grid_amounts

),

account_months as (

    select
        account_id,
        month_start,
        sum(local_mrr_amount * usd_per_unit) as mrr_usd,
        sum(previous_local_mrr_amount * coalesce(previous_usd_per_unit, usd_per_unit)) as previous_mrr_usd,
        sum((local_mrr_amount - previous_local_mrr_amount) * usd_per_unit) as constant_currency_change_usd,
        sum(
            previous_local_mrr_amount * (usd_per_unit - coalesce(previous_usd_per_unit, usd_per_unit))
        ) as fx_change_usd,
        sum(local_mrr_amount) as local_mrr_total,
        sum(previous_local_mrr_amount) as previous_local_mrr_total
    from with_previous
    group by account_id, month_start

),

with_history as (

    select
        account_id,
        month_start,
        mrr_usd,
        previous_mrr_usd,
        constant_currency_change_usd,
        fx_change_usd,
        local_mrr_total,
        previous_local_mrr_total,
        coalesce(
            max(case when local_mrr_total > 0 then 1 else 0 end) over (
                partition by account_id order by month_start
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as had_earlier_mrr
    from account_months

),

classified as (

    select
        account_id,
        month_start,
        mrr_usd,
        previous_mrr_usd,
        case
            when local_mrr_total > 0 and previous_local_mrr_total = 0 and had_earlier_mrr = 0 then 'new'
            when local_mrr_total > 0 and previous_local_mrr_total = 0 then 'reactivation'
            when local_mrr_total = 0 and previous_local_mrr_total > 0 then 'churn'
            when local_mrr_total = 0 then 'inactive'
            when constant_currency_change_usd > {{ number_var('mrr_change_epsilon') }} then 'expansion'
            when constant_currency_change_usd < -{{ number_var('mrr_change_epsilon') }} then 'contraction'
            else 'unchanged'
        end as movement,
        constant_currency_change_usd,
        fx_change_usd
    from with_history

),

final as (

    select
        account_id,
        month_start,
        mrr_usd,
        previous_mrr_usd,
        mrr_usd - previous_mrr_usd as mrr_change_usd,
        case
            when movement in ('new', 'reactivation', 'churn') then mrr_usd - previous_mrr_usd
            when movement = 'inactive' then 0
            else constant_currency_change_usd
        end as movement_amount_usd,
        case
            when movement in ('new', 'reactivation', 'churn', 'inactive') then 0
            else fx_change_usd
        end as fx_adjustment_usd,
        movement
    from classified

)

select * from final
