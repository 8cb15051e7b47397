{#- Account x window flags for the window marts. The flags themselves are the macros is_within_days /
    is_mature_for / conversion_attribution, shared with int_signup_cohorts_monthly and fct_conversions. -#}
{%- set windows = all_conversion_windows() %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        free_model
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
        engagement_tier
    from {{ ref('int_engagement_scored') }}

),

touches as (

    select
        account_id,
        first_sales_touch_at
    from {{ ref('int_touches_attributed') }}

),

windows as (

    {% for w in windows -%}
    select {{ w }} as window_days
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

),

flagged as (

    select
        accounts.account_id,
        windows.window_days,
        accounts.free_model,
        engagement.engagement_tier,
        {{ conversion_attribution('conversions.converted_at', 'touches.first_sales_touch_at') }} as attribution,
        {{ is_mature_for('accounts.signup_at', 'windows.window_days', 'clock.as_of_end_at') }} as is_mature,
        {{ is_within_days('engagement.first_core_event_at', 'accounts.signup_at', 'windows.window_days') }}
            as is_active,
        {{ is_within_days('conversions.converted_at', 'accounts.signup_at', 'windows.window_days') }}
            as is_converted,
        {{ is_in_plc_denominator(
            'accounts.signup_at', 'accounts.free_model', 'engagement.first_core_event_at', 'windows.window_days',
            'clock.as_of_end_at'
        ) }} as is_in_plc_denominator
    from accounts
    cross join windows
    cross join clock
    left join conversions
        on accounts.account_id = conversions.account_id
    left join engagement
        on accounts.account_id = engagement.account_id
    left join touches
        on accounts.account_id = touches.account_id

),

final as (

    select
        account_id,
        window_days,
        free_model,
        engagement_tier,
        is_mature,
        is_active,
        is_converted,
        is_in_plc_denominator,
        is_converted and attribution = 'self_serve' as is_self_serve_conversion,
        is_converted and attribution = 'sales_assisted' as is_sales_assisted_conversion
    from flagged

)

select * from final
