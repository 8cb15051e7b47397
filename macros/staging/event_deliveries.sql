{#-
    event_window_from_at(window_relation): the lower bound of this run's event batch window, as a timestamp
    literal, read from the window model (stg_product__event_windows, passed as a ref so the edge is real),
    or none when everything is judged (a full refresh, a first build, or the window not built yet).
    A value, not SQL: inlined as a literal so the filter on received_at reaches the landing scan.
-#}
{% macro event_window_from_at(window_relation) %}
    {%- if execute and is_incremental() %}
        {%- set window_query -%}
            select cast(rescan_from_at as {{ dbt.type_string() }}) as rescan_from_at from {{ window_relation }}
        {%- endset %}
        {%- set rows = run_query(window_query).rows %}
        {%- if rows | length == 1 and rows[0][0] is not none %}
            {{ return("cast('" ~ rows[0][0] ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
        {%- endif %}
    {%- endif %}
    {{ return(none) }}
{% endmacro %}

{#-
    event_batch_filter(received_column): the `where` of the event-grain data tests (issue 13): in an
    incremental run, only the rows of this run's window (received from the window's rescan_from_at on, or
    with a null received_at); `1 = 1` (everything) on a --full-refresh run, with var full_tests true, when
    the window is a full scan, or at parse time. Tests that compare a row with the rest of the table
    (uniqueness) use a test that reads the whole table for the keys of the window rows.
-#}
{% macro event_batch_filter(received_column='received_at') %}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests', false) %}
        {{ return('1 = 1') }}
    {%- endif %}
    {%- set window = plg_model_relation('stg_product__event_windows') %}
    {%- if window is none %}
        {{ return('1 = 1') }}
    {%- endif %}
    {{ return('(' ~ received_column ~ ' is null or not exists (select 1 from ' ~ window
        ~ ' as event_window where event_window.rescan_from_at > ' ~ received_column ~ '))') }}
{% endmacro %}
