{#-
    A replaced or re-synced landing (issue 12). The incremental models (the event verdicts
    base_product__event_verdicts, int_account_days_aggregated,
    and stg_product__quarantine built from them) re-scan only the deliveries
    received within var lookback_days of what they hold: rows before that bound are FROZEN. Each run
    records, in int_incremental_runs_recorded, a fingerprint of the frozen part of the landing:
      - events received before frozen_before_at: rows, min/max event_id, sum of received_at epoch seconds;
      - workspaces that signed up before frozen_before_at: rows, sum of signup_at epoch seconds
        (the account-day aggregates are keyed on days since signup).
    At the next run start, check_incremental_state() recomputes the same fingerprint with the recorded
    bound; any difference means the landing changed where the incremental models will not look again
    (a replaced landing, a re-sync, a backfill older than the lookback, a corrected signup_at), and the
    run stops before building anything, saying what to run. A --full-refresh run skips the check
    (it rebuilds everything) and records a new fingerprint.
-#}

{#- one row: the fingerprint of the landing before <frozen_before_at> (an SQL timestamp expression) -#}
{% macro incremental_fingerprint_sql(frozen_before_at, events_relation, accounts_relation) -%}
    {%- set epoch = "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" -%}
    select
        events_frozen.frozen_event_rows,
        events_frozen.frozen_event_min_id,
        events_frozen.frozen_event_max_id,
        events_frozen.frozen_event_received_seconds,
        accounts_frozen.frozen_account_rows,
        accounts_frozen.frozen_account_signup_seconds
    from (
        select
            count(*) as frozen_event_rows,
            min(event_id) as frozen_event_min_id,
            max(event_id) as frozen_event_max_id,
            coalesce(sum(cast({{ dbt.datediff(epoch, 'received_at', 'second') }} as {{ dbt.type_bigint() }})), 0)
                as frozen_event_received_seconds
        from {{ events_relation }}
        where received_at < {{ frozen_before_at }}
    ) as events_frozen
    cross join (
        select
            count(*) as frozen_account_rows,
            coalesce(sum(cast({{ dbt.datediff(epoch, 'signup_at', 'second') }} as {{ dbt.type_bigint() }})), 0)
                as frozen_account_signup_seconds
        from {{ accounts_relation }}
        where signup_at < {{ frozen_before_at }}
    ) as accounts_frozen
{%- endmacro %}

{#- the relation of a model of this project, from the graph (hooks have no ref()) -#}
{% macro plg_model_relation(model_name) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == model_name and node.package_name == project_name -%}
            {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias or node.name)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{% macro check_incremental_state() -%}
    {%- if execute and not flags.FULL_REFRESH -%}
        {#- the incremental engagement models keep their state in their _incremental_* columns: a table built
            before they were incremental has none, and an incremental run would fail on a missing column -#}
        {%- for model_name in ['int_engagement_scored', 'int_engagement_weekly', 'int_first_sessions_sessionized', 'int_activation_milestones_reached'] -%}
            {%- set relation = plg_model_relation(model_name) -%}
            {%- if relation is not none -%}
                {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
                {%- if '_incremental_watermark_at' not in columns -%}
                    {{ exceptions.raise_compiler_error(
                        model_name ~ " (" ~ relation ~ ") was built by an earlier version of the project, before it was"
                        ~ " incremental: it has no _incremental_watermark_at column to resume from, so nothing was built."
                        ~ "\nRun once: dbt build --full-refresh") }}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set state = plg_model_relation('int_incremental_runs_recorded') -%}
        {%- set events = plg_model_relation('base_product__events') -%}
        {%- set accounts = plg_model_relation('stg_product__accounts') -%}
        {%- if state is not none and events is not none and accounts is not none -%}
            {%- set last = run_query("select invocation_id, recorded_at, cast(frozen_before_at as " ~ dbt.type_string() ~ ") as frozen_before_at, frozen_event_rows, frozen_event_min_id, frozen_event_max_id, frozen_event_received_seconds, frozen_account_rows, frozen_account_signup_seconds from " ~ state ~ " order by recorded_at desc, invocation_id desc limit 1") -%}
            {%- if last.rows | length > 0 and last.rows[0]['frozen_before_at'] is not none -%}
                {%- set recorded = last.rows[0] -%}
                {%- set bound = "cast('" ~ recorded['frozen_before_at'] ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
                {%- set now = run_query(incremental_fingerprint_sql(bound, events, accounts)).rows[0] -%}
                {%- set changed = [] -%}
                {%- for column in ['frozen_event_rows', 'frozen_event_min_id', 'frozen_event_max_id', 'frozen_event_received_seconds', 'frozen_account_rows', 'frozen_account_signup_seconds'] -%}
                    {%- if (now[column] | string) != (recorded[column] | string) -%}
                        {%- do changed.append(column ~ ": recorded " ~ recorded[column] ~ ", landing now " ~ now[column]) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if changed | length > 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "The landing was replaced or re-synced before " ~ recorded['frozen_before_at']
                        ~ " (the part the incremental models do not re-scan; recorded by run " ~ recorded['invocation_id']
                        ~ " at " ~ recorded['recorded_at'] ~ "):\n  - " ~ (changed | join("\n  - "))
                        ~ "\n(event rows/ids/received_at: events replaced, removed or backfilled older than var lookback_days; account rows/signup_at: workspaces added before the bound or signup_at corrected.)"
                        ~ "\nThe incremental models (base_product__event_verdicts, int_account_days_aggregated) would keep stale rows, so nothing was built."
                        ~ "\nRun: dbt build --full-refresh   (make run does this after regenerating the demo landing)") }}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    select 1 as incremental_state_ok
{%- endmacro %}
