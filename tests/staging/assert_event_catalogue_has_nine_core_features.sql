-- METRICS.md: 9 core features, each its own feature (one core event per feature).
with catalogue as (

    select
        event_name,
        feature_name,
        is_core
    from {{ ref('event_catalogue') }}

),

core as (

    select
        count(*) as core_events,
        count(distinct feature_name) as core_features
    from catalogue
    where is_core

)

select * from core
where core_events != 9 or core_features != 9
