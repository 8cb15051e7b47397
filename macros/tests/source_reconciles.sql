{#-
    Reconciliation of one landing table with staging (SOURCES.md: nothing is silently dropped):
        landed rows = staged rows + quarantined rows + duplicates removed
    Applied to the staging model. Every figure is counted independently:
    - landed: count(*) of the landing table (source_relation);
    - duplicates: over landed rows whose key columns are all non-null, count(*) - count(distinct key)
      (repeated deliveries and superseded versions);
    - quarantined: rows of quarantine_model with source_table = source_table;
    - staged: count(*) of the model under test.
    Returns one row (with the four figures) when the equation does not hold.
-#}
{% test source_reconciles(model, source_relation, key_columns, quarantine_model, source_table) %}

{%- set keys_not_null = [] -%}
{%- for column in key_columns -%}
    {%- do keys_not_null.append(column ~ ' is not null') -%}
{%- endfor %}

with landed as (

    select count(*) as landed_rows
    from {{ source_relation }}

),

distinct_keys as (

    select distinct {{ key_columns | join(', ') }}
    from {{ source_relation }}
    where {{ keys_not_null | join(' and ') }}

),

duplicates as (

    select
        (
            select count(*) from {{ source_relation }}
            where {{ keys_not_null | join(' and ') }}
        )
        - (select count(*) from distinct_keys) as duplicate_rows

),

staged as (

    select count(*) as staged_rows
    from {{ model }}

),

quarantined as (

    select count(*) as quarantined_rows
    from {{ quarantine_model }}
    where source_table = '{{ source_table }}'

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
