{#-
    Portable staging helpers (no dispatch needed: built on dbt cross-database macros).

    first_broken_rule(rules) / first_broken_rule_detail(rules):
        rules is a list of (rule_name, condition_sql, detail_text); the first rule whose condition is true
        names the quarantine rule (null when none is broken) and gives its short detail message.
        Details are fixed texts: never a row value (the row may hold PII).
    email_domain(expr) / email_hash(expr): the PII-free forms of an email address.
    minor_to_major(amount, digits): Stripe minor units -> major units (exact decimal arithmetic).
    record_key(columns): the text key of a row for the quarantine ("|"-joined for a composite key,
        null when any part is null).
-#}
{% macro first_broken_rule(rules) -%}
    case
    {%- for rule in rules %}
        when {{ rule[1] }} then '{{ rule[0] }}'
    {%- endfor %}
    end
{%- endmacro %}

{% macro first_broken_rule_detail(rules) -%}
    case
    {%- for rule in rules %}
        when {{ rule[1] }} then '{{ rule[2] }}'
    {%- endfor %}
    end
{%- endmacro %}

{% macro email_domain(expr) -%}
    nullif(lower(trim({{ dbt.split_part('trim(' ~ expr ~ ')', "'@'", 2) }})), '')
{%- endmacro %}

{% macro email_hash(expr) -%}
    {{ dbt.hash('nullif(lower(trim(' ~ expr ~ ')), \'\')') }}
{%- endmacro %}

{% macro minor_to_major(amount, digits) -%}
    cast(
        {{ amount }} * case {{ digits }}
            when 0 then 1
            when 1 then 0.1
            when 2 then 0.01
            when 3 then 0.001
            when 4 then 0.0001
        end as {{ dbt.type_numeric() }}
    )
{%- endmacro %}

{% macro record_key(columns) -%}
    {%- if columns | length == 1 -%}
        cast({{ columns[0] }} as {{ dbt.type_string() }})
    {%- else -%}
        {%- set parts = [] -%}
        {%- for column in columns -%}
            {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
            {%- do parts.append('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') -%}
        {%- endfor -%}
        {{ dbt.concat(parts) }}
    {%- endif -%}
{%- endmacro %}

{#-
    event_delivery_order(alias): the order of the deliveries of one event_id, earliest first
    (received_at, occurred_at, properties hash, then the other columns so the choice is deterministic).
-#}
{% macro event_delivery_order(alias=none) -%}
    {%- set p = (alias ~ '.') if alias else '' -%}
    {{ p }}received_at nulls last,
    {{ p }}occurred_at nulls last,
    {{ p }}properties_hash nulls last,
    {{ p }}event_name nulls last,
    {{ p }}user_id nulls last,
    {{ p }}account_id nulls last
{%- endmacro %}

{#-
    quarantine_id(source_table, record_key, occurrence_number): the id of a quarantine row, a hash of the
    table, the record key and the occurrence number among rows of the same key.
    landing_schema_name(source_name): the landing schema of a source (var <source>_schema) as a text literal,
    the source_relation of a source landed through one connection.
-#}
{% macro quarantine_id(source_table, record_key, occurrence_number) -%}
    {{ dbt.hash(dbt.concat([
        source_table, "'|'", "coalesce(" ~ record_key ~ ", '')", "'|'",
        'cast(' ~ occurrence_number ~ ' as ' ~ dbt.type_string() ~ ')'
    ])) }}
{%- endmacro %}

{#- the quarantine_id of a row of a stg_<source>__quarantine model (columns source_table, record_key,
    quarantine_rule, quarantine_detail, received_date): the occurrence number of its key (1, 2, ... when a key
    is quarantined more than once, in rule / detail / date order) makes it unique. An expression, not a CTE. -#}
{% macro quarantine_row_id() -%}
    {{ quarantine_id('source_table', 'record_key',
        'row_number() over (partition by source_table, record_key'
        ~ ' order by quarantine_rule, quarantine_detail, received_date)') }}
{%- endmacro %}

{% macro landing_schema_name(source_name) -%}
    cast('{{ var(source_name ~ '_schema') | replace("'", "''") }}' as {{ dbt.type_string() }})
{%- endmacro %}
