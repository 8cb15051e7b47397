{#-
    Cohort curves: the at-risk set only shrinks with the day offset; where it stays the same (the same accounts,
    since accounts leave by age), conversions and the cumulative rate never decrease. (With a shrinking at-risk set
    the rate of a young cohort can dip: younger accounts leave the denominator; that is not a defect.)
-#}

with

curves as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        accounts_at_risk,
        conversions,
        cumulative_conversion_rate,
        lag(accounts_at_risk) over (partition by cohort_grain, cohort_start order by day_offset) as previous_at_risk,
        lag(conversions) over (partition by cohort_grain, cohort_start order by day_offset) as previous_conversions,
        lag(cumulative_conversion_rate) over (
            partition by cohort_grain, cohort_start order by day_offset
        ) as previous_rate
    from {{ ref('fct_cohort_conversion') }}

)

select *
from curves
where
    accounts_at_risk > previous_at_risk
    or (accounts_at_risk = previous_at_risk and conversions < previous_conversions)
    or (accounts_at_risk = previous_at_risk and cumulative_conversion_rate < previous_rate)
