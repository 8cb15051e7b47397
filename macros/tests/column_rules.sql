{#-
    column_rules (issue 13, fewer nodes): the column checks of one model in one data test node and one scan
    of the model, instead of a not_null / accepted_values / accepted_range / expression_is_true /
    relationships node each. Same semantics as those tests (a null passes accepted_values, accepted_range,
    relationships and a column expression; the test's `where` config, e.g. "__event_batch__", applies to
    every rule, as it applied to each test). Arguments, all optional:
      not_null: [column, ...]
      accepted_values: {column: [value, ...]}  or {column: {values: [...], quote: false}}
      accepted_range: {column: {min_value: x, max_value: y, inclusive: true}}
      expressions: [{column: c, expression: "= lower(trim(c))"}, "a <= b"]
      relationships: {column: {to: ref('parent'), field: parent_column}}  (each parent read once, as its
        distinct keys, in a left join)
      warn: {the same keys}: rules that only warn (a relationship to a parent that can be quarantined, ...).
    A failing rule is reported with its column, rule and failing row count. A failing error rule (top level)
    fails the node with that list (raise_if_rows style), whatever the node's severity; failing warn rules
    are returned as rows (column_name, rule, failing_rows), so a node holding warn rules has
    `config: {severity: warn}` and ends WARN. Primary keys keep their own unique + not_null (or
    unique_combination_of_columns) tests. The check runs once: when no error rule fails, the node's SQL
    selects the failing warn rules (an empty select when there is no warn rule or none fails).
-#}
{% test column_rules(model, not_null=[], accepted_values={}, accepted_range={}, expressions=[], relationships={}, warn={}) %}

{%- set checks = [] -%}
{%- set parents = [] -%}
{%- set levels = [('error', {
    'not_null': not_null, 'accepted_values': accepted_values, 'accepted_range': accepted_range,
    'expressions': expressions, 'relationships': relationships
}), ('warn', warn)] -%}
{%- for level, rules in levels -%}
    {%- for column in rules.get('not_null', []) -%}
        {%- do checks.append({'level': level, 'column': column, 'rule': 'not_null', 'failing': column ~ ' is null'}) -%}
    {%- endfor -%}
    {%- for column, spec in rules.get('accepted_values', {}).items() -%}
        {%- set values = spec['values'] if spec is mapping else spec -%}
        {%- set quote = spec.get('quote', true) if spec is mapping else true -%}
        {%- set listed = [] -%}
        {%- for value in values -%}
            {%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'" if quote else (value | string)) -%}
        {%- endfor -%}
        {%- do checks.append({
            'level': level,
            'column': column,
            'rule': 'accepted_values ' ~ (values | join(', ')),
            'failing': column ~ ' not in (' ~ (listed | join(', ')) ~ ')'
        }) -%}
    {%- endfor -%}
    {%- for column, spec in rules.get('accepted_range', {}).items() -%}
        {%- set inclusive = spec.get('inclusive', true) -%}
        {%- set bounds = [] -%}
        {%- if spec.get('min_value') is not none -%}
            {%- do bounds.append(column ~ (' >= ' if inclusive else ' > ') ~ spec['min_value']) -%}
        {%- endif -%}
        {%- if spec.get('max_value') is not none -%}
            {%- do bounds.append(column ~ (' <= ' if inclusive else ' < ') ~ spec['max_value']) -%}
        {%- endif -%}
        {%- do checks.append({
            'level': level,
            'column': column,
            'rule': 'accepted_range ' ~ (bounds | join(' and ')),
            'failing': 'not (' ~ (bounds | join(' and ')) ~ ')'
        }) -%}
    {%- endfor -%}
    {%- for item in rules.get('expressions', []) -%}
        {%- set spec = item if item is mapping else {'expression': item} -%}
        {%- set column = spec.get('column') -%}
        {%- do checks.append({
            'level': level,
            'column': column or '(row)',
            'rule': 'expression_is_true ' ~ spec['expression'],
            'failing': 'not (' ~ ((column ~ ' ' ~ spec['expression']) if column else spec['expression']) ~ ')'
        }) -%}
    {%- endfor -%}
    {%- for column, spec in rules.get('relationships', {}).items() -%}
        {%- set alias = 'parent_' ~ (parents | length + 1) -%}
        {%- do parents.append({'alias': alias, 'column': column, 'to': spec['to'], 'field': spec['field']}) -%}
        {%- do checks.append({
            'level': level,
            'column': column,
            'rule': 'relationships to ' ~ spec['to'] ~ '.' ~ spec['field'],
            'failing': column ~ ' is not null and ' ~ alias ~ '.parent_key is null'
        }) -%}
    {%- endfor -%}
{%- endfor -%}

{%- if checks | length == 0 -%}
    {{ exceptions.raise_compiler_error('column_rules on ' ~ model ~ ': no rule given') }}
{%- endif -%}

{%- set check_query -%}
with counted as (

    select
        {%- for check in checks %}
        sum(case when {{ check.failing }} then 1 else 0 end) as failing_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    {%- for parent in parents %}
    left join (
        select distinct {{ parent.field }} as parent_key
        from {{ parent.to }}
    ) as {{ parent.alias }}
        on {{ parent.column }} = {{ parent.alias }}.parent_key
    {%- endfor %}

),

failing as (

    {%- for check in checks %}
    select
        cast('{{ check.level }}' as {{ dbt.type_string() }}) as severity,
        cast('{{ check.column }}' as {{ dbt.type_string() }}) as column_name,
        cast('{{ check.rule | replace("'", "''") }}' as {{ dbt.type_string() }}) as rule,
        failing_{{ loop.index }} as failing_rows
    from counted
    where failing_{{ loop.index }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from failing
{%- endset -%}

{%- if execute and flags.WHICH in ('build', 'test') -%}
    {%- set result = run_query(check_query) -%}
    {%- set errors = [] -%}
    {%- set warnings = [] -%}
    {%- for row in result.rows -%}
        {%- set line = '  - column ' ~ row['column_name'] ~ ': ' ~ row['rule'] ~ ' (' ~ row['failing_rows'] ~ ' rows)' -%}
        {%- do (errors if row['severity'] == 'error' else warnings).append(line) -%}
    {%- endfor -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error(
            'column_rules failed on ' ~ model ~ ':\n' ~ ((errors + warnings) | join('\n'))
            ~ '\nFix the model (or its input) so that every listed rule holds.') }}
    {%- endif -%}
    {%- if warnings -%}
        {{ log('column_rules warnings on ' ~ model ~ ':\n' ~ (warnings | join('\n')), info=true) }}
{{ check_query }}
    {%- else -%}
select
    cast(null as {{ dbt.type_string() }}) as severity,
    cast(null as {{ dbt.type_string() }}) as column_name,
    cast(null as {{ dbt.type_string() }}) as rule,
    0 as failing_rows
where 1 = 0
    {%- endif -%}
{%- else -%}
    {{ check_query }}
{%- endif -%}

{% endtest %}
