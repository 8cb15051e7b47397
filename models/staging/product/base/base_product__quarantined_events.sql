{#-
    Events whose earliest delivery breaks a quarantine rule: one row per event_id (events with a null
    event_id are judged row by row in stg_product__quarantine).

    Every event_id is either staged (its earliest delivery is clean) or quarantined (it is broken). So the
    quarantined ids are the ids with a broken delivery that stg_product__events did not stage, and their
    earliest delivery is their earliest BROKEN delivery: only the broken deliveries (about 1 % of the
    landing) are ranked, and the judgement cannot disagree with staging's.

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

{%- set rescan = event_rescan_predicates('earliest_broken') %}

with

staged as (

    select event_id from {{ ref('stg_product__events') }}

),

broken_deliveries as (

    select
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at,
        properties_hash,
        record_key,
        quarantine_rule,
        quarantine_detail
    from {{ ref('base_product__events') }}
    where
        event_id is not null
        and quarantine_rule is not null
        and {{ rescan.in_rescan }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by {{ event_delivery_order() }}
        ) as delivery_rank
    from broken_deliveries

),

earliest_broken as (

    select
        event_id,
        received_at,
        record_key,
        quarantine_rule,
        quarantine_detail
    from ranked
    where delivery_rank = 1

),

landed as (

    select
        event_id,
        received_at
    from {{ source('product', 'events') }}

),

final as (

    select earliest_broken.*
    from earliest_broken
    where
        not exists (
            select 1 from staged
            where staged.event_id = earliest_broken.event_id
        )
        and {{ rescan.not_judged_before }}
        {%- if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as existing
            where existing.event_id = earliest_broken.event_id
        )
        {%- endif %}

)

select * from final
