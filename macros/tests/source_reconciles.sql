{#-
    Reconciliation of one landing table with staging (SOURCES.md: nothing is silently dropped):
        landed rows = staged rows + quarantined rows + duplicates removed
    Applied to the staging model. Every figure is counted independently:
    - landed: count(*) of the landing table (source_relation);
    - duplicates removed, by `duplicates` (SOURCES.md Precisions: only rows equal in every landed column are
      exact duplicates; a conflicting version is quarantined, rule conflicting_duplicate):
        'exact' (default): over landed rows whose key columns are all non-null, count(*) - count(distinct row);
        'key': count(*) - count(distinct key) (events: a re-delivery differs in received_at, the server's
               landing time, and is a duplicate delivery of the same event);
        'versioned' (version_column, e.g. companies.updated_at): the exact duplicates plus the distinct
               versions superseded by a later version_column of the same key;
    - quarantined: rows of quarantine_model with source_table = source_table;
    - staged: count(*) of the model under test.
    Returns one row (with the four figures) when the equation does not hold.
    per_relation (issue 11, several connections): every figure is counted per source_relation (the landing,
    the model and the quarantine model all carry it) and the equation must hold for each connection; a row per
    connection that does not reconcile. distinct_columns: the landed columns that make a row (default every
    column, source_relation included); fx_rates lists its native columns, since the same rate landed by two
    connections is one duplicate delivery of one reference rate.
    batch_column / batch_landing (events, issue 13): in an incremental run (event_test_bound() not none) the
    equation is checked for the keys with a landed row whose batch_column is in this run's window (or
    null), plus every row without a key; a key judged before the window is not counted again.
    first_delivery_column (events, duplicates='key'): also fails when a staged row's first_delivery_column is
    later than the key's first landed one (the staged row is not the earliest delivery); the landing's keys
    are counted once for both checks (one aggregate: 44 s of a 100M-event build was a second one).
-#}
{% test source_reconciles(model, source_relation, key_columns, quarantine_model, source_table, duplicates='exact', version_column=none, per_relation=false, distinct_columns=none, batch_column=none, batch_landing=none, first_delivery_column=none) %}

{%- set bound = event_test_bound() if batch_column else none %}
{%- if bound is not none and (duplicates != 'key' or key_columns | length != 1) %}
    {{ exceptions.raise_compiler_error("source_reconciles: batch_column needs duplicates='key' and one key column") }}
{%- endif %}
{%- if first_delivery_column and (duplicates != 'key' or per_relation or not batch_landing) %}
    {{ exceptions.raise_compiler_error("source_reconciles: first_delivery_column needs duplicates='key', per_relation false and batch_landing") }}
{%- endif %}
{%- set key = key_columns[0] %}
{%- set in_batch = 'true' if bound is none else key ~ ' in (select batch_key from batch_keys)' %}

{%- set keys_not_null = [] -%}
{%- for column in key_columns -%}
    {%- do keys_not_null.append(column ~ ' is not null') -%}
{%- endfor %}
{%- set by = ['source_relation'] if per_relation else [] %}
{%- set group_select = 'source_relation, ' if per_relation else '' %}
{%- set group_by = 'group by source_relation' if per_relation else '' %}
{%- set row_columns = (distinct_columns | join(', ')) if distinct_columns else '*' %}
{%- set row_columns = (row_columns ~ ', source_relation') if (per_relation and distinct_columns) else row_columns %}

with

{%- if bound is not none %}
batch_keys as (

    {%- set landed_types = source_columns(batch_landing[0], batch_landing[1]) %}
    select distinct {{ key }} as batch_key
    from {{ source_relation }}
    where
        {{ key }} is not null
        and ({{ as_utc(batch_column, landed_types) }} >= {{ bound }} or {{ batch_column }} is null)

),
{#- the window's keys' landed rows, kept once for the three landed figures below (a warehouse that
    materialises a CTE read three times scans the landing once: 41 s -> 25-29 s at 100M events on DuckDB) #}
batch_landed as (

    select {{ (key_columns + by + ([first_delivery_column] if first_delivery_column else [])) | join(', ') }}
    from {{ source_relation }}
    where {{ key }} is null or {{ in_batch }}

),
{%- set landed_from = 'batch_landed' %}
{%- else %}
{%- set landed_from = source_relation %}
{%- endif %}

landed as (

    select {{ group_select }}count(*) as landed_rows
    from {{ landed_from }}
    {{ group_by }}

),

