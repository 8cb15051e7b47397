{#- Fivetran HubSpot `company` -> the native CRM `companies` columns and types, every connection (var crm_schemas),
    with source_relation. The connector upserts by id, so each company is landed once, in its latest state (no
    superseded versions reach staging: DECISIONLOG "HubSpot CRM landing"). The product workspace is the company
    property named by var hubspot_account_id_property (column property_<name>, checked at run start). HubSpot's
    number property numberofemployees lands as a double: rounded to an integer. Companies deleted in HubSpot
    (is_deleted) are left out here and listed in base_crm_fivetran_hubspot__deleted_rows. -#}
{{ config(enabled=landing_enabled('crm', 'fivetran_hubspot'), materialized='ephemeral') }}

{%- set landed = source_columns('crm_hubspot', 'company') %}
{%- set columns = [
        ('company_id', 'cast(id as ' ~ dbt.type_string() ~ ')'),
        ('account_id', 'cast(' ~ hubspot_account_id_column() ~ ' as ' ~ dbt.type_string() ~ ')'),
        ('name', 'property_name'),
        ('domain', 'property_domain'),
        ('employee_count', 'cast(round(property_numberofemployees) as ' ~ dbt.type_int() ~ ')'),
        ('industry', 'property_industry'),
        ('country', 'property_country'),
        ('updated_at', as_utc('property_hs_lastmodifieddate', landed)),
        ('is_deleted_at_source', 'is_deleted'),
] %}

with unioned as (
    {{ landing_union('crm_hubspot', 'company', columns, key_columns=['company_id']) }}
),

final as (

    select
        company_id,
        account_id,
        name,
        domain,
        employee_count,
        industry,
        country,
        updated_at,
        source_relation
    from unioned
    where not coalesce(is_deleted_at_source, false)

)

select * from final
