{#-
    Compact core-event aggregate: one row per account x day since signup x user (non-null users with a
    core event). Feeds the team component of PES (14 days and weekly).
-#}

with

events as (

    select
        account_id,
        day_number,
        user_id
    from {{ ref('int_events_scoped') }}
    where is_core and user_id is not null

),

final as (

    select
        account_id,
        day_number,
        user_id,
        count(*) as event_count
    from events
    group by account_id, day_number, user_id

)

select * from final
