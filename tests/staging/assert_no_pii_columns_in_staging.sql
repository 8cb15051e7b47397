-- No staging relation (base views included) carries a raw email, the NPS comment or raw JSON payloads.
-- Column lists come from the adapter, not information_schema (a Spark session has none). A model may exempt a
-- column it has proven harmless in its YAML (meta pii_exempt_columns, with the reason in its description).
-- depends_on: {{ ref('stg_product__users') }}
{%- set forbidden = ['email', 'comment', 'properties', 'metadata'] -%}
{%- set offenders = [] -%}
{%- if execute -%}
{%- for node in graph.nodes.values() if node.resource_type == 'model' and node.fqn[1] == 'staging' -%}
{%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
{%- if relation is not none -%}
{%- set exempt = (node.config.meta or {}).get('pii_exempt_columns', []) -%}
{%- for column in adapter.get_columns_in_relation(relation)
    if column.name | lower in forbidden and column.name | lower not in exempt -%}
{%- do offenders.append((node.alias, column.name | lower)) -%}
{%- endfor -%}
{%- endif -%}
{%- endfor -%}
{%- endif %}

{% if offenders | length == 0 -%}
select
    cast(null as {{ dbt.type_string() }}) as relation_name,
    cast(null as {{ dbt.type_string() }}) as column_name
where 1 = 0
{%- else -%}
{%- for relation_name, column_name in offenders %}
select
    '{{ relation_name }}' as relation_name,
    '{{ column_name }}' as column_name
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endif %}
