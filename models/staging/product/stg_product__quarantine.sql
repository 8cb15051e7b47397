{#-
    Every unusable landed row of the product source: one row per row that is not staged and is not a
    repeated delivery. Events: the earliest delivery of an event_id is judged (later copies are duplicates)
    by the incremental base_product__quarantined_events; rows with a null event_id are all quarantined
    (rule null_event_id) and read here with a filter the landing scan applies, so a daily run stays cheap.
-#}
{{ config(materialized='table') }}

with accounts as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(signup_at as date) as received_date
    from {{ ref('base_product__accounts') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

users as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_product__users') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

events_without_key as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(received_at as date) as received_date
    from {{ ref('base_product__events') }}
    where event_id is null

),

events_with_key as (

    select
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(received_at as date) as received_date
    from {{ ref('stg_product__quarantined_events') }}

),

unioned as (

    select
        'accounts' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from accounts
    union all
    select
        'users' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from users
    union all
    select
        'events' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from events_without_key
    union all
    select
        'events' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from events_with_key

),

{{ quarantine_final('unioned', 'product') }}
