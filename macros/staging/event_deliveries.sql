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
            {#- deliveries received after the plausible future bound (quarantined received_in_future) never set
                the bound: a 2100 delivery would otherwise stop every later re-scan -#}
            {%- set capped = 'max(case when ' ~ received_column ~ ' <= ' ~ plausible_future_bound() ~ ' then ' ~ received_column ~ ' end)' %}
            select cast({{ dbt.dateadd('day', -1 * non_negative_int_var('lookback_days'), capped) }} as {{ dbt.type_string() }})
            from {{ this }}
        {%- endset %}
        {{ return(run_query(rescan_query).columns[0].values()[0]) }}
    {%- endif %}
    {{ return(none) }}
{% endmacro %}

{#-
    event_rescan_predicates(candidate, received_column): the filters of an incremental event model, as SQL
    text (the bound from event_rescan_from_at(received_column)), and is_rescan (false on a full refresh):
    in_rescan          the deliveries to judge in this run (received from the bound on, or received_at null);
    not_judged_before  no delivery of <candidate>.event_id landed before the bound (the model's CTE `landed`
                       holds the landing's event_id and received_at);
    both `true` on a full refresh (everything is judged).
-#}
{% macro event_rescan_predicates(candidate, received_column='received_at') %}
    {%- set rescan_from_at = event_rescan_from_at(received_column) %}
    {%- if rescan_from_at is none %}
        {{ return({'is_rescan': false, 'in_rescan': 'true', 'not_judged_before': 'true'}) }}
    {%- endif %}
    {%- set bound = "cast('" ~ rescan_from_at ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
    {{ return({
        'is_rescan': true,
        'in_rescan': '(received_at >= ' ~ bound ~ ' or received_at is null)',
        'not_judged_before': 'not exists (select 1 from landed where landed.event_id = ' ~ candidate
            ~ '.event_id and landed.received_at < ' ~ bound ~ ')'
    }) }}
{% endmacro %}

{#-
    earliest_event_deliveries(columns, judged): the CTEs that judge each event_id by its EARLIEST delivery
    (event_delivery_order), shared by stg_product__events (judged='clean') and
    base_product__quarantined_events (judged='broken') so both always judge the same delivery.
    Emits `landed` (the landing's event_id / received_at), `single_deliveries` (ids landed once: their only
    delivery), `repeated_ranked` (ids landed more than once, flagged has_repeated_event_id by
    base_product__events: only these are ranked) and `earliest_deliveries` (the earliest delivery of each id,
    kept when it is clean / broken), each followed by a comma. base_product__events is read once per branch
    (not through a shared CTE, which DuckDB would materialize), so each branch's filter on
    has_repeated_event_id reaches the landing scan before any parsing. In an incremental run only the
    deliveries inside the re-scan window are read (event_rescan_predicates).
-#}
{% macro earliest_event_deliveries(columns, judged) -%}
{%- if judged not in ('clean', 'broken') -%}
    {{ exceptions.raise_compiler_error("earliest_event_deliveries: judged must be 'clean' or 'broken', got '" ~ judged ~ "'") }}
{%- endif -%}
{%- set kept = 'quarantine_rule is null' if judged == 'clean' else 'quarantine_rule is not null' -%}
{%- set rescan = event_rescan_predicates('judged_deliveries') -%}
{%- set column_list = columns | join(', ') -%}
landed as (

    select
        event_id,
        {{ as_utc('received_at', source_columns('product', 'events')) }} as received_at
    from {{ landing_relation('product', 'events') }}
    where event_id is not null

),

single_deliveries as (

    select {{ column_list }}
    from {{ ref('base_product__events') }}
    where
        event_id is not null
        and not has_repeated_event_id
        and {{ kept }}
        and {{ rescan.in_rescan }}

),

repeated_ranked as (

    select
        {{ column_list }},
        {%- if 'quarantine_rule' not in columns %}
        quarantine_rule,
        {%- endif %}
        row_number() over (
            partition by event_id
            order by {{ event_delivery_order() }}
        ) as delivery_rank
    from {{ ref('base_product__events') }}
    where
        event_id is not null
        and has_repeated_event_id
        and {{ rescan.in_rescan }}

),

judged_deliveries as (

    select {{ column_list }}
    from single_deliveries
    union all
    select {{ column_list }}
    from repeated_ranked
    where delivery_rank = 1 and {{ kept }}

),

earliest_deliveries as (

    select judged_deliveries.*
    from judged_deliveries
    {%- if is_incremental() %}
    where
        not exists (
            select 1 from {{ this }} as existing
            where existing.event_id = judged_deliveries.event_id
        )
        and {{ rescan.not_judged_before }}
    {%- endif %}

),
{%- endmacro %}
