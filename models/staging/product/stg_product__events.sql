{#-
    Clean events: one row per event_id, the earliest delivery (received_at, then occurred_at, then the
    properties hash, then name / user / account), kept only when that delivery breaks no quarantine rule
    (base_product__quarantined_events holds the others).

    Cheap at scale: only event_ids delivered more than once (base_product__repeated_event_ids, flagged
    has_repeated_event_id) are ranked; the others are their own earliest delivery. Incremental (append + anti-join on
    event_id): the re-scan bound (max(received_at) of this table - var lookback_days) is read first and
    inlined as a literal, so the filter on received_at is pushed down to the landing scan. Only deliveries
    received from that bound on are judged; an event_id with a delivery received before the bound was judged
    by an earlier run (staged or quarantined) and is skipped; so is an event_id already in the table.
    A full refresh and any sequence of incremental runs over an append-only landing give the same table.
-#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='append',
    on_schema_change='append_new_columns'
) }}

{%- set columns = [
    'event_id', 'event_name', 'user_id', 'account_id', 'occurred_at', 'received_at', 'feature_property',
    'invitee_count'
] | join(', ') %}
{%- set rescan = event_rescan_predicates('earliest_clean') %}

with

landed as (

    select
        event_id,
        received_at
    from {{ source('product', 'events') }}
    where event_id is not null

),

single_deliveries as (

    {#- base_product__events is read once per branch (not through a shared CTE, which DuckDB would
        materialize): each branch's filter on has_repeated_event_id reaches the landing scan, before parsing -#}
    select {{ columns }}, quarantine_rule
    from {{ ref('base_product__events') }}
    where
        event_id is not null
        and not has_repeated_event_id
        and {{ rescan.in_rescan }}

),

repeated_ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by {{ event_delivery_order() }}
        ) as delivery_rank
    from {{ ref('base_product__events') }}
    where
        event_id is not null
        and has_repeated_event_id
        and {{ rescan.in_rescan }}

),

earliest_clean as (

    select {{ columns }}
    from single_deliveries
    where quarantine_rule is null
    union all
    select {{ columns }}
    from repeated_ranked
    where delivery_rank = 1 and quarantine_rule is null

),

final as (

    select * from earliest_clean
    {%- if is_incremental() %}
    where
        not exists (
            select 1 from {{ this }} as existing
            where existing.event_id = earliest_clean.event_id
        )
        and {{ rescan.not_judged_before }}
    {%- endif %}

)

select * from final
