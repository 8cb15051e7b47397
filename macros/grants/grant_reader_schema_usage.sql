{#-
    dbt `grants` (dbt_project.yml, models/marts: +grants select -> var reader_role) grant SELECT on
    each mart relation, but a reader also needs USAGE on the schema that holds it. This post-hook
    grants exactly that (nothing on staging, intermediate or the landing). It only grants: no
    privilege to write is given to anyone but the builder. The role must already exist (created
    by the warehouse admin; the PostgreSQL test harness plg/postgres.py creates it).
-#}
{% macro grant_reader_schema_usage(relation) %}
    {{ return(adapter.dispatch('grant_reader_schema_usage', 'plg_analytics')(relation)) }}
{% endmacro %}

{#- PostgreSQL, Redshift and ANSI-style warehouses -#}
{% macro default__grant_reader_schema_usage(relation) %}
    {%- set role = var('reader_role') -%}
    {%- if role -%}
        grant usage on schema {{ adapter.quote(relation.schema) }} to {{ adapter.quote(role) }}
    {%- endif -%}
{% endmacro %}

{% macro snowflake__grant_reader_schema_usage(relation) %}
    {%- set role = var('reader_role') -%}
    {%- if role -%}
        grant usage on database {{ relation.database }} to role {{ role }};
        grant usage on schema {{ relation.database }}.{{ relation.schema }} to role {{ role }}
    {%- endif -%}
{% endmacro %}

{% macro databricks__grant_reader_schema_usage(relation) %}
    {%- set role = var('reader_role') -%}
    {%- if role -%}
        grant use schema on schema {{ relation.schema }} to `{{ role }}`
    {%- endif -%}
{% endmacro %}

{#- No SQL grants: DuckDB (embedded file), Spark session / Hive metastore, BigQuery (IAM on the dataset) -#}
{% macro duckdb__grant_reader_schema_usage(relation) %}{% endmacro %}

{% macro spark__grant_reader_schema_usage(relation) %}{% endmacro %}

{% macro bigquery__grant_reader_schema_usage(relation) %}{% endmacro %}

{#-
    A local Spark session (dbt-spark method `session`, Hive metastore) has no SQL authorization:
    GRANT is not a valid statement there, so the `grants` config is skipped with a one-time warning
    (as dbt-duckdb does). Any other Spark connection keeps dbt's default behaviour.
-#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) %}
    {%- if target.method == 'session' -%}
        {%- if grant_config -%}
            {%- do log('grants skipped on ' ~ relation ~ ': a local Spark session has no SQL authorization', info=False) -%}
        {%- endif -%}
    {%- else -%}
        {{ return(default__apply_grants(relation, grant_config, should_revoke)) }}
    {%- endif -%}
{% endmacro %}
