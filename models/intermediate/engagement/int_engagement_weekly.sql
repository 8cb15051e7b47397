{#- Account x week since signup, for the weeks holding at least one core-event key of the account (known or not
    yet known: the rows never disappear, so a keyed delete+insert stays equal to a full build); the counts are
    over the known keys (int_account_day_keys_rolled, first_known_at before the as-of end). fct_engagement_weekly zero-fills the weeks without activity
    up to the as-of week and scores them.
    Incremental (delete+insert on account x week): a run recomputes only the weeks whose keys were rewritten
    since this table was last built, or whose known-ness the clock's move can change. -#}
{{ config(
    materialized='incremental',
    unique_key=['account_id', 'week_number'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_rows_outside(this, 'account_id', ref('int_accounts_scoped')) }}"
) }}
{%- set lookback_days = non_negative_int_var('lookback_days') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

spine as (

    select account_id
    from {{ ref('int_accounts_scoped') }}

),

activity as (

    select
        account_id,
        day_number,
        first_known_at,
        last_received_at
    from {{ ref('int_account_days_aggregated') }}
    where account_id in (select spine.account_id from spine)

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

previous_accounts as (

    select distinct account_id
    from {{ this }}

),

weeks_to_compute as (

    -- key rows rewritten since the last build, or whose known-ness the clock's move can change; every week of
    -- an account new to the spine (the clock moved past its signup)
    select distinct
        activity.account_id,
        cast(floor(activity.day_number / 7.0) as {{ dbt.type_int() }}) as week_number
    from activity
    cross join previous_build
    left join previous_accounts
        on activity.account_id = previous_accounts.account_id
    where
        previous_build.rescan_from_at is null
        or previous_accounts.account_id is null
        or activity.last_received_at >= previous_build.rescan_from_at
        or (
            activity.first_known_at >= previous_build.moved_from_at
            and activity.first_known_at < previous_build.moved_to_at
        )

),
{% else %}
weeks_to_compute as (

    select distinct
        account_id,
        cast(floor(day_number / 7.0) as {{ dbt.type_int() }}) as week_number
    from activity

),
{% endif %}

known_keys as (

    select
        rolled.account_id,
        cast(floor(rolled.day_number / 7.0) as {{ dbt.type_int() }}) as week_number,
        rolled.day_number,
        rolled.key_type,
        rolled.feature_name,
        rolled.user_id
    from {{ ref('int_account_day_keys_rolled') }} as rolled
    cross join clock
    where
        rolled.first_known_at < clock.as_of_end_at
        {%- if is_incremental() %}
        and rolled.account_id in (select weeks_to_compute.account_id from weeks_to_compute)
        {%- endif %}

),

known_days as (

    select
        known_keys.account_id,
        known_keys.week_number,
        known_keys.day_number,
        known_keys.key_type,
        known_keys.feature_name,
        known_keys.user_id
    from known_keys
    {% if is_incremental() -%}
    inner join weeks_to_compute
        on
            known_keys.account_id = weeks_to_compute.account_id
            and known_keys.week_number = weeks_to_compute.week_number
    {%- endif %}

),

weekly_features as (

    select
        account_id,
        week_number,
        count(distinct day_number) as active_days,
        count(distinct feature_name) as core_features_used
    from known_days
    where key_type = 'feature'
    group by account_id, week_number

),

weekly_users as (

    select
        account_id,
        week_number,
        count(distinct user_id) as active_users
    from known_days
    where key_type = 'user'
    group by account_id, week_number

),

final as (

    select
        weeks_to_compute.account_id,
        weeks_to_compute.week_number,
        coalesce(weekly_features.active_days, 0) as active_days,
        coalesce(weekly_features.core_features_used, 0) as core_features_used,
        coalesce(weekly_users.active_users, 0) as active_users,
        clock.as_of_end_at as _incremental_as_of_end_at,
        watermark.watermark_at as _incremental_watermark_at
    from weeks_to_compute
    cross join clock
    cross join watermark
    left join weekly_features
        on
            weeks_to_compute.account_id = weekly_features.account_id
            and weeks_to_compute.week_number = weekly_features.week_number
    left join weekly_users
        on
            weeks_to_compute.account_id = weekly_users.account_id
            and weeks_to_compute.week_number = weekly_users.week_number

)

select * from final
