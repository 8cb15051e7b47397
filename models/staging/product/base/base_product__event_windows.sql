{#-
    Why a model: the bounds of the incremental event pipeline are visible and tested here (Snowplow's
    new-event limits), instead of being read inside a macro. The previous verdicts table is read through
    the graph (plg_model_relation), not ref(): it is built after this model, from this model. The bound is
    the one int_incremental_runs_recorded records as frozen_before_at (latest staged received_at - var
    lookback_days), so the run-start fingerprint check guards exactly what the window does not re-scan.
    No upper limit is read from the landing: that would be a full scan of it each run and an edge from the
    source, for a figure nothing uses (every delivery landed by the run start is judged).
-#}
{{ config(materialized='table') }}

{%- set previous = plg_model_relation('base_product__event_verdicts') if execute else none %}

with

{% if previous is not none and not flags.FULL_REFRESH -%}
judged as (

    select
        {{ dbt.dateadd('day', -1 * non_negative_int_var('lookback_days'), 'max(received_at)') }} as rescan_from_at
    from {{ previous }}
    where quarantine_rule is null

),
{%- else -%}
judged as (

    select cast(null as {{ dbt.type_timestamp() }}) as rescan_from_at

),
{%- endif %}

final as (

    select
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id,
        cast(judged.rescan_from_at as {{ dbt.type_timestamp() }}) as rescan_from_at,
        (judged.rescan_from_at is null) as is_full_scan
    from judged

)

select * from final
