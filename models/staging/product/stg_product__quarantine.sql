{#-
    Every unusable landed row of the product source: one row per row that is not staged and is not a
    repeated delivery. Events: the earliest delivery of an event_id is judged (later copies are duplicates);
    only the deliveries of event_ids with a broken rule are ranked (cheap at scale).
-#}
{{ config(materialized='table') }}

with accounts as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail
    from {{ ref('base_product__accounts') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

users as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail
    from {{ ref('base_product__users') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

event_deliveries as (

    select * from {{ ref('base_product__events') }}

),

events_without_key as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail
    from event_deliveries
    where event_id is null

),

flagged_event_ids as (

    select distinct event_id
    from event_deliveries
    where event_id is not null and quarantine_rule is not null

),

flagged_event_deliveries as (

    select
        event_deliveries.*,
        row_number() over (
            partition by event_deliveries.event_id
            order by {{ event_delivery_order('event_deliveries') }}
        ) as delivery_rank
    from event_deliveries
    inner join flagged_event_ids
        on event_deliveries.event_id = flagged_event_ids.event_id

),

events_with_key as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail
    from flagged_event_deliveries
    where delivery_rank = 1 and quarantine_rule is not null

),

unioned as (

    select
        'accounts' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail
    from accounts
    union all
    select
        'users' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail
    from users
    union all
    select
        'events' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail
    from events_without_key
    union all
    select
        'events' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail
    from events_with_key

),

{{ quarantine_final('unioned') }}
