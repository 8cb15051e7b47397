{#-
    dbt unit tests on PostgreSQL: `numeric` without a declared scale keeps each VALUE's scale, and dbt
    compares the actual and expected rows as text (daff). So a model returning sum(amount) of a
    numeric(28,6) column gives 100.000000 while the fixture's `100`, cast to the same `numeric`, stays
    100: the test fails although the numbers are equal (DuckDB and Spark have fixed-scale decimals and
    do not see this). This is dbt's `unit` materialization for PostgreSQL, identical to the default one
    except that numeric columns of both sides go through trim_scale() (PostgreSQL 13+), which removes
    trailing fractional zeros without changing the value.
-#}
{%- materialization unit, adapter='postgres' -%}

  {% set relations = [] %}
  {% set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none %}

  {% set expected_rows = config.get('expected_rows') %}
  {% set expected_sql = config.get('expected_sql') %}
  {% set tested_expected_column_names = expected_rows[0].keys() if (expected_rows | length ) > 0 else get_columns_in_query(sql) %}

  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set temp_relation = make_temp_relation(target_relation)-%}
  {% do run_query(get_create_table_as_sql(True, temp_relation, get_empty_subquery_sql(sql))) %}
  {%- set columns_in_relation = adapter.get_columns_in_relation(temp_relation) -%}
  {%- set column_name_to_data_types = {} -%}
  {%- set column_name_to_quoted = {} -%}
  {%- for column in columns_in_relation -%}
  {%-   do column_name_to_data_types.update({column.name|lower: column.data_type}) -%}
  {%-   do column_name_to_quoted.update({column.name|lower: column.quoted}) -%}
  {%- endfor -%}

  {%- set expected_column_names_quoted = [] -%}
  {%- set compared_columns = [] -%}
  {%- for column_name in tested_expected_column_names -%}
  {%-   set quoted = column_name_to_quoted[column_name|lower] -%}
  {%-   do expected_column_names_quoted.append(quoted) -%}
  {%-   if column_name_to_data_types[column_name|lower] | lower in ('numeric', 'decimal') or (column_name_to_data_types[column_name|lower] | lower).startswith('numeric(') -%}
  {%-     do compared_columns.append('trim_scale(' ~ quoted ~ ') as ' ~ quoted) -%}
  {%-   else -%}
  {%-     do compared_columns.append(quoted) -%}
  {%-   endif -%}
  {%- endfor -%}

  {% if not expected_sql %}
  {%   set expected_sql = get_expected_sql(expected_rows, column_name_to_data_types, column_name_to_quoted) %}
  {% endif %}
  {% set unit_test_sql = get_unit_test_sql(sql, expected_sql, expected_column_names_quoted) %}

  {% call statement('main', fetch_result=True) -%}

    {% if sql_header %}{{ sql_header }}{% endif %}
    select {{ compared_columns | join(', ') }}, {{ adapter.quote("actual_or_expected") }}
    from (
    {{ unit_test_sql }}
    ) as dbt_internal_unit_test_compared

  {%- endcall %}

  {% do adapter.drop_relation(temp_relation) %}

  {{ return({'relations': relations}) }}

{%- endmaterialization -%}
