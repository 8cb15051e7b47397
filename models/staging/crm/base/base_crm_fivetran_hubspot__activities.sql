{#- Fivetran HubSpot engagements -> the native CRM `activities` columns and types, every connection (var
    crm_schemas), with source_relation. An engagement is read from `engagement` and its typed table (meeting,
    call, email, note): v3-API connectors fill the typed table's property_hs_timestamp and
    property_hubspot_owner_id, older ones engagement.timestamp and owner_id (the typed value wins). Mapping
    (owner set = a sales rep, else automation):
        MEETING titled as in var hubspot_demo_meeting_titles -> demo, other MEETING -> meeting, CALL -> call,
        EMAIL / INCOMING_EMAIL / FORWARDED_EMAIL -> email with an owner, nurture_email without,
        NOTE without an owner -> in_app_message (a message the product logs on the company);
    TASK, a NOTE with an owner and other types are not touches of the company: not read. One activity per
    (engagement, associated company) in engagement_company: the activity id is the engagement id, suffixed
    ':<company id>' when the engagement touches several companies; an engagement without a company keeps a null
    company_id. Engagements whose typed row is deleted (_fivetran_deleted) are left out and listed in
    base_crm_fivetran_hubspot__deleted_rows. -#}
{{ config(enabled=landing_enabled('crm', 'fivetran_hubspot'), materialized='view') }}

{%- set string = dbt.type_string() %}
{%- set landed = source_columns('crm_hubspot', 'engagement') %}
{%- set typed_tables = ['engagement_meeting', 'engagement_call', 'engagement_email', 'engagement_note'] %}

with engagements as (
    {{ landing_union('crm_hubspot', 'engagement', [
        ('engagement_id', 'cast(id as ' ~ string ~ ')'),
        ('engagement_type', 'upper(trim(type))'),
        ('owner_id', 'owner_id'),
        ('engaged_at', as_utc('timestamp', landed)),
    ], key_columns=['engagement_id']) }}
),

{%- for table in typed_tables %}
{%- set typed_landed = source_columns('crm_hubspot', table) %}

{{ table }}_rows as (
    {{ landing_union('crm_hubspot', table, [
        ('engagement_id', 'cast(engagement_id as ' ~ string ~ ')'),
        ('owner_id', 'property_hubspot_owner_id'),
        ('engaged_at', as_utc('property_hs_timestamp', typed_landed)),
        ('meeting_title', 'property_hs_meeting_title' if table == 'engagement_meeting' else 'cast(null as ' ~ string ~ ')'),
        ('is_deleted_at_source', '_fivetran_deleted'),
    ], key_columns=['engagement_id']) }}
),
{%- endfor %}

typed as (
{%- for table in typed_tables %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        engagement_id,
        owner_id,
        engaged_at,
        meeting_title,
        is_deleted_at_source,
        source_relation
    from {{ table }}_rows
    {%- endfor %}

),

associations as (
    {{ landing_union('crm_hubspot', 'engagement_company', [
        ('engagement_id', 'cast(engagement_id as ' ~ string ~ ')'),
        ('company_id', 'cast(company_id as ' ~ string ~ ')'),
    ], key_columns=['engagement_id', 'company_id']) }}
),

merged as (

    select
        engagements.engagement_id,
        engagements.engagement_type,
        coalesce(typed.owner_id, engagements.owner_id) as owner_id,
        coalesce(typed.engaged_at, engagements.engaged_at) as occurred_at,
        lower(trim(typed.meeting_title)) as meeting_title,
        coalesce(typed.is_deleted_at_source, false) as is_deleted_at_source,
        engagements.source_relation
    from engagements
    left join typed
        on
            engagements.engagement_id = typed.engagement_id
            and engagements.source_relation = typed.source_relation

),

classified as (

    select
        engagement_id,
        occurred_at,
        source_relation,
        case when owner_id is not null then 'sales_rep' else 'automation' end as owner_type,
        case
            when engagement_type = 'MEETING' and meeting_title in ({{ hubspot_demo_meeting_titles() }}) then 'demo'
            when engagement_type = 'MEETING' then 'meeting'
            when engagement_type = 'CALL' then 'call'
            when engagement_type in ('EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL') and owner_id is not null then 'email'
            when engagement_type in ('EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL') then 'nurture_email'
            when engagement_type = 'NOTE' and owner_id is null then 'in_app_message'
        end as activity_type
    from merged
    where not is_deleted_at_source

),

touched as (

    select
        classified.engagement_id,
        associations.company_id,
        classified.activity_type,
        classified.owner_type,
        classified.occurred_at,
        classified.source_relation,
        count(*) over (
            partition by classified.source_relation, classified.engagement_id
        ) as associated_companies
    from classified
    left join associations
        on
            classified.engagement_id = associations.engagement_id
            and classified.source_relation = associations.source_relation
    where classified.activity_type is not null

),

final as (

    select
        case
            when associated_companies > 1 then {{ dbt.concat(['engagement_id', "':'", 'company_id']) }}
            else engagement_id
        end as activity_id,
        company_id,
        activity_type,
        owner_type,
        occurred_at,
        source_relation
    from touched

)

select * from final
