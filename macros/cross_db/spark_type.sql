{#-
    Spark has no `varchar` without a length, no `double precision`, no `text`: the project's YAML
    (model contracts' data_type, seeds' column_types) uses the PostgreSQL/DuckDB spellings. On Spark
    they are translated here, in three dbt hooks that dispatch on the adapter:
    - spark__cast: dbt.cast(), which model contracts use to build the declared schema
      (get_empty_schema_sql: cast(null as <data_type>));
    - spark__create_csv_table / spark__load_csv_rows: seeds with column_types (dbt-spark 1.11's own
      macros, with spark_type() applied to every type).
    spark_type(data_type): the Spark spelling of a SQL type name (unknown names pass through).
-#}
{% macro spark_type(data_type) -%}
    {%- set t = (data_type | string).strip() -%}
    {%- set low = t.lower() -%}
    {%- set mapping = {
        'varchar': 'string', 'text': 'string', 'character varying': 'string', 'char': 'string',
        'double precision': 'double', 'float8': 'double', 'real': 'float', 'float4': 'float',
        'integer': 'int', 'int4': 'int', 'int8': 'bigint', 'int2': 'smallint',
        'timestamp without time zone': 'timestamp', 'datetime': 'timestamp', 'bool': 'boolean'
    } -%}
    {%- if low in mapping -%}
        {{- return(mapping[low]) -}}
    {%- elif low.startswith('varchar(') or low.startswith('character varying(') -%}
        {{- return('string') -}}
    {%- elif low.startswith('numeric') -%}
        {{- return('decimal' ~ t[7:]) -}}
    {%- else -%}
        {{- return(t) -}}
    {%- endif -%}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}

  {% set batch_size = get_batch_size() %}
  {% set column_override = model['config'].get('column_types', {}) %}

  {% set statements = [] %}

  {% for chunk in agate_table.rows | batch(batch_size) %}
      {% set bindings = [] %}

      {% for row in chunk %}
          {% do bindings.extend(row) %}
      {% endfor %}

      {% set sql %}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for col_name in agate_table.column_names -%}
                  {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                  {%- set type = spark_type(column_override.get(col_name, inferred_type)) -%}
                    cast({{ get_binding_char() }} as {{type}})
                  {%- if not loop.last%},{%- endif %}
              {%- endfor -%})
              {%- if not loop.last%},{%- endif %}
          {%- endfor %}
      {% endset %}

      {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}

      {% if loop.index0 == 0 %}
          {% do statements.append(sql) %}
      {% endif %}
  {% endfor %}

  {{ return(statements[0]) }}
{% endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}

  {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = spark_type(column_override.get(col_name, inferred_type)) -%}
            {%- set column_name = (col_name | string) -%}
            {{ adapter.quote_seed_column(column_name, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
  {% endset %}

  {% call statement('_') -%}
    {{ sql }}
  {%- endcall %}

  {{ return(sql) }}
{% endmacro %}
