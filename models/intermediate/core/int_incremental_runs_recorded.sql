{#-
    The incremental state, visible (issue 12; Snowplow's incremental manifest in spirit): one row per run
    that built the incremental event models, with the bound below which they will not re-scan the landing
    (frozen_before_at = max staged received_at - var lookback_days) and the fingerprint of the landing
    below it (incremental_fingerprint_sql). check_incremental_state() (on-run-start) compares the latest
    row with the landing and stops the run when the frozen part changed. A full refresh starts it over.
-#}
{{ config(materialized='incremental', incremental_strategy='append', unique_key='invocation_id') }}
-- built after the incremental event models, so a row means they processed this landing (the incremental
-- engagement models keep their own state in their _incremental_* columns):
-- depends_on: {{ ref('int_account_days_aggregated') }}
-- depends_on: {{ ref('stg_product__quarantine') }}

with

staged as (

    select
        {{ dbt.dateadd('day', -1 * non_negative_int_var('lookback_days'), 'max(received_at)') }} as frozen_before_at
    from {{ ref('stg_product__events') }}

),

fingerprint as (

    {{ incremental_fingerprint_sql(
        '(select frozen_before_at from staged)', ref('base_product__events'), ref('stg_product__accounts')
    ) }}

),

final as (

    select
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id,
        cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }}) as recorded_at,
        {{ 'true' if (flags.FULL_REFRESH or not is_incremental()) else 'false' }} as is_full_refresh,
        cast(staged.frozen_before_at as {{ dbt.type_timestamp() }}) as frozen_before_at,
        cast({{ non_negative_int_var('lookback_days') }} as {{ dbt.type_int() }}) as lookback_days,
        fingerprint.frozen_event_rows,
        fingerprint.frozen_event_min_id,
        fingerprint.frozen_event_max_id,
        fingerprint.frozen_event_received_seconds,
        fingerprint.frozen_account_rows,
        fingerprint.frozen_account_signup_seconds
    from staged
    cross join fingerprint

)

select * from final
