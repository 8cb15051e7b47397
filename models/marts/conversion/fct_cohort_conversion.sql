{#-
    Cumulative conversion curves of signup cohorts (METRICS.md "Cohorts"), by month and by ISO week
    (weeks start on Monday). Cohort accounts: every non-internal account (trial and freemium, active or not).
    For day offset d = 0..var cohort_max_day_offset: accounts_at_risk = cohort accounts at least d+1 days old
    (signup_at + (d+1) days <= as_of_end_at); conversions = those of them converted before signup_at + (d+1) days
    (and not before signup_at). Rows only where accounts_at_risk > 0.
    Kaplan-Meier (km_cumulative_conversion_rate): each account is observed from signup_at until its conversion or
    until as_of_end_at (censored). Its exit day is its conversion day number, or its age in whole days (the day during
    which observation stops). At day d: km_at_risk(d) = cohort accounts whose exit day is >= d (observed at the start
    of day d, not converted before it); km_conversions(d) = accounts converting on day d;
    km(d) = 1 - prod_{k<=d} (1 - km_conversions(k) / km_at_risk(k)), the product taken as exp(sum(ln(factor))) over
    the non-zero factors, and 1 as soon as one factor is 0 (every account at risk converted); a day with nobody at
    risk contributes a factor 1. Rounded to 12 decimals (through decimal(18, 12), portable) so the float noise of
    exp(sum(ln)) does not show. is_complete: every account of the cohort is at least d+1 days old.
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
        signup_cohort_week
    from {{ ref('int_accounts_scoped') }}

),

conversions as (

    select
        account_id,
        converted_at
    from {{ ref('int_accounts_converted') }}

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
            when conversions.converted_at >= accounts.signup_at
                then {{ day_number_since('accounts.signup_at', 'conversions.converted_at') }}
        end as conversion_day_number
    from accounts
    cross join clock
    left join conversions
        on accounts.account_id = conversions.account_id

),

account_exits as (

    select
        account_days.signup_cohort_month,
        account_days.signup_cohort_week,
        account_days.age_days,
        case
            when account_days.conversion_day_number <= account_days.age_days
                then account_days.conversion_day_number
            else account_days.age_days
        end as exit_day,
        case when account_days.conversion_day_number <= account_days.age_days then 1 else 0 end as is_conversion_exit
    from account_days

),

cohort_exits as (

    select
        'month' as cohort_grain,
        signup_cohort_month as cohort_start,
        exit_day,
        count(*) as accounts_exiting,
        sum(is_conversion_exit) as conversions_on_day,
        min(age_days) as min_age_days
    from account_exits
    group by signup_cohort_month, exit_day
    union all
    select
        'week' as cohort_grain,
        signup_cohort_week as cohort_start,
        exit_day,
        count(*) as accounts_exiting,
        sum(is_conversion_exit) as conversions_on_day,
        min(age_days) as min_age_days
    from account_exits
    group by signup_cohort_week, exit_day

),

cohorts as (

    select
        cohort_grain,
        cohort_start,
        sum(accounts_exiting) as cohort_accounts,
        min(min_age_days) as min_age_days
    from cohort_exits
    group by cohort_grain, cohort_start

),

km_grid as (

    select
        cohorts.cohort_grain,
        cohorts.cohort_start,
        offsets.day_offset,
        cohorts.cohort_accounts,
        cohorts.min_age_days,
        coalesce(cohort_exits.accounts_exiting, 0) as accounts_exiting,
        coalesce(cohort_exits.conversions_on_day, 0) as km_conversions
    from cohorts
    cross join offsets
    left join cohort_exits
        on
            cohorts.cohort_grain = cohort_exits.cohort_grain
            and cohorts.cohort_start = cohort_exits.cohort_start
            and offsets.day_offset = cohort_exits.exit_day

),

km_at_risk as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        min_age_days,
        km_conversions,
        cohort_accounts - coalesce(sum(accounts_exiting) over (
            partition by cohort_grain, cohort_start
            order by day_offset
            rows between unbounded preceding and 1 preceding
        ), 0) as km_at_risk
    from km_grid

),

km_factors as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        min_age_days,
        case when km_at_risk > 0 and km_conversions >= km_at_risk then 1 else 0 end as is_zero_factor,
        case
            when km_at_risk > 0 and km_conversions > 0 and km_conversions < km_at_risk
                then ln(1 - {{ safe_rate('km_conversions', 'km_at_risk') }})
            else 0
        end as ln_factor
    from km_at_risk

),

km as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        coalesce(min_age_days >= day_offset + 1, false) as is_complete,
        sum(is_zero_factor) over (
            partition by cohort_grain, cohort_start
            order by day_offset
            rows between unbounded preceding and current row
        ) as zero_factors_to_date,
        sum(ln_factor) over (
            partition by cohort_grain, cohort_start
            order by day_offset
            rows between unbounded preceding and current row
        ) as ln_survival_to_date
    from km_factors

),

km_rates as (

    select
        cohort_grain,
        cohort_start,
        day_offset,
        is_complete,
        case
            when zero_factors_to_date > 0 then 1.0
            else 1 - exp(ln_survival_to_date)
        end as km_cumulative_conversion_rate
    from km

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
        cast(unioned.cohort_grain as {{ dbt.type_string() }}) as cohort_grain,
        cast(unioned.cohort_start as date) as cohort_start,
        cast(unioned.day_offset as integer) as day_offset,
        cast(unioned.accounts_at_risk as bigint) as accounts_at_risk,
        cast(unioned.conversions as bigint) as conversions,
        cast(
            {{ safe_rate('unioned.conversions', 'unioned.accounts_at_risk') }} as {{ plg_type_double() }}
        ) as cumulative_conversion_rate,
        cast(
            cast(km_rates.km_cumulative_conversion_rate as decimal(18, 12)) as {{ plg_type_double() }}
        ) as km_cumulative_conversion_rate,
        km_rates.is_complete
    from unioned
    inner join km_rates
        on
            unioned.cohort_grain = km_rates.cohort_grain
            and unioned.cohort_start = km_rates.cohort_start
            and unioned.day_offset = km_rates.day_offset

)

select * from final