{%- if duplicates == 'key' %}
distinct_keys as (

    select
        {{ (key_columns + by) | join(', ') }},
        {%- if first_delivery_column %}
        min({{ as_utc(first_delivery_column, source_columns(batch_landing[0], batch_landing[1])) }}) as first_delivered_at,
        {%- endif %}
        count(*) as deliveries
    from {{ landed_from }}
    where {{ keys_not_null | join(' and ') }}
    group by {{ (key_columns + by) | join(', ') }}

),
{%- else %}
distinct_keys as (

    select distinct {{ row_columns }}
    from {{ source_relation }}
    where {{ keys_not_null | join(' and ') }}

),
{%- endif %}

{%- if duplicates == 'versioned' %}

latest_versions as (

    select
        {{ (key_columns + by) | join(', ') }},
        max({{ version_column }}) as latest_version
    from distinct_keys
    group by {{ (key_columns + by) | join(', ') }}

),

superseded as (

    select {{ 'distinct_keys.source_relation, ' if per_relation else '' }}count(*) as superseded_rows
    from distinct_keys
    inner join latest_versions
        on
        {%- for column in key_columns + by %}
            {% if not loop.first %}and {% endif %}distinct_keys.{{ column }} = latest_versions.{{ column }}
        {%- endfor %}
    where not coalesce(
        distinct_keys.{{ version_column }} = latest_versions.latest_version,
        distinct_keys.{{ version_column }} is null and latest_versions.latest_version is null
    )
    {{ 'group by distinct_keys.source_relation' if per_relation else '' }}

),
{%- endif %}

keyed_rows as (
    {%- if duplicates == 'key' %}

    select {{ group_select }}sum(deliveries) as keyed_rows
    from distinct_keys
    {{ group_by }}
    {%- else %}

    select {{ group_select }}count(*) as keyed_rows
    from {{ landed_from }}
    where {{ keys_not_null | join(' and ') }}
    {{ group_by }}
    {%- endif %}

),

distinct_rows as (

    select {{ group_select }}count(*) as distinct_rows
    from distinct_keys
    {{ group_by }}

),

staged as (

    select {{ group_select }}count(*) as staged_rows
    from {{ model }}
    where {{ in_batch }}
    {{ group_by }}

),

quarantined as (

    select {{ group_select }}count(*) as quarantined_rows
    from {{ quarantine_model }}
    where
        source_table = '{{ source_table }}'
        {%- if bound is not none %}
        and (record_key is null or record_key in (select cast(batch_key as {{ dbt.type_string() }}) from batch_keys))
        {%- endif %}
    {{ group_by }}

),
{%- if first_delivery_column %}

later_than_first_delivery as (

    select count(*) as later_rows
    from {{ model }} as staged_rows
    inner join distinct_keys
        on staged_rows.{{ key }} = distinct_keys.{{ key }}
    where
        distinct_keys.deliveries > 1
        and staged_rows.{{ first_delivery_column }} > distinct_keys.first_delivered_at

),
{%- endif %}

{%- if per_relation %}

relations as (

    select source_relation from landed
    union
    select source_relation from staged
    union
    select source_relation from quarantined

),

final as (

    select
        relations.source_relation,
        coalesce(landed.landed_rows, 0) as landed_rows,
        coalesce(staged.staged_rows, 0) as staged_rows,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows,
        coalesce(keyed_rows.keyed_rows, 0) - coalesce(distinct_rows.distinct_rows, 0)
        {%- if duplicates == 'versioned' %}
        + coalesce(superseded.superseded_rows, 0)
        {%- endif %} as duplicate_rows
    from relations
    left join landed on relations.source_relation = landed.source_relation
    left join staged on relations.source_relation = staged.source_relation
    left join quarantined on relations.source_relation = quarantined.source_relation
    left join keyed_rows on relations.source_relation = keyed_rows.source_relation
    left join distinct_rows on relations.source_relation = distinct_rows.source_relation
    {%- if duplicates == 'versioned' %}
    left join superseded on relations.source_relation = superseded.source_relation
    {%- endif %}

)
{%- else %}

final as (

    select
        coalesce((select landed_rows from landed), 0) as landed_rows,
        coalesce((select staged_rows from staged), 0) as staged_rows,
        coalesce((select quarantined_rows from quarantined), 0) as quarantined_rows,
        coalesce((select keyed_rows from keyed_rows), 0) - coalesce((select distinct_rows from distinct_rows), 0)
        {%- if duplicates == 'versioned' %}
        + coalesce((select superseded_rows from superseded), 0)
        {%- endif %} as duplicate_rows
        {%- if first_delivery_column %},
        coalesce((select later_rows from later_than_first_delivery), 0) as later_than_first_delivery_rows
        {%- endif %}

)
{%- endif %}

select * from final
where
    landed_rows != staged_rows + quarantined_rows + duplicate_rows
    {%- if first_delivery_column %}
    or later_than_first_delivery_rows > 0
    {%- endif %}

{% endtest %}
