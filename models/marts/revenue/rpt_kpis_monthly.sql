{#-
    The KPI scorecard. The month-level revenue sums are computed here from the account-month MRR rows
    (no intermediate between them: the scorecard stays one step from int_mrr_account_monthly). Every rate
    also has its additive numerator and denominator as columns, which the semantic layer sums over a
    quarter or a year before dividing.
-#}
{#- without a finance source (using_finance false) spend is unknown: null, not 0 (so CAC and payback are null) -#}
{%- set spend_usd = 'coalesce(gtm_spend.gtm_spend_usd, 0)' if system_enabled('finance')
    else 'cast(null as ' ~ dbt.type_numeric() ~ ')' %}
with

months as (

    select month_start from {{ ref('int_kpi_months') }}

),

cohorts as (

    select
        month_start,
        new_signups,
        conversion_rate_30d,
        trial_conversion_rate,
        product_adoption_rate,
        median_activation_hours,
        conversions_30d,
        conversion_accounts_30d,
        trial_conversions,
        trial_accounts,
        adopted_accounts,
        adoption_accounts
    from {{ ref('int_signup_cohorts_monthly') }}

),

mrr as (

    select
        month_start,
        mrr_usd,
        movement_amount_usd,
        fx_adjustment_usd,
        movement
    from {{ ref('int_mrr_account_monthly') }}
    where movement <> 'inactive'

),

revenue_months as (

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

revenue_dense as (

    select
        months.month_start,
        coalesce(revenue_months.mrr_usd, 0) as mrr_usd,
        coalesce(revenue_months.paying_accounts, 0) as paying_accounts,
        coalesce(revenue_months.new_mrr_usd, 0) as new_mrr_usd,
        coalesce(revenue_months.reactivation_mrr_usd, 0) as reactivation_mrr_usd,
        coalesce(revenue_months.expansion_mrr_usd, 0) as expansion_mrr_usd,
        coalesce(revenue_months.contraction_mrr_usd, 0) as contraction_mrr_usd,
        coalesce(revenue_months.churned_mrr_usd, 0) as churned_mrr_usd,
        coalesce(revenue_months.fx_adjustment_mrr_usd, 0) as fx_adjustment_mrr_usd,
        coalesce(revenue_months.churned_accounts, 0) as churned_accounts,
        coalesce(revenue_months.new_paying_accounts, 0) as new_paying_accounts
    from months
    left join revenue_months
        on months.month_start = revenue_months.month_start

),

revenue as (

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
    from revenue_dense

),

gtm_spend as (

    select
        month_start,
        sum(spend_usd) as gtm_spend_usd
    from {{ ref('int_gtm_spend_monthly') }}
    where category in ('marketing', 'sales')
    group by month_start

),

headcount as (

    select
        month_start,
        sum(fte) as total_fte
    from {{ optional_ref('stg_finance__headcount') }}
    group by month_start

),

nps as (

    select
        month_start,
        nps,
        respondents,
        promoters,
        detractors
    from {{ ref('int_nps_monthly') }}

),

joined as (

    select
        months.month_start,
        coalesce(cohorts.new_signups, 0) as new_signups,
        cohorts.conversion_rate_30d,
        cohorts.trial_conversion_rate,
        cohorts.product_adoption_rate,
        cohorts.median_activation_hours,
        revenue.mrr_usd,
        revenue.mrr_usd * 12 as arr_usd,
        revenue.paying_accounts,
        revenue.new_mrr_usd,
        revenue.expansion_mrr_usd,
        revenue.contraction_mrr_usd,
        revenue.churned_mrr_usd,
        revenue.reactivation_mrr_usd,
        revenue.fx_adjustment_mrr_usd,
        {{ safe_rate('revenue.churned_accounts', 'revenue.previous_paying_accounts') }} as logo_churn_rate,
        {{ safe_rate(
            'revenue.churned_mrr_usd + revenue.contraction_mrr_usd', 'revenue.previous_mrr_usd', positive_only=true
        ) }} as gross_revenue_churn_rate,
        {{ safe_rate(
            'revenue.previous_mrr_usd + revenue.expansion_mrr_usd'
            ~ ' - revenue.contraction_mrr_usd - revenue.churned_mrr_usd',
            'revenue.previous_mrr_usd',
            positive_only=true
        ) }} as net_revenue_retention_rate,
        {{ safe_rate('revenue.mrr_usd', 'revenue.paying_accounts') }} as arpa_usd,
        {{ safe_rate('revenue.new_mrr_usd', 'revenue.new_paying_accounts') }} as new_account_arpa_usd,
        revenue.new_paying_accounts,
        {{ spend_usd }} as gtm_spend_usd,
        nps.nps,
        nps.respondents as nps_respondents,
        nps.promoters as nps_promoters,
        nps.detractors as nps_detractors,
        cohorts.conversions_30d,
        cohorts.conversion_accounts_30d,
        cohorts.trial_conversions,
        cohorts.trial_accounts,
        cohorts.adopted_accounts,
        cohorts.adoption_accounts,
        revenue.churned_accounts,
        revenue.previous_paying_accounts,
        revenue.previous_mrr_usd,
        headcount.total_fte,
        {{ safe_rate(spend_usd, 'revenue.new_paying_accounts') }} as cac_usd
    from months
    left join cohorts
        on months.month_start = cohorts.month_start
    left join revenue
        on months.month_start = revenue.month_start
    left join gtm_spend
        on months.month_start = gtm_spend.month_start
    left join nps
        on months.month_start = nps.month_start
    left join headcount
        on months.month_start = headcount.month_start

),

trailing_churn as (

    select
        month_start,
        avg(logo_churn_rate) over (
            order by month_start
            rows between {{ positive_int_var('ltv_churn_trailing_months') - 1 }} preceding and current row
        ) as trailing_logo_churn_rate
    from joined

),

final as (

    select
        cast(joined.month_start as date) as month_start,
        cast(joined.new_signups as {{ dbt.type_bigint() }}) as new_signups,
        cast(joined.conversion_rate_30d as {{ plg_type_double() }}) as conversion_rate_30d,
        cast(joined.trial_conversion_rate as {{ plg_type_double() }}) as trial_conversion_rate,
        cast(joined.product_adoption_rate as {{ plg_type_double() }}) as product_adoption_rate,
        cast(joined.median_activation_hours as {{ plg_type_double() }}) as median_activation_hours,
        cast(joined.mrr_usd as {{ plg_type_double() }}) as mrr_usd,
        cast(joined.arr_usd as {{ plg_type_double() }}) as arr_usd,
        cast(joined.paying_accounts as {{ dbt.type_bigint() }}) as paying_accounts,
        cast(joined.new_mrr_usd as {{ plg_type_double() }}) as new_mrr_usd,
        cast(joined.expansion_mrr_usd as {{ plg_type_double() }}) as expansion_mrr_usd,
        cast(joined.contraction_mrr_usd as {{ plg_type_double() }}) as contraction_mrr_usd,
        cast(joined.churned_mrr_usd as {{ plg_type_double() }}) as churned_mrr_usd,
        cast(joined.reactivation_mrr_usd as {{ plg_type_double() }}) as reactivation_mrr_usd,
        cast(joined.fx_adjustment_mrr_usd as {{ plg_type_double() }}) as fx_adjustment_mrr_usd,
        cast(joined.logo_churn_rate as {{ plg_type_double() }}) as logo_churn_rate,
        cast(joined.gross_revenue_churn_rate as {{ plg_type_double() }}) as gross_revenue_churn_rate,
        cast(joined.net_revenue_retention_rate as {{ plg_type_double() }}) as net_revenue_retention_rate,
        cast(joined.arpa_usd as {{ plg_type_double() }}) as arpa_usd,
        cast(
            {{ safe_rate(
                'joined.arpa_usd * ' ~ rate_var('gross_margin'), 'trailing_churn.trailing_logo_churn_rate',
                positive_only=true
            ) }}
            as {{ plg_type_double() }}
        ) as ltv_usd,
        cast(joined.cac_usd as {{ plg_type_double() }}) as cac_usd,
        cast(
            {{ safe_rate(
                'joined.cac_usd', 'joined.new_account_arpa_usd * ' ~ rate_var('gross_margin'), positive_only=true
            ) }}
            as {{ plg_type_double() }}
        ) as payback_months,
        cast(joined.nps as {{ plg_type_double() }}) as nps,
        cast(
            {{ safe_rate('joined.arr_usd', 'joined.total_fte', positive_only=true) }}
            as {{ plg_type_double() }}
        ) as revenue_per_employee_usd,
        cast(joined.new_paying_accounts as {{ dbt.type_bigint() }}) as new_paying_accounts,
        cast(joined.gtm_spend_usd as {{ plg_type_double() }}) as gtm_spend_usd,
        cast(joined.new_account_arpa_usd as {{ plg_type_double() }}) as new_account_arpa_usd,
        cast(trailing_churn.trailing_logo_churn_rate as {{ plg_type_double() }}) as trailing_logo_churn_rate,
        cast(joined.total_fte as {{ plg_type_double() }}) as total_fte,
        cast(coalesce(joined.conversions_30d, 0) as {{ dbt.type_bigint() }}) as conversions_30d,
        cast(coalesce(joined.conversion_accounts_30d, 0) as {{ dbt.type_bigint() }}) as conversion_accounts_30d,
        cast(coalesce(joined.trial_conversions, 0) as {{ dbt.type_bigint() }}) as trial_conversions,
        cast(coalesce(joined.trial_accounts, 0) as {{ dbt.type_bigint() }}) as trial_accounts,
        cast(coalesce(joined.adopted_accounts, 0) as {{ dbt.type_bigint() }}) as adopted_accounts,
        cast(coalesce(joined.adoption_accounts, 0) as {{ dbt.type_bigint() }}) as adoption_accounts,
        cast(joined.churned_accounts as {{ dbt.type_bigint() }}) as churned_accounts,
        cast(joined.previous_paying_accounts as {{ dbt.type_bigint() }}) as previous_paying_accounts,
        cast(joined.previous_mrr_usd as {{ plg_type_double() }}) as previous_mrr_usd,
        cast(coalesce(joined.nps_respondents, 0) as {{ dbt.type_bigint() }}) as nps_respondents,
        cast(coalesce(joined.nps_promoters, 0) as {{ dbt.type_bigint() }}) as nps_promoters,
        cast(coalesce(joined.nps_detractors, 0) as {{ dbt.type_bigint() }}) as nps_detractors,
        cast(
            coalesce(joined.new_mrr_usd, 0) * {{ rate_var('gross_margin') }} as {{ plg_type_double() }}
        ) as new_mrr_gross_margin_usd
    from joined
    inner join trailing_churn
        on joined.month_start = trailing_churn.month_start

)

select * from final
