{#-
    Guards of the landing (issue 12, staging half): conflicting duplicates, implausible timestamps, money
    bounds and time-zone-aware timestamps. All portable or adapter-dispatched; no var value reaches SQL as
    raw text (dates and numbers are re-rendered from validated values).

    landed_columns(relation): {lower-case column name: lower-case data type} of a landed relation (empty
        at parse time). Read once per model.
    as_utc(column, landed, alias): the column as a UTC timestamp without time zone. A column landed as
        timestamptz is converted explicitly (DuckDB timezone('UTC', x), PostgreSQL x at time zone 'UTC'),
        so the session or machine time zone never shifts it; a plain timestamp is taken as UTC already.
    landed_version_hash(landed, alias): a hash of every landed column (the "version" of a row: rows with
        the same key and the same hash are exact duplicates, SOURCES.md Precisions).
    implausible_at(expr): true when the timestamp lies before var earliest_plausible_date or after the run
        start + var received_future_tolerance_hours (a literal: run_started_at, UTC).
    plausible_future_bound(): that upper bound as a timestamp literal.
-#}
{% macro landed_columns(relation) %}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do found.update({column.name | lower: column.data_type | lower}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}

{#- source_columns(source_name, table_name): landed_columns of the landing table a source points at, read
    through the graph (not through source(), which a dbt unit test replaces with its fixture: the fixture has
    the landing's columns, so its rows are hashed and converted the same way). -#}
{% macro source_columns(source_name, table_name) %}
    {%- if execute -%}
        {#- a unit test's context has no graph.sources: the landing schema var names the same table -#}
        {%- if 'sources' not in graph -%}
            {%- set relation = adapter.get_relation(database=target.database, schema=var(source_name.split('_')[0] ~ '_schema'), identifier=table_name) -%}
            {{ return(landed_columns(relation) if relation is not none else {}) }}
        {%- endif -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.source_name == source_name and node.name == table_name -%}
                {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.identifier) -%}
                {%- if relation is not none -%}
                    {{ return(landed_columns(relation)) }}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {#- a table of a non-native landing shape (issue 11): the native columns its landing model outputs -#}
        {{ return(landing_native_columns(source_name, table_name)) }}
    {%- endif -%}
    {{ return({}) }}
{% endmacro %}

{% macro is_timestamptz_type(data_type) %}
    {%- set t = (data_type or '') | lower -%}
    {{ return('with time zone' in t or 'timestamptz' in t or t == 'timestamp_tz') }}
{% endmacro %}

{% macro as_utc(column, landed, alias=none) %}
    {%- set qualified = (alias ~ '.' ~ column) if alias else column -%}
    {%- if is_timestamptz_type(landed.get(column | lower)) -%}
        {{ return(adapter.dispatch('timestamptz_to_utc', 'plg_analytics')(qualified)) }}
    {%- endif -%}
    {{ return(qualified) }}
{% endmacro %}

{#- as_utc as a select-list item named <column>: `<the UTC expression> as <column>`, or the bare column when it
    is landed naive (never `x as x`, sqlfluff AL09) -#}
{% macro utc_column(column, landed, alias=none) -%}
    {%- set qualified = (alias ~ '.' ~ column) if alias else column -%}
    {%- set expr = as_utc(column, landed, alias) | trim -%}
    {{- expr if expr == qualified else expr ~ ' as ' ~ column -}}
{%- endmacro %}

{% macro default__timestamptz_to_utc(expr) -%}
    cast(({{ expr }} at time zone 'UTC') as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__timestamptz_to_utc(expr) -%}
    timezone('UTC', {{ expr }})
{%- endmacro %}

{% macro spark__timestamptz_to_utc(expr) -%}
    {{ expr }}
{%- endmacro %}

{% macro landed_version_hash(landed, alias=none) %}
    {%- set p = (alias ~ '.') if alias else '' -%}
    {%- set parts = [] -%}
    {%- for column in landed | sort -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(cast(" ~ p ~ adapter.quote(column) ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {%- if parts | length == 0 -%}
        {{ return("cast(null as " ~ dbt.type_string() ~ ")") }}
    {%- endif -%}
    {{ return(dbt.hash(dbt.concat(parts))) }}
{% endmacro %}

{#- At parse time (execute false) the bounds are placeholders: the vars are validated at run start
    (validate_project_config) before any model is compiled, so a bad value gets the project's message. -#}
{% macro plausible_future_bound() %}
    {%- if not execute -%}
        {{ return("cast(null as " ~ dbt.type_timestamp() ~ ")") }}
    {%- endif -%}
    {%- set hours = var('received_future_tolerance_hours') | int -%}
    {%- set bound = run_started_at + modules.datetime.timedelta(hours=hours) -%}
    {{ return("cast('" ~ bound.strftime('%Y-%m-%d %H:%M:%S') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{% endmacro %}

{% macro earliest_plausible_bound() %}
    {%- if not execute -%}
        {{ return("cast(null as " ~ dbt.type_timestamp() ~ ")") }}
    {%- endif -%}
    {%- set earliest = modules.datetime.datetime.strptime(var('earliest_plausible_date') | string, '%Y-%m-%d') -%}
    {{ return("cast('" ~ earliest.strftime('%Y-%m-%d') ~ " 00:00:00' as " ~ dbt.type_timestamp() ~ ")") }}
{% endmacro %}

{% macro implausible_at(expr) -%}
    ({{ expr }} < {{ earliest_plausible_bound() }} or {{ expr }} > {{ plausible_future_bound() }})
{%- endmacro %}

{#-
    implausible_rule(column, label): a quarantine rule tuple (implausible_<label>) for first_broken_rule.
    money_rules(amount, label): implausible_<label> when |amount| (major units) exceeds var
        max_plausible_amount.
-#}
{% macro implausible_rule(column, label) %}
    {{ return(('implausible_' ~ label, implausible_at(column),
        label ~ ' is before var earliest_plausible_date or after the run start + received_future_tolerance_hours')) }}
{% endmacro %}

{% macro money_rule(amount, label) %}
    {%- set bound = var('max_plausible_amount') | float -%}
    {{ return(('implausible_' ~ label, 'abs(' ~ amount ~ ') > ' ~ bound,
        label ~ ' is larger (in major units) than var max_plausible_amount')) }}
{% endmacro %}

{#-
    Conflicting duplicates (SOURCES.md Precisions). In a CTE that has `quarantine_rule`, `quarantine_detail`
    and `version_hash` (landed_version_hash), dedupe_ranks(keys, order_by) adds
      kept_version_hash: the version kept for the key: clean rows first, then the table's documented order
          (order_by, a SQL list), then the version hash (deterministic);
      version_rank: the copy number among rows of the same key and version (> 1: an exact duplicate).
    Then, in the final select:
      dedupe_rule(keys) / dedupe_detail(keys): the row's own rule, else `conflicting_duplicate` for the first
          copy of every version of a key other than the kept one;
      is_exact_duplicate(keys): a later copy of a version (removed as a duplicate, not quarantined).
    Rows with a null key part are never duplicates (each is quarantined by its null_<key> rule).
-#}
{% macro dedupe_ranks(keys, order_by) -%}
    {#- the directions are all explicit or all implicit, as in the caller's order_by (asc is the default) -#}
    {%- set asc = ' asc' if (' asc' in order_by or ' desc' in order_by) else '' -%}
    first_value(version_hash) over (
        partition by {{ keys | join(', ') }}
        order by
            case when quarantine_rule is null then 0 else 1 end{{ asc }},
            {{ order_by }},
            version_hash{{ asc }}
    ) as kept_version_hash,
    row_number() over (
        partition by {{ keys | join(', ') }}, version_hash
        order by case when quarantine_rule is null then 0 else 1 end
    ) as version_rank
{%- endmacro %}

{% macro keys_not_null(keys) -%}
    ({% for key in keys %}{{ key }} is not null{% if not loop.last %} and {% endif %}{% endfor %})
{%- endmacro %}

{% macro dedupe_rule(keys) -%}
    coalesce(
        quarantine_rule,
        case
            when {{ keys_not_null(keys) }} and version_hash <> kept_version_hash then 'conflicting_duplicate'
        end
    )
{%- endmacro %}

{% macro dedupe_detail(keys) -%}
    coalesce(
        quarantine_detail,
        case
            when {{ keys_not_null(keys) }} and version_hash <> kept_version_hash
                then 'same key landed with other values; another version was kept'
        end
    )
{%- endmacro %}

{% macro is_exact_duplicate(keys) -%}
    ({{ keys_not_null(keys) }} and version_rank > 1)
{%- endmacro %}

{% macro dbt_null_safe_equal(a, b) -%}
    coalesce({{ a }} = {{ b }}, {{ a }} is null and {{ b }} is null)
{%- endmacro %}
