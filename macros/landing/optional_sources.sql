{#-
    Optional sources (issue 11): using_crm, using_surveys, using_finance (default true).
    With a system off, its sources, landing, base and staging models are disabled (finance: gtm_spend and
    headcount only; fx_rates is the currency reference of the revenue marts and stays required), and the
    models that read them get, from optional_ref(), an empty relation with the same columns and types,
    so the marts keep their columns and show nulls where the figures would be.

    optional_ref(model_name): ref(model_name) when its system is on; else an aliased empty subquery with
        the columns the downstream models read (typed with dbt's cross-database types).
    optional_source_on(system): the `enabled` value of that system's models (= system_enabled).
-#}
{% macro optional_ref(model_name) -%}
    {%- set string = dbt.type_string() -%}
    {%- set int = dbt.type_int() -%}
    {%- set ts = dbt.type_timestamp() -%}
    {%- set num = dbt.type_numeric() -%}
    {%- set shapes = {
        'stg_crm__companies': ('crm', [('company_id', string), ('account_id', string), ('company_name', string),
                                       ('company_domain', string), ('employee_count', int), ('industry', string),
                                       ('country_code', string), ('updated_at', ts)]),
        'stg_crm__activities': ('crm', [('activity_id', string), ('company_id', string), ('activity_type', string),
                                        ('owner_type', string), ('occurred_at', ts)]),
        'stg_surveys__nps_responses': ('surveys', [('response_id', string), ('user_id', string),
                                                   ('score', int), ('responded_at', ts)]),
        'stg_finance__gtm_spend': ('finance', [('spend_date', 'date'), ('category', string), ('channel', string),
                                               ('amount', num), ('currency_code', string)]),
        'stg_finance__headcount': ('finance', [('month_start', 'date'), ('department', string), ('fte', num)]),
        'base_finance__gtm_spend': ('finance', [('source_relation', string), ('spend_date', 'date'), ('record_key', string), ('quarantine_rule', string),
                                                ('quarantine_detail', string), ('is_duplicate_delivery', 'boolean')]),
        'base_finance__headcount': ('finance', [('source_relation', string), ('month_start', 'date'), ('record_key', string), ('quarantine_rule', string),
                                                ('quarantine_detail', string), ('is_duplicate_delivery', 'boolean')]),
    } -%}
    {%- set system, columns = shapes[model_name] -%}
    {%- if system_enabled(system) -%}
        {{- return(ref(model_name)) -}}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for name, data_type in columns -%}
        {%- do selects.append('cast(null as ' ~ data_type ~ ') as ' ~ name) -%}
    {%- endfor -%}
    {{- return('(select ' ~ (selects | join(', ')) ~ ' where 1 = 0) as ' ~ model_name ~ '_disabled') -}}
{%- endmacro %}
