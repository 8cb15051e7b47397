{#- PES, feature adoption and product adoption per spine account (definitions: YAML and METRICS.md). An account
    younger than a window is scored on the days elapsed so far (is_pes_window_complete says so).
    Incremental (delete+insert on account_id): a run recomputes only the accounts whose figures can have
    changed since this table was last built (accounts_to_compute; the rule is in the YAML). -#}
{{ config(
    materialized='incremental',
    unique_key='account_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_rows_outside(this, 'account_id', ref('int_accounts_scoped')) }}"
) }}
{%- set engagement_days = positive_int_var('engagement_window_days') %}
{%- set adoption_days = positive_int_var('feature_adoption_window_days') %}
{%- set product_adoption_days = positive_int_var('product_adoption_window_days') %}
{%- set team_cap = positive_int_var('pes_team_cap') %}
{%- set lookback_days = non_negative_int_var('lookback_days') %}
{%- set tiers = engagement_tier_thresholds() %}
{%- set adoption_end = dbt.dateadd('day', product_adoption_days, 'evaluation.evaluation_end_at') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

spine as (

    select
        account_id,
        signup_at,
        free_model,
        trial_end_at,
        case
            when free_model = 'trial' then trial_end_at
            else {{ dbt.dateadd('day', product_adoption_days, 'signup_at') }}
        end as evaluation_end_at
    from {{ ref('int_accounts_scoped') }}

),

watermark as (

    select max(last_received_at) as watermark_at
    from {{ ref('int_account_days_aggregated') }}

),

{% if is_incremental() %}
previous_build as (

    -- this table's last build (the latest of its rows): what can have changed since is what was received from
    -- its watermark - lookback_days on, and what the clock passed (either way) between its as-of end and ours
    select
        {{ dbt.dateadd('day', -1 * lookback_days, 'max(previous._incremental_watermark_at)') }} as rescan_from_at,
        least(max(previous._incremental_as_of_end_at), max(clock.as_of_end_at)) as moved_from_at,
        greatest(max(previous._incremental_as_of_end_at), max(clock.as_of_end_at)) as moved_to_at
    from {{ this }} as previous
    cross join clock

),

touched_by_events as (

    -- key rows rewritten since the last build, or whose known-ness the clock's move can change, that can move a
    -- figure: inside the 14-day or adoption window since signup, on a day overlapping the product-adoption
    -- window, or no later than the account's first core event (a row outside all three changes nothing)
    select distinct activity.account_id
    from {{ ref('int_account_days_aggregated') }} as activity
    cross join previous_build
    inner join spine
        on activity.account_id = spine.account_id
    left join {{ this }} as previous
        on activity.account_id = previous.account_id
    where
        (
            previous_build.rescan_from_at is null
            or activity.last_received_at >= previous_build.rescan_from_at
            or (
                activity.first_known_at >= previous_build.moved_from_at
                and activity.first_known_at < previous_build.moved_to_at
            )
        )
        and (
            activity.day_number < {{ [engagement_days, adoption_days] | max }}
            or (
                activity.first_occurred_at > {{ dbt.dateadd('day', -1, 'spine.evaluation_end_at') }}
                and activity.first_occurred_at
                < {{ dbt.dateadd('day', product_adoption_days + 1, 'spine.evaluation_end_at') }}
            )
            or previous.first_core_event_at is null
            or activity.first_occurred_at <= previous.first_core_event_at
        )

),

touched_by_clock as (

    -- the windows the clock's move closed or reopened (is_pes_window_complete, is_product_adoption_mature)
    select spine.account_id
    from spine
    cross join previous_build
    where
        (
            {{ dbt.dateadd('day', engagement_days, 'spine.signup_at') }}
            between previous_build.moved_from_at and previous_build.moved_to_at
        )
        or (
            {{ dbt.dateadd('day', product_adoption_days, 'spine.evaluation_end_at') }}
            between previous_build.moved_from_at and previous_build.moved_to_at
        )

),

touched_by_spine as (

    -- accounts new to the spine, or whose signup or evaluation end changed (e.g. a trial subscription landed)
    select spine.account_id
    from spine
    left join {{ this }} as previous
        on spine.account_id = previous.account_id
    where
        previous.account_id is null
        or previous.signup_at is distinct from spine.signup_at
        or previous.evaluation_end_at is distinct from spine.evaluation_end_at

),

accounts_to_compute as (

    select account_id from touched_by_events
    union
    select account_id from touched_by_clock
    union
    select account_id from touched_by_spine

),

accounts as (

    select
        spine.account_id,
        spine.signup_at,
        spine.free_model,
        spine.trial_end_at,
        spine.evaluation_end_at
    from spine
    inner join accounts_to_compute
        on spine.account_id = accounts_to_compute.account_id

),
{% else %}
accounts as (

    select
        account_id,
        signup_at,
        free_model,
        trial_end_at,
        evaluation_end_at
    from spine

),
{% endif %}

feature_days as (

    select
        rolled.account_id,
        rolled.day_number,
        rolled.feature_name,
        rolled.first_occurred_at,
        rolled.last_occurred_at
    from {{ ref('int_account_day_keys_rolled') }} as rolled
    cross join clock
    where
        rolled.key_type = 'feature'
        and rolled.first_known_at < clock.as_of_end_at
        {%- if is_incremental() %}
        and rolled.account_id in (select accounts.account_id from accounts)
        {%- endif %}

),

user_days as (

    select
        rolled.account_id,
        rolled.day_number,
        rolled.user_id
    from {{ ref('int_account_day_keys_rolled') }} as rolled
    cross join clock
    where
        rolled.key_type = 'user'
        and rolled.first_known_at < clock.as_of_end_at
        {%- if is_incremental() %}
        and rolled.account_id in (select accounts.account_id from accounts)
        {%- endif %}

),

core_feature_total as (

    select {{ core_features_total() }} as core_features_total

),

feature_usage as (

    select
        account_id,
        count(distinct case when day_number < {{ engagement_days }} then feature_name end) as core_features_used_14d,
        count(distinct case when day_number < {{ engagement_days }} then day_number end) as active_days_14d,
        count(distinct case when day_number < {{ adoption_days }} then feature_name end) as core_features_used_30d,
        min(first_occurred_at) as first_core_event_at
    from feature_days
    group by account_id

),

team_usage as (

    select
        account_id,
        count(distinct user_id) as active_users_14d
    from user_days
    where day_number < {{ engagement_days }}
    group by account_id

),

evaluation as (

    select
        account_id,
        evaluation_end_at
    from accounts

),

adoption as (

    select
        evaluation.account_id,
        max(case
            when
                feature_days.last_occurred_at >= evaluation.evaluation_end_at
                and feature_days.first_occurred_at < {{ adoption_end }}
                then 1
            else 0
        end) as has_adoption_event
    from evaluation
    inner join feature_days
        on evaluation.account_id = feature_days.account_id
    group by evaluation.account_id

),

components as (

    select
        accounts.account_id,
        accounts.signup_at,
        clock.as_of_end_at,
        watermark.watermark_at,
        coalesce(feature_usage.core_features_used_14d, 0) as core_features_used_14d,
        coalesce(feature_usage.active_days_14d, 0) as active_days_14d,
        coalesce(team_usage.active_users_14d, 0) as active_users_14d,
        coalesce(feature_usage.core_features_used_30d, 0) as core_features_used_30d,
        core_feature_total.core_features_total,
        feature_usage.first_core_event_at,
        evaluation.evaluation_end_at,
        coalesce(adoption.has_adoption_event, 0) = 1 as has_product_adoption,
        {{ adoption_end }} <= clock.as_of_end_at as is_product_adoption_mature,
        {{ dbt.dateadd('day', engagement_days, 'accounts.signup_at') }} <= clock.as_of_end_at as is_pes_window_complete
    from accounts
    cross join core_feature_total
    cross join clock
    cross join watermark
    left join feature_usage
        on accounts.account_id = feature_usage.account_id
    left join team_usage
        on accounts.account_id = team_usage.account_id
    left join evaluation
        on accounts.account_id = evaluation.account_id
    left join adoption
        on accounts.account_id = adoption.account_id

),

scored as (

    select
        account_id,
        signup_at,
        as_of_end_at,
        watermark_at,
        core_features_used_14d,
        active_days_14d,
        active_users_14d,
        core_features_used_30d,
        core_features_total,
        first_core_event_at,
        evaluation_end_at,
        has_product_adoption,
        is_product_adoption_mature,
        is_pes_window_complete,
        {{ safe_rate('core_features_used_14d', 'core_features_total') }} as breadth_14d,
        {{ safe_rate('active_days_14d', engagement_days) }} as frequency_14d,
        {{ safe_rate(pes_capped_users('active_users_14d'), team_cap) }} as team_14d,
        {{ pes_score(
            'core_features_used_14d', 'core_features_total', 'active_days_14d', engagement_days, 'active_users_14d'
        ) }} as pes_14d,
        {{ safe_rate('core_features_used_30d', 'core_features_total') }} as feature_adoption_30d
    from components

),

final as (

    select
        account_id,
        signup_at,
        core_features_used_14d,
        active_days_14d,
        active_users_14d,
        core_features_used_30d,
        core_features_total,
        breadth_14d,
        frequency_14d,
        team_14d,
        pes_14d,
        case
            when pes_14d >= {{ tiers[1] }} then 'high'
            when pes_14d < {{ tiers[0] }} then 'low'
            else 'medium'
        end as engagement_tier,
        is_pes_window_complete,
        feature_adoption_30d,
        first_core_event_at,
        evaluation_end_at,
        has_product_adoption,
        is_product_adoption_mature,
        as_of_end_at as _incremental_as_of_end_at,
        watermark_at as _incremental_watermark_at
    from scored

)

select * from final
