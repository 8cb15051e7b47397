{#-
    Low-converting cohorts (METRICS.md "Playbook outputs"): signup month x firmographic segment cells whose
    whole month is mature for W = var segment_window_days (first day of the next month + W days <= as_of_end_at)
    and whose W-day conversion rate is under var low_converting_rate_below.
    accounts / conversion_rate_60d: the dashboard's `overall` denominator (trial + freemium active within W) of
    the cell; activation_completion_rate: accounts of the cell (all signups) activated within
    var activation_window_days / all accounts of the cell; activation_below_target when under
    var activation_target_rate. Cells with no account in the denominator are left out.
-#}
{%- set window_days = positive_int_var('segment_window_days') %}
{%- set activation_days = positive_int_var('activation_window_days') %}
{%- set rate_below = rate_var('low_converting_rate_below') %}
{%- set target_rate = rate_var('activation_target_rate') %}
{%- set cohort_month_at = 'cast(accounts.signup_cohort_month as ' ~ dbt.type_timestamp() ~ ')' %}
{%- set next_month_start = dbt.dateadd('month', 1, cohort_month_at) %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        signup_cohort_month,
        firmographic_segment
    from {{ ref('dim_accounts') }}

),

windowed as (

    select
        account_id,
        is_in_plc_denominator,
        is_converted
    from {{ ref('int_accounts_windowed') }}
    where window_days = {{ window_days }}

),

activation as (

    select
        account_id,
        activated_at
    from {{ ref('int_activation_milestones_reached') }}

),

mature_months as (

    select distinct accounts.signup_cohort_month
    from accounts
    cross join clock
    where
        {{ dbt.dateadd('day', window_days, next_month_start) }}
        <= clock.as_of_end_at

),

cells as (

    select
        accounts.signup_cohort_month as cohort_month,
        accounts.firmographic_segment,
        sum(case when windowed.is_in_plc_denominator then 1 else 0 end) as accounts,
        sum(case when windowed.is_in_plc_denominator and windowed.is_converted then 1 else 0 end) as conversions,
        count(*) as signups,
        sum(case
            when {{ is_within_days('activation.activated_at', 'accounts.signup_at', activation_days) }} then 1 else 0
        end) as activated
    from accounts
    inner join mature_months
        on accounts.signup_cohort_month = mature_months.signup_cohort_month
    inner join windowed
        on accounts.account_id = windowed.account_id
    left join activation
        on accounts.account_id = activation.account_id
    group by accounts.signup_cohort_month, accounts.firmographic_segment

),

rated as (

    select
        cohort_month,
        firmographic_segment,
        accounts,
        signups,
        {{ safe_rate('conversions', 'accounts') }} as conversion_rate_60d,
        {{ safe_rate('activated', 'signups') }} as activation_completion_rate
    from cells

),

final as (

    select
        cast(cohort_month as date) as cohort_month,
        cast(firmographic_segment as {{ dbt.type_string() }}) as firmographic_segment,
        cast(accounts as bigint) as accounts,
        cast(conversion_rate_60d as {{ plg_type_double() }}) as conversion_rate_60d,
        cast(activation_completion_rate as {{ plg_type_double() }}) as activation_completion_rate,
        coalesce(activation_completion_rate < {{ target_rate }}, false) as activation_below_target,
        cast(signups as bigint) as signups
    from rated
    where conversion_rate_60d < {{ rate_below }}

)

select * from final
