{#-
    KPI inputs by signup cohort month. The 30-day flags come from the same macros as int_accounts_windowed
    (is_in_plc_denominator, is_within_days) rather than from that model, which keeps the scorecard shallow.
    Each rate's additive numerator and denominator are columns too, so a coarser period is a ratio of sums.
-#}
{%- set windows = conversion_windows() %}
{%- set w30 = 30 if 30 in windows else windows[0] %}
{%- set grace_days = non_negative_int_var('trial_grace_days') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        signup_cohort_month,
        free_model,
        trial_end_at
    from {{ ref('int_accounts_scoped') }}

),

conversions as (

    select
        account_id,
        converted_at
    from {{ ref('int_accounts_converted') }}

),

engagement as (

    select
        account_id,
        first_core_event_at,
        has_product_adoption,
        is_product_adoption_mature
    from {{ ref('int_engagement_scored') }}

),

activation as (

    select
        account_id,
        activated_at
    from {{ ref('int_activation_milestones_reached') }}

),

per_account as (

    select
        accounts.account_id,
        accounts.signup_cohort_month,
        {{ is_in_plc_denominator(
            'accounts.signup_at', 'accounts.free_model', 'engagement.first_core_event_at', w30, 'clock.as_of_end_at'
        ) }} as is_in_conversion_denominator,
        {{ is_within_days('conversions.converted_at', 'accounts.signup_at', w30) }} as is_converted_30d,
        case
            when
                accounts.free_model = 'trial'
                and {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }} <= clock.as_of_end_at
                then 1
            else 0
        end as in_trial_denominator,
        case
            when
                accounts.free_model = 'trial'
                and {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }} <= clock.as_of_end_at
                and conversions.converted_at < {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }}
                then 1
            else 0
        end as trial_converted,
        case when engagement.is_product_adoption_mature then 1 else 0 end as in_adoption_denominator,
        case
            when engagement.is_product_adoption_mature and engagement.has_product_adoption then 1 else 0
        end as adopted,
        {{ seconds_between('accounts.signup_at', 'activation.activated_at') }} / 3600.0 as activation_hours
    from accounts
    cross join clock
    left join conversions
        on accounts.account_id = conversions.account_id
    left join engagement
        on accounts.account_id = engagement.account_id
    left join activation
        on accounts.account_id = activation.account_id

),

counted as (

    select
        account_id,
        signup_cohort_month,
        case when is_in_conversion_denominator then 1 else 0 end as in_conversion_denominator,
        case when is_in_conversion_denominator and is_converted_30d then 1 else 0 end as converted_30d,
        in_trial_denominator,
        trial_converted,
        in_adoption_denominator,
        adopted,
        activation_hours
    from per_account

),

final as (

    select
        signup_cohort_month as month_start,
        count(*) as new_signups,
        {{ safe_rate('sum(converted_30d)', 'sum(in_conversion_denominator)') }} as conversion_rate_30d,
        {{ safe_rate('sum(trial_converted)', 'sum(in_trial_denominator)') }} as trial_conversion_rate,
        {{ safe_rate('sum(adopted)', 'sum(in_adoption_denominator)') }} as product_adoption_rate,
        cast({{ median('activation_hours') }} as {{ plg_type_double() }}) as median_activation_hours,
        sum(converted_30d) as conversions_30d,
        sum(in_conversion_denominator) as conversion_accounts_30d,
        sum(trial_converted) as trial_conversions,
        sum(in_trial_denominator) as trial_accounts,
        sum(adopted) as adopted_accounts,
        sum(in_adoption_denominator) as adoption_accounts
    from counted
    group by signup_cohort_month

)

select * from final
