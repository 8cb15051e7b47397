{#-
    Spark (dbt-spark 1.11): the incremental strategy `delete+insert` (used by int_account_days_aggregated:
    unique_key + delete+insert on DuckDB/PostgreSQL) is not one of dbt-spark's
    strategies (append, merge, insert_overwrite, microbatch), and `merge` needs Delta/Iceberg/Hudi while the
    project writes plain Parquet. dbt-spark's incremental materialization validates and renders its
    strategy with two global macros; these root-project overrides (they win over dbt-spark's, and are never
    called on another adapter) add `delete+insert` and hand every other strategy to dbt-spark unchanged:
    - a first build / --full-refresh creates the table from the model's SQL (dbt-spark's own path);
    - an incremental run stages [target rows whose unique_key is not in the new rows] union all [new rows]
      into <table>__dbt_delete_insert (Spark cannot overwrite a Parquet table it reads in the same
      statement), `insert overwrite`s the target from it, and drops it: the same result as DELETE where key
      in (new keys) + INSERT (a null key never matches, as with DELETE ... IN). incremental_predicates
      narrow the delete as in dbt's default delete+insert. Without a unique_key it appends.
-#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'delete+insert' -%}
        {{ return(plg_spark_delete_insert_sql(source, target, unique_key, incremental_predicates)) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{% endmacro %}

{% macro plg_spark_delete_insert_sql(source, target, unique_key, incremental_predicates) %}
    {%- if not unique_key -%}
        {{ return(get_insert_into_sql(source, target)) }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set dest_cols_csv = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- set staged = target.incorporate(path={'identifier': target.identifier ~ '__dbt_delete_insert'}) -%}
    {%- set predicates = incremental_predicates or [] -%}

    {% call statement('plg_delete_insert_drop_stale') -%}
        drop table if exists {{ staged }}
    {%- endcall %}

    {% call statement('plg_delete_insert_stage') -%}
        create table {{ staged }}
        {{ file_format_clause() }}
        as
        select {{ dest_cols_csv }}
        from {{ target }} as DBT_INTERNAL_DEST
        where not (
            exists (
                select 1
                from {{ source }} as DBT_INTERNAL_SOURCE
                where
                    {%- for key in keys %}
                    {% if not loop.first %}and {% endif %}DBT_INTERNAL_SOURCE.{{ key }} = DBT_INTERNAL_DEST.{{ key }}
                    {%- endfor %}
            )
            {%- for predicate in predicates %}
            and ({{ predicate }})
            {%- endfor %}
        )
        union all
        select {{ dest_cols_csv }}
        from {{ source }}
    {%- endcall %}

    {% call statement('plg_delete_insert_overwrite') -%}
        insert overwrite table {{ target }}
        select {{ dest_cols_csv }}
        from {{ staged }}
    {%- endcall %}

    {{ return('drop table if exists ' ~ staged) }}
{% endmacro %}
