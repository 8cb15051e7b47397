{#-
    Cumulative conversion curves of signup cohorts (METRICS.md "Cohorts"), by month and by ISO week
    (weeks start on Monday). Cohort accounts: every non-internal account (trial and freemium, active or not).
    For day offset d = 0..var cohort_max_day_offset: accounts_at_risk = cohort accounts at least d+1 days old
    (signup_at + (d+1) days <= as_of_end_at); conversions = those of them converted before signup_at + (d+1) days
    (and not before signup_at). Rows only where accounts_at_risk > 0.
-#}
{%- set max_offset = non_negative_int_var('cohort_max_day_offset') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        signup_cohort_month,
        signup_cohort_week,
        converted_at
    from {{ ref('int_accounts_pathed') }}

),

offset_series as (

    {{ dbt.generate_series(max_offset | int + 1) }}

),

offsets as (

    select cast(generated_number - 1 as integer) as day_offset
    from offset_series

),

account_days as (

    select
        accounts.account_id,
        accounts.signup_cohort_month,
        accounts.signup_cohort_week,
        {{ day_number_since('accounts.signup_at', 'clock.as_of_end_at') }} as age_days,
        case
            when accounts.converted_at >= accounts.signup_at
                then {{ day_number_since('accounts.signup_at', 'accounts.converted_at') }}
        end as conversion_day_number
    from accounts
    cross join clock

),

at_risk as (

    select
        account_days.signup_cohort_month,
        account_days.signup_cohort_week,
        offsets.day_offset,
        case when account_days.conversion_day_number <= offsets.day_offset then 1 else 0 end as is_converted
    from account_days
    inner join offsets
        on account_days.age_days >= offsets.day_offset + 1

),

by_month as (

    select
        'month' as cohort_grain,
        signup_cohort_month as cohort_start,
        day_offset,
        count(*) as accounts_at_risk,
        sum(is_converted) as conversions
    from at_risk
    group by signup_cohort_month, day_offset

),

by_week as (

    select
        'week' as cohort_grain,
        signup_cohort_week as cohort_start,
        day_offset,
        count(*) as accounts_at_risk,
        sum(is_converted) as conversions
    from at_risk
    group by signup_cohort_week, day_offset

),

unioned as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        accounts_at_risk,
        conversions
    from by_month
    union all
    select
        cohort_grain,
        cohort_start,
        day_offset,
        accounts_at_risk,
        conversions
    from by_week

),

final as (

    select
        cast(cohort_grain as {{ dbt.type_string() }}) as cohort_grain,
        cast(cohort_start as date) as cohort_start,
        cast(day_offset as integer) as day_offset,
        cast(accounts_at_risk as bigint) as accounts_at_risk,
        cast(conversions as bigint) as conversions,
        cast({{ safe_rate('conversions', 'accounts_at_risk') }} as {{ type_double() }}) as cumulative_conversion_rate
    from unioned

)

select * from final
