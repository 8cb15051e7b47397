{#-
    raise_if_rows(query, header, fix): for data tests whose failure must say WHAT to fix. When a build or test
    executes the test (flags.WHICH build / test), runs `query` and, if it returns rows, fails the test with
    `header`, one line per row (column=value ...) and `fix`. The test's own SQL returns the same rows, so
    --store-failures keeps them too. Never runs at parse, compile or docs time (the relations may not exist).
-#}
{% macro raise_if_rows(query, header, fix) %}
    {%- if execute and flags.WHICH in ('build', 'test') -%}
        {%- set result = run_query(query) -%}
        {%- if result.rows | length > 0 -%}
            {%- set lines = [] -%}
            {%- for row in result.rows -%}
                {%- set parts = [] -%}
                {%- for column in result.column_names -%}
                    {%- do parts.append(column ~ '=' ~ row[column]) -%}
                {%- endfor -%}
                {%- do lines.append('  - ' ~ (parts | join(', '))) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(header ~ "\n" ~ (lines | join("\n")) ~ "\n" ~ fix) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
