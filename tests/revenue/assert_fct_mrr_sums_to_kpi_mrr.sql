{#-
    The sum of fct_mrr equals the scorecard's MRR every month (tolerance 0.01 USD), the paying
    accounts match, and a scorecard month without any fct_mrr row has MRR 0. Returns the mismatches.
-#}
with

fct as (

    select
        month_start,
        sum(mrr_usd) as mrr_usd,
        sum(case when mrr_usd > 0 then 1 else 0 end) as paying_accounts
    from {{ ref('fct_mrr') }}
    group by month_start

),

kpis as (

    select
        month_start,
        mrr_usd,
        paying_accounts
    from {{ ref('rpt_kpis_monthly') }}

),

final as (

    select
        coalesce(kpis.month_start, fct.month_start) as month_start,
        kpis.mrr_usd as kpi_mrr_usd,
        fct.mrr_usd as fct_mrr_usd,
        kpis.paying_accounts as kpi_paying_accounts,
        fct.paying_accounts as fct_paying_accounts
    from kpis
    full outer join fct
        on kpis.month_start = fct.month_start

)

select * from final
where
    kpi_mrr_usd is null
    or abs(kpi_mrr_usd - coalesce(fct_mrr_usd, 0)) >= 0.01
    or kpi_paying_accounts <> coalesce(fct_paying_accounts, 0)
