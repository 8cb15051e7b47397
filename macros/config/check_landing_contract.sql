{#-
    Schema drift, at run start (issue 12): every ENABLED source table (graph.sources holds only those)
    is compared with its declared contract, the `columns:` and `data_type` of its sources YAML (the
    native contract of SOURCES.md, or a connector shape's own YAML: nothing here names a table).
    A declared column that is missing, or of another type family, stops the run before any model is
    built, with the landing table, the column, the expected and the found type. Landed columns the YAML
    does not declare are ignored (connectors add columns). Compatible families:
      string    varchar, text, string, char, character varying, bpchar
      integer   tinyint .. hugeint, int2/4/8, integer, bigint, long
      decimal   decimal, numeric, double, float, real (and any integer: lossless) - finance amounts
      timestamp timestamp, timestamp with(out) time zone, timestamptz, datetime (staging converts tz to UTC)
      date, boolean
-#}
{% macro plg_type_family(data_type) -%}
    {%- set t = (data_type | string | lower).split('(')[0].strip() -%}
    {%- set families = {
        'string': ['varchar', 'text', 'string', 'char', 'character', 'character varying', 'bpchar', 'nvarchar'],
        'integer': ['tinyint', 'smallint', 'integer', 'int', 'bigint', 'hugeint', 'int1', 'int2', 'int4', 'int8',
                    'long', 'short', 'byte', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint'],
        'decimal': ['decimal', 'numeric', 'double', 'double precision', 'float', 'float4', 'float8', 'real'],
        'timestamp': ['timestamp', 'timestamp without time zone', 'timestamp with time zone', 'timestamptz',
                      'datetime', 'timestamp_ntz', 'timestamp_ltz', 'timestamp_ns', 'timestamp_ms', 'timestamp_s'],
        'date': ['date'],
        'boolean': ['boolean', 'bool'],
    } -%}
    {%- for family, names in families.items() -%}
        {%- if t in names -%}{{ return(family) }}{%- endif -%}
    {%- endfor -%}
    {{ return(t) }}
{%- endmacro %}

{% macro check_landing_contract() -%}
    {%- set problems = [] -%}
    {%- for source in graph.sources.values() -%}
        {%- set declared = source.columns.values() | selectattr('data_type') | list -%}
        {%- if declared | length > 0 -%}
            {%- set relation = adapter.get_relation(database=source.database, schema=source.schema, identifier=source.identifier) -%}
            {%- if relation is not none -%}
                {%- set found = {} -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- do found.update({column.name | lower: column.dtype}) -%}
                {%- endfor -%}
                {%- for column in declared -%}
                    {%- set name = column.name | lower -%}
                    {%- set where = source.schema ~ "." ~ source.identifier ~ " (source " ~ source.source_name ~ "." ~ source.name ~ ")" -%}
                    {%- if name not in found -%}
                        {%- do problems.append(where ~ ": column " ~ name ~ " is missing (expected " ~ column.data_type ~ "; found columns: " ~ (found.keys() | sort | join(", ")) ~ ")") -%}
                    {%- else -%}
                        {%- set expected = plg_type_family(column.data_type) -%}
                        {%- set got = plg_type_family(found[name]) -%}
                        {%- if expected != got and not (expected == 'decimal' and got == 'integer') -%}
                            {%- do problems.append(where ~ ": column " ~ name ~ " expected type " ~ column.data_type ~ " (" ~ expected ~ "), found " ~ (found[name] | lower)) -%}
                        {%- endif -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems | length > 0 -%}
        {{ exceptions.raise_compiler_error("Landing schema drift (the landing does not match its contract in models/staging/<source>/_<source>__sources.yml; nothing was built):\n  - " ~ (problems | join("\n  - ")) ~ "\nFix the connector (or the landing), or declare the new type in the sources YAML if it is legitimate.") }}
    {%- endif -%}
{%- endmacro %}
