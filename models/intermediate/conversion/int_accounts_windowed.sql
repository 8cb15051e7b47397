{#-
    One row per account x conversion window W (the dashboard's var conversion_windows plus
    segment_window_days, funnel_window_days and sales_assist_window_days), with the flags every window
    mart reads (METRICS.md "Clock", "Product-led conversion rate"):
    - is_mature: signup_at + W days <= as_of_end_at;
    - is_active: a core event within W days (signup_at <= at < signup_at + W days);
    - is_converted: converted_at within W days of signup (signup_at <= converted_at < signup_at + W days);
    - is_in_plc_denominator: mature and (trial, or freemium and active) = the dashboard's `overall` denominator.
-#}
{%- set windows = all_conversion_windows() %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        free_model,
        converted_at
    from {{ ref('int_accounts_pathed') }}

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
        attribution
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
        touches.attribution,
        {{ dbt.dateadd('day', 'windows.window_days', 'accounts.signup_at') }} <= clock.as_of_end_at as is_mature,
        coalesce(
            engagement.first_core_event_at < {{ dbt.dateadd('day', 'windows.window_days', 'accounts.signup_at') }},
            false
        ) as is_active,
        coalesce(
            accounts.converted_at >= accounts.signup_at
            and accounts.converted_at < {{ dbt.dateadd('day', 'windows.window_days', 'accounts.signup_at') }},
            false
        ) as is_converted
    from accounts
    cross join windows
    cross join clock
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
        is_mature and (free_model = 'trial' or is_active) as is_in_plc_denominator,
        is_converted and attribution = 'self_serve' as is_self_serve_conversion,
        is_converted and attribution = 'sales_assisted' as is_sales_assisted_conversion
    from flagged

)

select * from final
