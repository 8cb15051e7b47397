{#-
    Revenue KPIs per month of the scorecard, from the account-month MRR rows that make fct_mrr:
    MRR, paying accounts (MRR > 0), the movement sums as positive magnitudes (contraction and churn
    >= 0, FX adjustment signed), churned / new accounts, and the previous month's MRR and paying
    accounts (0 before the first MRR month). New paying accounts = accounts whose movement is `new`.
-#}
with

months as (

    select month_start from {{ ref('int_kpi_months') }}

),

mrr as (

    select
        account_id,
        month_start,
        mrr_usd,
        previous_mrr_usd,
        movement_amount_usd,
        fx_adjustment_usd,
        movement
    from {{ ref('int_mrr_account_monthly') }}
    where movement <> 'inactive'

),

monthly as (

    select
        month_start,
        sum(mrr_usd) as mrr_usd,
        sum(case when mrr_usd > 0 then 1 else 0 end) as paying_accounts,
        sum(case when movement = 'new' then movement_amount_usd else 0 end) as new_mrr_usd,
        sum(case when movement = 'reactivation' then movement_amount_usd else 0 end) as reactivation_mrr_usd,
        sum(case when movement = 'expansion' then movement_amount_usd else 0 end) as expansion_mrr_usd,
        sum(case when movement = 'contraction' then -movement_amount_usd else 0 end) as contraction_mrr_usd,
        sum(case when movement = 'churn' then -movement_amount_usd else 0 end) as churned_mrr_usd,
        sum(fx_adjustment_usd) as fx_adjustment_mrr_usd,
        sum(case when movement = 'churn' then 1 else 0 end) as churned_accounts,
        sum(case when movement = 'new' then 1 else 0 end) as new_paying_accounts
    from mrr
    group by month_start

),

dense as (

    select
        months.month_start,
        coalesce(monthly.mrr_usd, 0) as mrr_usd,
        coalesce(monthly.paying_accounts, 0) as paying_accounts,
        coalesce(monthly.new_mrr_usd, 0) as new_mrr_usd,
        coalesce(monthly.reactivation_mrr_usd, 0) as reactivation_mrr_usd,
        coalesce(monthly.expansion_mrr_usd, 0) as expansion_mrr_usd,
        coalesce(monthly.contraction_mrr_usd, 0) as contraction_mrr_usd,
        coalesce(monthly.churned_mrr_usd, 0) as churned_mrr_usd,
        coalesce(monthly.fx_adjustment_mrr_usd, 0) as fx_adjustment_mrr_usd,
        coalesce(monthly.churned_accounts, 0) as churned_accounts,
        coalesce(monthly.new_paying_accounts, 0) as new_paying_accounts
    from months
    left join monthly
        on months.month_start = monthly.month_start

),

final as (

    select
        month_start,
        mrr_usd,
        paying_accounts,
        new_mrr_usd,
        reactivation_mrr_usd,
        expansion_mrr_usd,
        contraction_mrr_usd,
        churned_mrr_usd,
        fx_adjustment_mrr_usd,
        churned_accounts,
        new_paying_accounts,
        coalesce(lag(mrr_usd) over (order by month_start), 0) as previous_mrr_usd,
        coalesce(lag(paying_accounts) over (order by month_start), 0) as previous_paying_accounts
    from dense

)

select * from final
