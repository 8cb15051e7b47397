{#-
    event_rescan_from_at(received_column): the re-scan bound of the incremental event models
    (stg_product__events, base_product__quarantined_events, base_product__repeated_event_ids): in an
    incremental run, max(<received_column>, default received_at) of {{ this }} minus var
    lookback_days, as text, read first and inlined as a literal so the filter reaches the landing scan;
    none on a full refresh or when {{ this }} has no received_at yet (then everything is read).
    An event_id with a landed delivery received before the bound was judged by an earlier run.
-#}
{% macro event_rescan_from_at(received_column='received_at') %}
    {%- if is_incremental() and execute %}
        {%- set rescan_query -%}
            select cast({{ dbt.dateadd('day', -1 * var('lookback_days'), 'max(' ~ received_column ~ ')') }} as {{ dbt.type_string() }})
            from {{ this }}
        {%- endset %}
        {{ return(run_query(rescan_query).columns[0].values()[0]) }}
    {%- endif %}
    {{ return(none) }}
{% endmacro %}

{#-
    event_rescan_predicates(candidate): the two filters of an incremental event model, as SQL text:
    in_rescan          the deliveries to judge in this run (received from the bound on, or received_at null);
    not_judged_before  no delivery of <candidate>.event_id landed before the bound (the model's CTE `landed`
                       holds the landing's event_id and received_at);
    both `true` on a full refresh (everything is judged).
-#}
{% macro event_rescan_predicates(candidate) %}
    {%- set rescan_from_at = event_rescan_from_at() %}
    {%- if rescan_from_at is none %}
        {{ return({'in_rescan': 'true', 'not_judged_before': 'true'}) }}
    {%- endif %}
    {%- set bound = "cast('" ~ rescan_from_at ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
    {{ return({
        'in_rescan': '(received_at >= ' ~ bound ~ ' or received_at is null)',
        'not_judged_before': 'not exists (select 1 from landed where landed.event_id = ' ~ candidate
            ~ '.event_id and landed.received_at < ' ~ bound ~ ')'
    }) }}
{% endmacro %}
