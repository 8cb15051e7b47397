{#-
    Kaplan-Meier cohort curves (METRICS.md "Cohorts"): km_cumulative_conversion_rate never decreases with the day
    offset, and on a complete point (every account of the cohort at least d+1 days old, nothing censored) it equals the
    simple share cumulative_conversion_rate. is_complete is consistent with the at-risk set: once a point is incomplete,
    every later point of the cohort is too. Float tolerance 1e-9 (the KM product is taken as exp(sum(ln))).
-#}

with

curves as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        cumulative_conversion_rate,
        km_cumulative_conversion_rate,
        is_complete,
        lag(km_cumulative_conversion_rate) over (
            partition by cohort_grain, cohort_start order by day_offset
        ) as previous_km_rate,
        lag(is_complete) over (
            partition by cohort_grain, cohort_start order by day_offset
        ) as previous_is_complete
    from {{ ref('fct_cohort_conversion') }}

),

failures as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        cumulative_conversion_rate,
        km_cumulative_conversion_rate,
        case
            when km_cumulative_conversion_rate < previous_km_rate - 1e-9 then 'km decreases'
            when
                is_complete
                and abs(km_cumulative_conversion_rate - cumulative_conversion_rate) > 1e-9
                then 'km differs from the simple share on a complete point'
            when is_complete and not previous_is_complete then 'complete after an incomplete point'
        end as failure
    from curves

)

select *
from failures
where failure is not null
