{#-
    The one core-event aggregate: account x day since signup x core feature x user (null user: events without
    one), over ALL staged events at/after the account's signup. As-of independent (day_number does not depend on
    the clock): consumers roll it up to feature-days or user-days first and keep a key when its earliest
    first_known_at is before the as-of end, so a key counts exactly as an event-level filter would.

    Incremental (delete+insert on account x day): the account-days touched by staged events received from
    max(last_received_at) - var lookback_days on are recomputed from ALL their staged events, so a key's figures
    are always complete and never double counted (a re-delivered event is staged once). The bound is read first
    and inlined as a literal. A change of the seed event_catalogue or of an account's signup_at needs
    --full-refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key=['account_id', 'day_number'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

{#- the rescan window (macros/engagement/engagement_helpers.sql): rescan_from_at bounds the received_at of
    the touched keys, scan_from_at their occurred_at (none on a full build) -#}
{%- set rescan = engagement_rescan_bounds() %}
{%- set rescan_from_at = rescan['rescan_from_at'] %}
{%- set scan_from_at = rescan['scan_from_at'] %}

with

accounts as (

    select
        account_id,
        signup_at
    from {{ ref('stg_product__accounts') }}

),

catalogue as (

    select
        event_name,
        feature_name
    from {{ ref('stg_product__event_catalogue') }}
    where is_core

),

events as (

    {#- the staged events read from the verdicts (stg_product__events is the same filter on them), as
        int_clock does: one edge less from the landing to every engagement mart -#}

    select
        account_id,
        user_id,
        event_name,
        occurred_at,
        received_at
    from {{ ref('base_product__event_verdicts') }}
    where quarantine_rule is null and received_at is not null

),

{% if rescan_from_at is not none %}
recent_events as (

    select
        account_id,
        event_name,
        occurred_at
    from {{ ref('base_product__event_verdicts') }}
    where
        quarantine_rule is null
        and received_at is not null
        and received_at >= cast('{{ rescan_from_at }}' as {{ dbt.type_timestamp() }})

),

touched_keys as (

    select distinct
        recent_events.account_id,
        {{ day_number_since('accounts.signup_at', 'recent_events.occurred_at') }} as day_number
    from recent_events
    inner join accounts
        on recent_events.account_id = accounts.account_id
    inner join catalogue
        on recent_events.event_name = catalogue.event_name
    where recent_events.occurred_at >= accounts.signup_at

),

touched_accounts as (

    select distinct account_id
    from touched_keys

),

core_events_all as (

    select
        events.account_id,
        {{ day_number_since('accounts.signup_at', 'events.occurred_at') }} as day_number,
        catalogue.feature_name,
        events.user_id,
        events.occurred_at,
        events.received_at
    from events
    inner join touched_accounts
        on events.account_id = touched_accounts.account_id
    inner join accounts
        on events.account_id = accounts.account_id
    inner join catalogue
        on events.event_name = catalogue.event_name
    where
        events.occurred_at >= accounts.signup_at
        {%- if scan_from_at is not none %}
        and events.occurred_at >= cast('{{ scan_from_at }}' as {{ dbt.type_timestamp() }})
        {%- endif %}

),

core_events as (

    select
        core_events_all.account_id,
        core_events_all.day_number,
        core_events_all.feature_name,
        core_events_all.user_id,
        core_events_all.occurred_at,
        core_events_all.received_at
    from core_events_all
    inner join touched_keys
        on
            core_events_all.account_id = touched_keys.account_id
            and core_events_all.day_number = touched_keys.day_number

),
{% else %}
core_events as (

    select
        events.account_id,
        {{ day_number_since('accounts.signup_at', 'events.occurred_at') }} as day_number,
        catalogue.feature_name,
        events.user_id,
        events.occurred_at,
        events.received_at
    from events
    inner join accounts
        on events.account_id = accounts.account_id
    inner join catalogue
        on events.event_name = catalogue.event_name
    where events.occurred_at >= accounts.signup_at

),
{% endif %}

final as (

    select
        account_id,
        day_number,
        feature_name,
        user_id,
        count(*) as event_count,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at,
        min(case when received_at > occurred_at then received_at else occurred_at end) as first_known_at,
        max(received_at) as last_received_at
    from core_events
    group by account_id, day_number, feature_name, user_id

)

select * from final
