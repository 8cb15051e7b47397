{#-
    The first session of each account (METRICS.md "first-session activation"): the run of the account's
    scoped events (any staged event at/after signup, occurred and received before the end of the as-of day),
    from its first one, whose gaps to the previous event are under var session_gap_minutes. The session ends at its last event.

    Cost: only the first session is needed, so the ordered (window) pass runs on each account's events of
    [first_event_at, first_event_at + var first_session_scan_hours) only (default 24 hours), not on all
    events. The result is exact whatever that bound: a session whose last event in the bound is closer
    than session_gap_minutes to the bound's end might continue after it; those few accounts are
    sessionized again over all their events.

    Incremental (delete+insert on account_id): a run re-sessionizes only the accounts whose scoped events can
    have changed since this table was last built (accounts_to_compute; the rule is in the YAML).
-#}
{{ config(
    materialized='incremental',
    unique_key='account_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_rows_outside(this, 'account_id', ref('int_accounts_scoped')) }}"
) }}
{%- set lookback_days = non_negative_int_var('lookback_days') %}
{%- set gap_minutes = positive_int_var('session_gap_minutes') %}
{%- set scan_hours = positive_int_var('first_session_scan_hours') %}
{%- set scan_end = dbt.dateadd('hour', scan_hours | int, 'first_events.first_event_at') %}

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

    select max(received_at) as watermark_at
    from {{ ref('stg_product__events') }}

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

    -- events staged since the last build (the lookback re-scan), or entering/leaving the clock's scope, that can
    -- change the account's first session: the account had none, or the event is earlier than its end + the gap
    -- (an event at least the gap after the end leaves the session's closing gap as it was)
    select distinct staged.account_id
    from {{ ref('stg_product__events') }} as staged
    cross join previous_build
    left join {{ this }} as previous
        on staged.account_id = previous.account_id
    where
        (
            previous_build.rescan_from_at is null
            or staged.received_at >= previous_build.rescan_from_at
            or (staged.occurred_at >= previous_build.moved_from_at and staged.occurred_at < previous_build.moved_to_at)
            or (staged.received_at >= previous_build.moved_from_at and staged.received_at < previous_build.moved_to_at)
        )
        and (
            previous.first_session_ended_at is null
            or staged.occurred_at < {{ dbt.dateadd('minute', gap_minutes, 'previous.first_session_ended_at') }}
        )

),

touched_by_spine as (

    -- accounts new to the spine, or whose signup changed (it bounds their scoped events)
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

events as (

    -- the accounts' scoped events (any event, core or not): at/after signup, occurred and received before the
    -- end of the as-of day
    select
        staged.account_id,
        staged.occurred_at
    from {{ ref('stg_product__events') }} as staged
    inner join accounts
        on staged.account_id = accounts.account_id
    cross join clock
    where
        staged.occurred_at >= accounts.signup_at
        and staged.occurred_at < clock.as_of_end_at
        and staged.received_at < clock.as_of_end_at

),

first_events as (

    select
        account_id,
        min(occurred_at) as first_event_at
    from events
    group by account_id

),

bounded_events as (

    select
        events.account_id,
        events.occurred_at,
        {{ scan_end }} as scan_end_at
    from events
    inner join first_events
        on events.account_id = first_events.account_id
    where events.occurred_at < {{ scan_end }}

),

bounded_gaps as (

    select
        account_id,
        occurred_at,
        scan_end_at,
        lag(occurred_at) over (partition by account_id order by occurred_at) as previous_occurred_at
    from bounded_events

),

bounded_breaks as (

    select
        account_id,
        min(occurred_at) as second_session_started_at
    from bounded_gaps
    where
        previous_occurred_at is not null
        and {{ seconds_between('previous_occurred_at', 'occurred_at') }} >= {{ gap_minutes * 60 }}
    group by account_id

),

bounded_sessions as (

    select
        bounded_gaps.account_id,
        min(bounded_gaps.occurred_at) as first_session_started_at,
        max(bounded_gaps.occurred_at) as first_session_ended_at,
        count(*) as first_session_events,
        max(bounded_gaps.scan_end_at) as scan_end_at,
        max(case when bounded_breaks.second_session_started_at is not null then 1 else 0 end) as has_break
    from bounded_gaps
    left join bounded_breaks
        on bounded_gaps.account_id = bounded_breaks.account_id
    where
        bounded_breaks.second_session_started_at is null
        or bounded_gaps.occurred_at < bounded_breaks.second_session_started_at
    group by bounded_gaps.account_id

),

closed_sessions as (

    -- closed: a break was seen, or any later event (at/after scan_end_at) is at least the gap after the last one
    select
        account_id,
        first_session_started_at,
        first_session_ended_at,
        first_session_events
    from bounded_sessions
    where
        has_break = 1
        or {{ seconds_between('first_session_ended_at', 'scan_end_at') }} >= {{ gap_minutes * 60 }}

),

open_accounts as (

    select account_id
    from bounded_sessions
    where
        has_break = 0
        and {{ seconds_between('first_session_ended_at', 'scan_end_at') }} < {{ gap_minutes * 60 }}

),

open_gaps as (

    select
        events.account_id,
        events.occurred_at,
        lag(events.occurred_at) over (partition by events.account_id order by events.occurred_at)
            as previous_occurred_at
    from events
    inner join open_accounts
        on events.account_id = open_accounts.account_id

),

open_breaks as (

    select
        account_id,
        min(occurred_at) as second_session_started_at
    from open_gaps
    where
        previous_occurred_at is not null
        and {{ seconds_between('previous_occurred_at', 'occurred_at') }} >= {{ gap_minutes * 60 }}
    group by account_id

),

open_sessions as (

    select
        open_gaps.account_id,
        min(open_gaps.occurred_at) as first_session_started_at,
        max(open_gaps.occurred_at) as first_session_ended_at,
        count(*) as first_session_events
    from open_gaps
    left join open_breaks
        on open_gaps.account_id = open_breaks.account_id
    where
        open_breaks.second_session_started_at is null
        or open_gaps.occurred_at < open_breaks.second_session_started_at
    group by open_gaps.account_id

),

sessions as (

    select
        account_id,
        first_session_started_at,
        first_session_ended_at,
        first_session_events
    from closed_sessions

    union all

    select
        account_id,
        first_session_started_at,
        first_session_ended_at,
        first_session_events
    from open_sessions

),

final as (

    -- every computed account has a row (null session: no scoped event yet), so a recomputed account that
    -- lost its events (the clock moved back) replaces its old row
    select
        accounts.account_id,
        accounts.signup_at,
        sessions.first_session_started_at,
        sessions.first_session_ended_at,
        sessions.first_session_events,
        clock.as_of_end_at as _incremental_as_of_end_at,
        watermark.watermark_at as _incremental_watermark_at
    from accounts
    left join sessions
        on accounts.account_id = sessions.account_id
    cross join clock
    cross join watermark

)

select * from final
