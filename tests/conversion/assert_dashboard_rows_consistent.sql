{#- overall = freemium + trial; high and low engagement are disjoint sub-sets of overall (accounts and conversions). -#}

with

dashboard as (

    select
        segment_row,
        window_days,
        accounts,
        conversions
    from {{ ref('rpt_conversion_dashboard') }}

),

pivoted as (

    select
        window_days,
        sum(case when segment_row = 'overall' then accounts else 0 end) as overall_accounts,
        sum(case when segment_row = 'freemium' then accounts else 0 end) as freemium_accounts,
        sum(case when segment_row = 'trial' then accounts else 0 end) as trial_accounts,
        sum(case when segment_row in ('high_engagement', 'low_engagement') then accounts else 0 end) as tiered_accounts,
        sum(case when segment_row = 'overall' then conversions else 0 end) as overall_conversions,
        sum(case when segment_row in ('freemium', 'trial') then conversions else 0 end) as model_conversions,
        sum(
            case when segment_row in ('high_engagement', 'low_engagement') then conversions else 0 end
        ) as tiered_conversions
    from dashboard
    group by window_days

)

select *
from pivoted
where
    overall_accounts <> freemium_accounts + trial_accounts
    or overall_conversions <> model_conversions
    or tiered_accounts > overall_accounts
    or tiered_conversions > overall_conversions
