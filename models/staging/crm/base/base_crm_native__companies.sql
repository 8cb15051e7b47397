{#- Native CRM `companies` of every connection (var crm_schemas), with source_relation; company ids qualified
    by the connection when there are several (macros/landing/landing.sql). account_id is a product id: never
    qualified. -#}
{{ config(enabled=landing_enabled('crm', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('company_id', 'company_id'),
        ('account_id', 'account_id'),
        ('name', 'name'),
        ('domain', 'domain'),
        ('employee_count', 'employee_count'),
        ('industry', 'industry'),
        ('country', 'country'),
        ('updated_at', 'updated_at'),
] %}

with unioned as (
    {{ landing_union('crm', 'companies', columns, key_columns=['company_id']) }}
),

final as (

    select * from unioned

)

select * from final
