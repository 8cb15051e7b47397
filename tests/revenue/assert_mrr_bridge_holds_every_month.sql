{#-
    The MRR bridge of the scorecard holds every month (tolerance 0.01 USD):
    previous mrr + new + reactivation + expansion - contraction - churned + fx adjustment = mrr.
    "previous" is read from the previous scorecard row (0 before the first one), independently of
    the movement columns. Returns the months that break it.
-#}
with

kpis as (

    select
        month_start,
        mrr_usd,
        new_mrr_usd,
        reactivation_mrr_usd,
        expansion_mrr_usd,
        contraction_mrr_usd,
        churned_mrr_usd,
        fx_adjustment_mrr_usd,
        coalesce(lag(mrr_usd) over (order by month_start), 0) as previous_mrr_usd
    from {{ ref('rpt_kpis_monthly') }}

),

final as (

    select
        month_start,
        previous_mrr_usd,
        mrr_usd,
        previous_mrr_usd + new_mrr_usd + reactivation_mrr_usd + expansion_mrr_usd
        - contraction_mrr_usd - churned_mrr_usd + fx_adjustment_mrr_usd as bridged_mrr_usd
    from kpis

)

select * from final
where abs(bridged_mrr_usd - mrr_usd) >= 0.01
