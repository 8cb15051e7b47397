{#-
    The conversion funnel (METRICS.md "Funnel") over accounts mature for var funnel_window_days (W):
    1 signed_up -> 2 activated (activated within W) -> 3 engaged (engagement tier medium or high) ->
    4 converted (converted within W). Nested: each step counts only accounts that passed every earlier step.
    step_rate = accounts / previous step's accounts (step 1: 1.0); rate_from_signup = accounts / step 1.
    Rates null when their denominator is 0. Always 4 rows; sort by step.
-#}
{%- set window_days = positive_int_var('funnel_window_days') %}

with

windowed as (

    select
        account_id,
        is_mature,
        is_converted,
        engagement_tier
    from {{ ref('int_accounts_windowed') }}
    where window_days = {{ window_days }}

),

activation as (

    select
        account_id,
        signup_at,
        activated_at
    from {{ ref('int_activation_milestones_reached') }}

),

flags as (

    select
        windowed.account_id,
        case
            when {{ is_within_days('activation.activated_at', 'activation.signup_at', window_days) }} then 1 else 0
        end as step_2,
        case
            when
                {{ is_within_days('activation.activated_at', 'activation.signup_at', window_days) }}
                and windowed.engagement_tier in ('medium', 'high')
                then 1
            else 0
        end as step_3,
        case
            when
                {{ is_within_days('activation.activated_at', 'activation.signup_at', window_days) }}
                and windowed.engagement_tier in ('medium', 'high')
                and windowed.is_converted
                then 1
            else 0
        end as step_4
    from windowed
    inner join activation
        on windowed.account_id = activation.account_id
    where windowed.is_mature

),

totals as (

    select
        count(*) as step_1_accounts,
        coalesce(sum(step_2), 0) as step_2_accounts,
        coalesce(sum(step_3), 0) as step_3_accounts,
        coalesce(sum(step_4), 0) as step_4_accounts
    from flags

),

steps as (

    select
        1 as step,
        'signed_up' as step_name,
        step_1_accounts as accounts,
        step_1_accounts as previous_accounts,
        step_1_accounts
    from totals
    union all
    select
        2 as step,
        'activated' as step_name,
        step_2_accounts as accounts,
        step_1_accounts as previous_accounts,
        step_1_accounts
    from totals
    union all
    select
        3 as step,
        'engaged' as step_name,
        step_3_accounts as accounts,
        step_2_accounts as previous_accounts,
        step_1_accounts
    from totals
    union all
    select
        4 as step,
        'converted' as step_name,
        step_4_accounts as accounts,
        step_3_accounts as previous_accounts,
        step_1_accounts
    from totals

),

final as (

    select
        cast(step as integer) as step,
        cast(step_name as {{ dbt.type_string() }}) as step_name,
        cast(accounts as bigint) as accounts,
        cast({{ safe_rate('accounts', 'previous_accounts') }} as {{ plg_type_double() }}) as step_rate,
        cast({{ safe_rate('accounts', 'step_1_accounts') }} as {{ plg_type_double() }}) as rate_from_signup,
        cast({{ window_days }} as integer) as window_days
    from steps

)

select * from final
