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
    batch_column / batch_landing (events, issue 13): in an incremental run (event_test_bound() not none) the
    equation is checked for the keys with a landed row whose batch_column is in this run's window (or
    null), plus every row without a key; a key judged before the window is not counted again.
-#}
{% test source_reconciles(model, source_relation, key_columns, quarantine_model, source_table, duplicates='exact', version_column=none, batch_column=none, batch_landing=none) %}

{%- set bound = event_test_bound() if batch_column else none %}
{%- if bound is not none and (duplicates != 'key' or key_columns | length != 1) %}
    {{ exceptions.raise_compiler_error("source_reconciles: batch_column needs duplicates='key' and one key column") }}
{%- endif %}
{%- set key = key_columns[0] %}
{%- set in_batch = 'true' if bound is none else key ~ ' in (select batch_key from batch_keys)' %}

{%- set keys_not_null = [] -%}
{%- for column in key_columns -%}
    {%- do keys_not_null.append(column ~ ' is not null') -%}
{%- endfor %}

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
{%- endif %}

landed as (

    select count(*) as landed_rows
    from {{ source_relation }}
    {%- if bound is not none %}
    where {{ key }} is null or {{ in_batch }}
    {%- endif %}

),

{%- if duplicates == 'key' %}
distinct_keys as (

    select distinct {{ key_columns | join(', ') }}
    from {{ source_relation }}
    where {{ keys_not_null | join(' and ') }} and {{ in_batch }}

),
{%- else %}
distinct_keys as (

    select distinct *
    from {{ source_relation }}
    where {{ keys_not_null | join(' and ') }}

),
{%- endif %}

{%- if duplicates == 'versioned' %}

latest_versions as (

    select
        {{ key_columns | join(', ') }},
        max({{ version_column }}) as latest_version
    from distinct_keys
    group by {{ key_columns | join(', ') }}

),

superseded as (

    select count(*) as superseded_rows
    from distinct_keys
    inner join latest_versions
        on
        {%- for column in key_columns %}
            {% if not loop.first %}and {% endif %}distinct_keys.{{ column }} = latest_versions.{{ column }}
        {%- endfor %}
    where not coalesce(
        distinct_keys.{{ version_column }} = latest_versions.latest_version,
        distinct_keys.{{ version_column }} is null and latest_versions.latest_version is null
    )

),
{%- endif %}

duplicates as (

    select
        (
            select count(*) from {{ source_relation }}
            where {{ keys_not_null | join(' and ') }} and {{ in_batch }}
        )
        - (select count(*) from distinct_keys)
        {%- if duplicates == 'versioned' %}
        + (select superseded_rows from superseded)
        {%- endif %} as duplicate_rows

),

staged as (

    select count(*) as staged_rows
    from {{ model }}
    where {{ in_batch }}

),

quarantined as (

    select count(*) as quarantined_rows
    from {{ quarantine_model }}
    where
        source_table = '{{ source_table }}'
        {%- if bound is not none %}
        and (record_key is null or record_key in (select cast(batch_key as {{ dbt.type_string() }}) from batch_keys))
        {%- endif %}

),

final as (

    select
        landed.landed_rows,
        staged.staged_rows,
        quarantined.quarantined_rows,
        duplicates.duplicate_rows
    from landed
    cross join staged
    cross join quarantined
    cross join duplicates

)

select * from final
where landed_rows != staged_rows + quarantined_rows + duplicate_rows

{% endtest %}
