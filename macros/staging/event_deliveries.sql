{#-
    event_window_from_at(window_relation): the lower bound of this run's event batch window, as a timestamp
    literal, read from the window model (base_product__event_windows, passed as a ref so the edge is real),
    or none when everything is judged (a full refresh, a first build, or the window not built yet).
    A value, not SQL: inlined as a literal so the filter on received_at reaches the landing scan.
-#}
{% macro event_window_from_at(window_relation) %}
    {%- if execute and is_incremental() %}
        {{ return(event_window_bound(window_relation)) }}
    {%- endif %}
    {{ return(none) }}
{% endmacro %}

{#- the rescan_from_at of a built window relation as a timestamp literal, none when null or not built -#}
{% macro event_window_bound(window_relation) %}
    {%- if execute and window_relation is not none %}
        {%- set rows = run_query(
            'select cast(rescan_from_at as ' ~ dbt.type_string() ~ ') as rescan_from_at from ' ~ window_relation
        ).rows %}
        {%- if rows | length == 1 and rows[0][0] is not none %}
            {{ return("cast('" ~ rows[0][0] ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
        {%- endif %}
    {%- endif %}
    {{ return(none) }}
{% endmacro %}

{#-
    event_test_bound(): the bound the event-grain data tests of this run are scoped to (issue 13), or none
    (test everything): none on a --full-refresh run, with var full_tests true, at parse time, and when the
    last built window judged everything.
-#}
{% macro event_test_bound() %}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests', false) %}
        {{ return(none) }}
    {%- endif %}
    {{ return(event_window_bound(plg_model_relation('base_product__event_windows'))) }}
{% endmacro %}

{#-
    event_batch_filter(): the where of an event-grain data test (config where: "__event_batch__", replaced
    in get_where_subquery): the rows whose event_id was judged in this run's window, with every other row of
    the same event_id (a new event_id colliding with an old one still fails uniqueness), and rows without an
    event_id; `1 = 1` when event_test_bound() is none.
-#}
{% macro event_batch_filter() %}
    {%- set bound = event_test_bound() %}
    {%- if bound is none %}
        {{ return('1 = 1') }}
    {%- endif %}
    {{ return('(event_id is null or event_id in (select judged.event_id from '
        ~ plg_model_relation('base_product__event_verdicts') ~ ' as judged where judged.received_at is null or judged.received_at >= '
        ~ bound ~ '))') }}
{% endmacro %}
