{#-
    The first session of each account (METRICS.md "first-session activation"): the run of the account's
    scoped events (any event, from its first event at/after signup) whose gaps to the previous event are
    under var session_gap_minutes. The session ends at its last event.
-#}
{%- set gap_minutes = positive_int_var('session_gap_minutes') %}

with

events as (

    select
        account_id,
        occurred_at
    from {{ ref('int_events_scoped') }}

),

gaps as (

    select
        account_id,
        occurred_at,
        lag(occurred_at) over (partition by account_id order by occurred_at) as previous_occurred_at
    from events

),

session_breaks as (

    select
        account_id,
        min(occurred_at) as second_session_started_at
    from gaps
    where
        previous_occurred_at is not null
        and {{ seconds_between('previous_occurred_at', 'occurred_at') }} >= {{ gap_minutes * 60 }}
    group by account_id

),

final as (

    select
        gaps.account_id,
        min(gaps.occurred_at) as first_session_started_at,
        max(gaps.occurred_at) as first_session_ended_at,
        count(*) as first_session_events
    from gaps
    left join session_breaks
        on gaps.account_id = session_breaks.account_id
    where
        session_breaks.second_session_started_at is null
        or gaps.occurred_at < session_breaks.second_session_started_at
    group by gaps.account_id

)

select * from final
