{#-
    The event_ids landed more than once (re-deliveries): one row per such event_id, with the latest
    received_at of its deliveries. Only these are ranked to find the earliest delivery (base_product__events
    flags their rows with has_repeated_event_id); every other event_id has a single delivery. About 1 % of
    the ids, so one count over the landing's event_id column replaces a window over every delivery.

    Incremental (delete+insert on event_id): an id becomes repeated, or gets a later latest_received_at,
    only when another delivery lands, so only the ids delivered from the re-scan bound on
    (max(latest_received_at) - var lookback_days, or with a null received_at) are counted again, over the
    whole landing, and replace their rows. Same table as a full refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns'
) }}

{%- set rescan = event_rescan_predicates('repeated', received_column='latest_received_at') %}

with

landed as (

    select
        event_id,
        {{ as_utc('received_at', source_columns('product', 'events')) }} as received_at
    from {{ landing_relation('product', 'events') }}
    where event_id is not null

),

{% if rescan.is_rescan -%}
recently_delivered as (

    select distinct event_id
    from landed
    where {{ rescan.in_rescan }}

),

candidates as (

    select landed.*
    from landed
    inner join recently_delivered
        on landed.event_id = recently_delivered.event_id

),
{%- else -%}
candidates as (

    select * from landed

),
{%- endif %}

repeated as (

    select
        event_id,
        max(received_at) as latest_received_at
    from candidates
    group by event_id
    having count(*) > 1

),

final as (

    select * from repeated

)

select * from final
