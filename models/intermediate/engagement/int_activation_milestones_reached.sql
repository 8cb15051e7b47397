{#-
    Read from the known feature-days (int_account_day_keys_rolled with first_known_at before the as-of end: no
    event scan): a milestone event maps to its core feature through the seed event_catalogue, so each milestone
    must be a core event with a feature of its own (true of the seed; a seed test checks it).
    Incremental (delete+insert on account_id): a run recomputes only the accounts whose milestones can have
    changed since this table was last built (accounts_to_compute; the rule is in the YAML).
-#}
{{ config(
    materialized='incremental',
    unique_key='account_id',
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

    select
        account_id,
        signup_at
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
    -- first reach: the account is not activated yet, or the row is no later than its activation (a later row
    -- cannot lower a first reach, all of which are at or before activated_at)
    select distinct activity.account_id
    from {{ ref('int_account_days_aggregated') }} as activity
    cross join previous_build
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
            previous.activated_at is null
            or activity.first_occurred_at <= previous.activated_at
        )

),

touched_by_spine as (

    -- accounts new to the spine, or whose signup changed
    select spine.account_id
    from spine
    left join {{ this }} as previous
        on spine.account_id = previous.account_id
    where
        previous.account_id is null
        or previous.signup_at is distinct from spine.signup_at

),

accounts_to_compute as (

    select account_id from touched_by_events
    union
    select account_id from touched_by_spine

),

accounts as (

    select
        spine.account_id,
        spine.signup_at
    from spine
    inner join accounts_to_compute
        on spine.account_id = accounts_to_compute.account_id

),
{% else %}
accounts as (

    select
        account_id,
        signup_at
    from spine

),
{% endif %}

known_feature_days as (

    select
        rolled.account_id,
        rolled.feature_name,
        rolled.first_occurred_at
    from {{ ref('int_account_day_keys_rolled') }} as rolled
    cross join clock
    where
        rolled.key_type = 'feature'
        and rolled.first_known_at < clock.as_of_end_at
        {%- if is_incremental() %}
        and rolled.account_id in (select accounts.account_id from accounts)
        {%- endif %}

),

catalogue as (

    select
        event_name,
        feature_name
    from {{ ref('stg_product__event_catalogue') }}
    where is_core

),

milestones as (

    select distinct lower(trim(event_name)) as event_name
    from {{ ref('activation_milestones') }}

),

milestone_features as (

    select
        milestones.event_name,
        catalogue.feature_name
    from milestones
    inner join catalogue
        on milestones.event_name = catalogue.event_name

),

milestone_total as (

    select count(*) as milestones_total
    from milestones

),

first_reached as (

    select
        known_feature_days.account_id,
        milestone_features.event_name,
        min(known_feature_days.first_occurred_at) as first_reached_at
    from known_feature_days
    inner join milestone_features
        on known_feature_days.feature_name = milestone_features.feature_name
    group by known_feature_days.account_id, milestone_features.event_name

),

per_account as (

    select
        account_id,
        count(*) as milestones_reached,
        max(first_reached_at) as last_milestone_reached_at
    from first_reached
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.signup_at,
        coalesce(per_account.milestones_reached, 0) as milestones_reached,
        milestone_total.milestones_total,
        case
            when
                milestone_total.milestones_total > 0
                and per_account.milestones_reached = milestone_total.milestones_total
                then per_account.last_milestone_reached_at
        end as activated_at,
        clock.as_of_end_at as _incremental_as_of_end_at,
        watermark.watermark_at as _incremental_watermark_at
    from accounts
    cross join milestone_total
    cross join clock
    cross join watermark
    left join per_account
        on accounts.account_id = per_account.account_id

)

select * from final
