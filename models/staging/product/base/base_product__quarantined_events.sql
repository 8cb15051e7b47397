{#-
    Events whose earliest delivery breaks a quarantine rule: one row per event_id (events with a null
    event_id are judged row by row in stg_product__quarantine).

    The same judgement as stg_product__events (macro earliest_event_deliveries, judged='broken'): every
    event_id with a key is either staged (earliest delivery clean) or here (broken), never both. Only the
    event_ids delivered more than once are ranked.

    Runs after stg_product__events (the depends_on hint below): both scan every delivery, and on one
    DuckDB file two such scans at once compete for the same cores and memory (measured: 21 s together
    against 13 s one after the other at 10M events, and spilling at 100M).

    Incremental like stg_product__events (append + anti-join on event_id; re-scan bound = max(received_at)
    of this table - var lookback_days; deliveries with a null received_at are always re-read), so a daily
    run reads only the new days of the landing.
-#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='append',
    on_schema_change='append_new_columns'
) }}

-- depends_on: {{ ref('stg_product__events') }}

with

{{ earliest_event_deliveries(
    ['event_id', 'received_at', 'record_key', 'quarantine_rule', 'quarantine_detail'], judged='broken'
) }}

final as (

    select
        event_id,
        received_at,
        record_key,
        quarantine_rule,
        quarantine_detail
    from earliest_deliveries

)

select * from final
