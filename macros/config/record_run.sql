{#-
    The build's own record in the warehouse (issue 12, plg.publish): on-run-start appends
    (invocation_id, 'started'), on-run-end appends (invocation_id, 'ended', counts of results by outcome)
    to <target schema>.plg_run_log. plg.publish publishes only when the latest started invocation in the
    working file has ended and is the invocation of the run_results.json it checks: a build killed
    midway (no 'ended' row) or a later partial build is refused. Recorded for `dbt build` and `dbt run`
    only (the commands that rebuild marts). DuckDB only (the readers' file is a
    DuckDB file); other adapters: no-op.
-#}
{% macro record_run_event(event, results=none) -%}
    {{ return(adapter.dispatch('record_run_event', 'plg_analytics')(event, results)) }}
{%- endmacro %}

{% macro default__record_run_event(event, results) -%}
    select 1 as run_recorded
{%- endmacro %}

{% macro duckdb__record_run_event(event, results) -%}
    {#- only the commands that (re)build marts: a `dbt test` or `dbt docs generate` after a build leaves it publishable -#}
    {%- if execute and invocation_args_dict.get('which') in ['build', 'run'] -%}
        {%- set log = api.Relation.create(database=target.database, schema=target.schema, identifier='plg_run_log') -%}
        {%- set ok, not_ok = [0], [0] -%}
        {%- for r in (results or []) -%}
            {%- if r.status in ['success', 'pass', 'warn', 'no-op'] -%}
                {%- do ok.append(1) -%}
            {%- else -%}
                {%- do not_ok.append(1) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- the run-start checks' queries opened a transaction (run_query): close it, then the hook's own
            statements run outside a transaction and are committed -#}
        {%- do adapter.commit() -%}
        create schema if not exists {{ adapter.quote(target.schema) }};
        create table if not exists {{ log }} (
            invocation_id varchar not null, event varchar not null, recorded_at timestamp not null,
            which varchar, results_ok integer, results_not_ok integer
        );
        insert into {{ log }} values (
            '{{ invocation_id }}', '{{ event }}', current_timestamp, '{{ invocation_args_dict.get('which') | string }}',
            {{ ok | sum }}, {{ not_ok | sum }}
        )
    {%- else -%}
    select 1 as run_recorded
    {%- endif -%}
{%- endmacro %}
