{#- The post-hook of the incremental engagement models (int_engagement_scored, int_engagement_weekly,
    int_first_sessions_sessionized, int_activation_milestones_reached): delete the rows whose key_column value is no
    longer in keep_relation, i.e. the accounts that left the spine (the clock moved back before their signup, or
    the account turned internal). A keyed delete+insert only replaces the keys of the new rows, so without it
    those rows would stay. Returns the statement to run. -#}
{% macro delete_rows_outside(relation, key_column, keep_relation) -%}
    {{ return(adapter.dispatch('delete_rows_outside')(relation, key_column, keep_relation)) }}
{%- endmacro %}

{% macro default__delete_rows_outside(relation, key_column, keep_relation) -%}
    {{ return(
        'delete from ' ~ relation ~ ' where ' ~ key_column ~ ' not in (select ' ~ key_column ~ ' from '
        ~ keep_relation ~ ')'
    ) }}
{%- endmacro %}

{#- Spark cannot delete from a plain Parquet table: when stale rows exist, the kept rows are staged and written
    back with insert overwrite (it cannot overwrite a table it reads in the same statement); then a no-op. -#}
{% macro spark__delete_rows_outside(relation, key_column, keep_relation) -%}
    {%- set outside = ' where ' ~ key_column ~ ' not in (select ' ~ key_column ~ ' from ' ~ keep_relation ~ ')' -%}
    {%- if execute -%}
        {%- set stale = run_query('select count(*) from ' ~ relation ~ outside).columns[0].values()[0] -%}
        {%- if stale > 0 -%}
            {%- set staged = relation.incorporate(path={'identifier': relation.identifier ~ '__dbt_kept'}) -%}
            {%- do run_query('drop table if exists ' ~ staged) -%}
            {%- do run_query(
                'create table ' ~ staged ~ ' using parquet as select * from ' ~ relation ~ ' where ' ~ key_column
                ~ ' in (select ' ~ key_column ~ ' from ' ~ keep_relation ~ ')'
            ) -%}
            {%- do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ staged) -%}
            {%- do run_query('drop table if exists ' ~ staged) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('select 1') }}
{%- endmacro %}
