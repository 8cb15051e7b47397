{#-
    Dense account x month MRR with its movement vs the previous month, from the account's first
    month with MRR > 0 to the as-of month (months with 0 MRR included: fct_mrr keeps only the
    months with MRR > 0 and the churn months).

    Constant currency: MRR is tracked per account x currency. For an account with MRR in both
    months, per currency: movement = (local MRR - previous local MRR) x this month's rate and
    fx adjustment = previous local MRR x (this month's rate - last month's rate); both are summed
    over the account's currencies (an account billed in two currencies in one month is judged per
    currency, then summed). For new, reactivation and churn the whole USD change is the movement
    and the fx adjustment is 0. Hence previous_mrr_usd + movement_amount_usd + fx_adjustment_usd
    = mrr_usd for every row, and mrr_change_usd = mrr_usd - previous_mrr_usd (movement + fx).
    A constant-currency change within +-var('mrr_change_epsilon', 1e-6) USD is float noise: unchanged.
    Movement order: new (first MRR ever) -> reactivation (from 0 after an earlier MRR) -> churn
    (to 0) -> expansion (constant-currency change > 0) -> contraction (< 0) -> unchanged.
-#}
with

account_currency_months as (

    select
        account_id,
        month_start,
        currency_code,
        local_mrr_amount
    from {{ ref('int_mrr_account_currency_monthly') }}

),

months as (

    select
        month_start,
        measure_date
    from {{ ref('int_mrr_months') }}

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
        months.month_start,
        months.measure_date
    from account_currencies
    inner join account_first_months
        on account_currencies.account_id = account_first_months.account_id
    inner join months
        on account_first_months.first_mrr_month_start <= months.month_start

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
