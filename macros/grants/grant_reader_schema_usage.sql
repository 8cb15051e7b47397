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

{#- PostgreSQL: two marts finishing at once would update the schema's ACL concurrently ("tuple
    concurrently updated"); a transaction-scoped advisory lock serialises the post-hooks. -#}
{% macro postgres__grant_reader_schema_usage(relation) %}
    {%- set role = var('reader_role') -%}
    {%- if role -%}
        select pg_advisory_xact_lock(hashtext('plg_analytics.grant_reader_schema_usage'));
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
    GRANT/SHOW GRANTS are not valid statements there, so on Spark the `grants` config is skipped
    (logged), as dbt-duckdb does. On a Spark Thrift server with SQL authorization set env
    PLG_SPARK_GRANTS=true to apply them (dbt's default behaviour). (target.method is not exposed to
    Jinja by dbt-spark, hence the explicit switch.)
-#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) %}
    {%- if env_var('PLG_SPARK_GRANTS', 'false') | lower == 'true' -%}
        {{ return(default__apply_grants(relation, grant_config, should_revoke)) }}
    {%- elif grant_config -%}
        {%- do log('grants skipped on ' ~ relation ~ ': Spark without SQL authorization (PLG_SPARK_GRANTS)', info=False) -%}
    {%- endif -%}
{% endmacro %}
