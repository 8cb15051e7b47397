{#-
    KPI inputs by signup cohort month (METRICS.md "KPIs"), read by rpt_kpis_monthly:
    - new_signups: non-internal accounts signed up in the month (before the end of the as-of day);
    - conversion_rate_30d: the dashboard's `overall` definition for W = 30 (first of var conversion_windows if 30
      is absent): converted within W / (mature for W and (trial or freemium active within W));
    - trial_conversion_rate: trials converted before trial_end + var trial_grace_days / trials whose
      trial_end + grace has passed by as_of_end_at;
    - product_adoption_rate: accounts with a core event in the product_adoption_window_days after the evaluation
      period / accounts mature for it;
    - median_activation_hours: median hours from signup to activation over the cohort's activated accounts.
    Rates are null when their denominator is 0. Each rate's additive numerator and denominator are columns too
    (conversions_30d / conversion_accounts_30d, trial_conversions / trial_accounts, adopted_accounts /
    adoption_accounts), so a coarser period's rate is the ratio of their sums (the semantic layer).
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
        trial_end_at,
        converted_at
    from {{ ref('int_accounts_pathed') }}

),

windowed as (

    select
        account_id,
        is_in_plc_denominator,
        is_converted
    from {{ ref('int_accounts_windowed') }}
    where window_days = {{ w30 }}

),

engagement as (

    select
        account_id,
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
        case when windowed.is_in_plc_denominator then 1 else 0 end as in_conversion_denominator,
        case when windowed.is_in_plc_denominator and windowed.is_converted then 1 else 0 end as converted_30d,
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
                and accounts.converted_at < {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }}
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
    left join windowed
        on accounts.account_id = windowed.account_id
    left join engagement
        on accounts.account_id = engagement.account_id
    left join activation
        on accounts.account_id = activation.account_id

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
    from per_account
    group by signup_cohort_month

)

select * from final
