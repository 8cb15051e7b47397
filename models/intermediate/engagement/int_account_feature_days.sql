{#-
    Compact core-event aggregate: one row per account x day since signup x core feature
    (events of int_events_scoped with is_core). first/last occurred_at allow exact sub-day windows.
-#}

with

events as (

    select
        account_id,
        day_number,
        feature_name,
        occurred_at
    from {{ ref('int_events_scoped') }}
    where is_core

),

final as (

    select
        account_id,
        day_number,
        feature_name,
        count(*) as event_count,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at
    from events
    group by account_id, day_number, feature_name

)

select * from final
