{#-
    Landing shapes and connections (issue 11; see README "Landing shapes" and DECISIONLOG).

    landing_shape(system): the chosen shape of a source system, from its var:
        stripe -> billing_landing (native | fivetran_stripe), product -> product_landing (native | segment),
        crm -> crm_landing (native | fivetran_hubspot); finance and surveys have the native shape only.
    landing_connections(system): the list of landing schemas of the system: var <system>_schemas when set,
        else [var <system>_schema] (the single-connection default).
    landing_enabled(system, shape): true when the system is used and `shape` is its chosen shape
        (the `enabled` config of the landing models and sources of that shape).
    system_enabled(system): false for crm/surveys/finance turned off by using_crm/using_surveys/using_finance.
    landing_relation(system, table): the landing model of the chosen shape for a native table name
        (what the base models read instead of source()).
    landing_union(source_name, table, columns, key_columns): one `select` per connection of the source's
        table (the declared source, re-pointed at each connection's schema), union all, with
        `source_relation` = the connection's schema. `columns` is a list of (native_name, sql_expression);
        with more than one connection, the columns named in key_columns (ids that are only unique inside
        one connection) are qualified as '<schema>:<id>' so keys stay unique across connections
        (a null id stays null).
-#}
{% macro landing_shape(system) -%}
    {%- set shape_vars = {'stripe': 'billing_landing', 'product': 'product_landing', 'crm': 'crm_landing'} -%}
    {%- if system in shape_vars -%}
        {{- return(var(shape_vars[system], 'native')) -}}
    {%- endif -%}
    {{- return('native') -}}
{%- endmacro %}

{% macro system_enabled(system) -%}
    {%- set using_vars = {'crm': 'using_crm', 'surveys': 'using_surveys', 'finance': 'using_finance'} -%}
    {%- if system in using_vars -%}
        {{- return(var(using_vars[system], true) in [true, 'true', 'True']) -}}
    {%- endif -%}
    {{- return(true) -}}
{%- endmacro %}

{% macro landing_enabled(system, shape) -%}
    {{- return(system_enabled(system) and landing_shape(system) == shape) -}}
{%- endmacro %}

{% macro landing_connections(system) -%}
    {%- set schemas = var(system ~ '_schemas', none) -%}
    {%- if schemas is none or (schemas is iterable and schemas is not string and schemas | length == 0) -%}
        {{- return([var(system ~ '_schema')]) -}}
    {%- endif -%}
    {%- if schemas is string -%}
        {{- return([schemas]) -}}
    {%- endif -%}
    {{- return(schemas | list) -}}
{%- endmacro %}

{% macro landing_relation(system, table) -%}
    {%- set prefixes = {
        'native': 'base_' ~ system ~ '_native__',
        'fivetran_stripe': 'base_stripe_fivetran_stripe__',
        'segment': 'base_product_segment__',
        'fivetran_hubspot': 'base_crm_fivetran_hubspot__',
    } -%}
    {%- set shape = landing_shape(system) -%}
    {%- if shape not in prefixes -%}
        {{- exceptions.raise_compiler_error("Unknown landing shape " ~ shape ~ " for " ~ system
            ~ " (vars billing_landing: native | fivetran_stripe; product_landing: native | segment; crm_landing: native | fivetran_hubspot)") -}}
    {%- endif -%}
    {{- return(ref(prefixes[shape] ~ table)) -}}
{%- endmacro %}

{% macro landing_union(source_name, table, columns, key_columns=[], where=none) -%}
    {%- set system = source_name.split('_')[0] -%}
    {%- set schemas = landing_connections(system) -%}
    {%- set qualify = schemas | length > 1 -%}
    {%- for schema in schemas %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {%- for name, expression in columns %}
        {%- if qualify and name in key_columns %}
        {{ dbt.concat(["'" ~ schema ~ ":'", expression]) }} as {{ name }},
        {%- elif expression == name %}
        {{ name }},
        {%- else %}
        {{ expression }} as {{ name }},
        {%- endif %}
        {%- endfor %}
        cast('{{ schema }}' as {{ dbt.type_string() }}) as source_relation
    {%- if schemas | length == 1 %}
    from {{ source(source_name, table) }}
    {%- else %}
    from {{ source(source_name, table).incorporate(path={'schema': schema}) }}
    {%- endif %}
    {%- if where is not none %}
    where {{ where }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- segment_properties_json(feature, invitee_count): the native properties JSON text re-assembled from Segment's
    per-event property columns: {"feature":"<feature>","invitee_count":<n>}, keys in that order, only the
    non-null ones ('{}' when both are null). A '"' in the feature is escaped. -#}
{% macro segment_properties_json(feature, invitee_count) -%}
    {%- set quoted = dbt.concat(["'\"feature\":\"'", "replace(" ~ feature ~ ", '\"', '\\\"')", "'\"'"]) -%}
    {%- set count_part = dbt.concat(["'\"invitee_count\":'", "cast(" ~ invitee_count ~ " as " ~ dbt.type_string() ~ ")"]) -%}
    {{ dbt.concat([
        "'{'",
        "coalesce(" ~ quoted ~ ", '')",
        "case when " ~ feature ~ " is not null and " ~ invitee_count ~ " is not null then ',' else '' end",
        "coalesce(" ~ count_part ~ ", '')",
        "'}'",
    ]) }}
{%- endmacro %}

{#- landing_native_columns(system, table): the native landing columns {name: type} of a table whose shape is not
    native (its native source is disabled, so source_columns() finds no node): the base models' version hash
    (exact vs conflicting duplicates) and as_utc read them. The landing models of such shapes output these
    columns, already in UTC. Product (Segment) and Stripe (Fivetran Stripe); {} for the others. -#}
{% macro landing_native_columns(system, table) -%}
    {%- set native = {
        'product': {
            'accounts': {'account_id': 'varchar', 'created_at': 'timestamp', 'created_by_user_id': 'varchar',
                         'signup_channel': 'varchar', 'is_internal': 'boolean'},
            'users': {'user_id': 'varchar', 'account_id': 'varchar', 'email': 'varchar', 'role': 'varchar',
                      'invited_by_user_id': 'varchar', 'created_at': 'timestamp'},
            'events': {'event_id': 'varchar', 'event_name': 'varchar', 'user_id': 'varchar', 'account_id': 'varchar',
                       'occurred_at': 'timestamp', 'received_at': 'timestamp', 'properties': 'varchar'},
        },
        'crm': {
            'companies': {'company_id': 'varchar', 'account_id': 'varchar', 'name': 'varchar', 'domain': 'varchar',
                          'employee_count': 'integer', 'industry': 'varchar', 'country': 'varchar', 'updated_at': 'timestamp'},
            'activities': {'activity_id': 'varchar', 'company_id': 'varchar', 'activity_type': 'varchar',
                           'owner_type': 'varchar', 'occurred_at': 'timestamp'},
        },
        'stripe': {
            'customers': {'id': 'varchar', 'email': 'varchar', 'created': 'timestamp', 'metadata': 'varchar', 'currency': 'varchar', 'is_deleted': 'boolean'},
            'products': {'id': 'varchar', 'name': 'varchar', 'active': 'boolean'},
            'prices': {'id': 'varchar', 'product_id': 'varchar', 'unit_amount': 'bigint', 'currency': 'varchar', 'recurring_interval': 'varchar', 'recurring_interval_count': 'integer', 'active': 'boolean'},
            'subscriptions': {'id': 'varchar', 'customer_id': 'varchar', 'status': 'varchar', 'created': 'timestamp', 'start_date': 'timestamp', 'trial_start': 'timestamp', 'trial_end': 'timestamp', 'canceled_at': 'timestamp', 'ended_at': 'timestamp', 'current_period_start': 'timestamp', 'current_period_end': 'timestamp'},
            'invoices': {'id': 'varchar', 'customer_id': 'varchar', 'subscription_id': 'varchar', 'status': 'varchar', 'billing_reason': 'varchar', 'currency': 'varchar', 'amount_due': 'bigint', 'amount_paid': 'bigint', 'total': 'bigint', 'created': 'timestamp', 'period_start': 'timestamp', 'period_end': 'timestamp', 'paid_at': 'timestamp'},
            'invoice_line_items': {'id': 'varchar', 'invoice_id': 'varchar', 'subscription_id': 'varchar', 'price_id': 'varchar', 'type': 'varchar', 'proration': 'boolean', 'quantity': 'integer', 'amount': 'bigint', 'currency': 'varchar', 'period_start': 'timestamp', 'period_end': 'timestamp'},
            'charges': {'id': 'varchar', 'invoice_id': 'varchar', 'customer_id': 'varchar', 'amount': 'bigint', 'currency': 'varchar', 'status': 'varchar', 'created': 'timestamp'},
            'refunds': {'id': 'varchar', 'charge_id': 'varchar', 'amount': 'bigint', 'currency': 'varchar', 'status': 'varchar', 'created': 'timestamp'},
        },
    } -%}
    {%- if landing_shape(system) == 'native' -%}
        {{- return({}) -}}
    {%- endif -%}
    {{- return(native.get(system, {}).get(table, {})) -}}
{%- endmacro %}

{#- segment_property_tables(): the per-event tables of var segment_event_tables that exist in each product
    connection, each as {relation, received_at, feature, invitee_count} (SQL expressions; a property column
    the table does not have is a typed null). Read at compile time (empty at parse time). -#}
{% macro segment_property_tables() -%}
    {%- set property_tables = [] %}
    {%- if execute %}
        {%- set tracks = source('product_segment', 'tracks') %}
        {%- for schema in landing_connections('product') %}
            {%- for table in var('segment_event_tables') %}
                {%- set relation = adapter.get_relation(database=tracks.database, schema=schema, identifier=table) %}
                {%- if relation is not none %}
                    {%- set present = landed_columns(relation) %}
                    {%- do property_tables.append({
                        'relation': relation,
                        'received_at': as_utc('received_at', present),
                        'feature': 'feature' if 'feature' in present else 'cast(null as ' ~ dbt.type_string() ~ ')',
                        'invitee_count': 'invitee_count' if 'invitee_count' in present else 'cast(null as ' ~ dbt.type_bigint() ~ ')',
                    }) %}
                {%- endif %}
            {%- endfor %}
        {%- endfor %}
    {%- endif %}
    {{- return(property_tables) -}}
{%- endmacro %}

{#- HubSpot (crm_landing: fivetran_hubspot). hubspot_account_id_column(): the company column holding the product
    workspace, property_<var hubspot_account_id_property> (a plain identifier, validated at run start).
    hubspot_demo_meeting_titles(): the SQL list of the lower-cased meeting titles that make a demo (var
    hubspot_demo_meeting_titles, validated at run start: letters, digits, spaces, '_' and '-' only). Neither checks again:
    a bad value (seen only without the run-start hook, e.g. at parse time) renders a placeholder, and the run-start check
    (validate_project_config) reports it with the other vars. -#}
{% macro hubspot_account_id_column() -%}
    {%- set name = var('hubspot_account_id_property', 'account_id') | string -%}
    {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', name) -%}{{- return('property_account_id') -}}{%- endif -%}
    {{- return('property_' ~ name | lower) -}}
{%- endmacro %}

{% macro hubspot_demo_meeting_titles() -%}
    {%- set literals = [] -%}
    {%- for title in var('hubspot_demo_meeting_titles', ['Demo']) -%}
        {%- if not modules.re.match('^[A-Za-z0-9 _-]+$', title | string) -%}{{- return("''") -}}{%- endif -%}
        {%- do literals.append("'" ~ (title | string | trim | lower) ~ "'") -%}
    {%- endfor -%}
    {{- return(literals | join(', ')) -}}
{%- endmacro %}

{#- connection_key(system): ['source_relation'] when the system has several connections, else []: added to the
    natural key of rows without an id of their own (finance gtm_spend, headcount), so two connections' rows
    (two entities' spend or headcount) stay two rows. -#}
{% macro connection_key(system) -%}
    {{- return(['source_relation'] if landing_connections(system) | length > 1 else []) -}}
{%- endmacro %}
