{#-
    Clean events: one row per event_id, the earliest delivery (received_at, then occurred_at, then the
    properties hash, then name / user / account), kept only when that delivery breaks no quarantine rule
    (base_product__quarantined_events holds the others).

    The judgement is the macro earliest_event_deliveries (shared with the quarantine). Cheap at scale: only
    event_ids delivered more than once (base_product__repeated_event_ids, flagged has_repeated_event_id) are
    ranked; the others are their own earliest delivery. Incremental (append + anti-join on event_id): the
    re-scan bound (max(received_at) of this table - var lookback_days) is read first and
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

with

{{ earliest_event_deliveries([
    'event_id', 'event_name', 'user_id', 'account_id', 'occurred_at', 'received_at', 'feature_property',
    'invitee_count', 'has_invalid_properties'
], judged='clean') }}

final as (

    select
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at,
        feature_property,
        invitee_count,
        has_invalid_properties
    from earliest_deliveries

)

select * from final
