{#- CRM companies, one row per landed version; the latest updated_at per company_id is kept, older versions
    are superseded (flagged is_duplicate_delivery, counted with the duplicates in the reconciliation). -#}
{%- set rules = [
    ('null_company_id', 'company_id is null', 'company_id is null'),
] %}

with source as (

    select * from {{ source('crm', 'companies') }}

),

renamed as (

    select
        company_id,
        account_id,
        trim(name) as company_name,
        lower(trim(domain)) as company_domain,
        employee_count,
        lower(trim(industry)) as industry,
        upper(trim(country)) as country_code,
        updated_at
    from source

),

ruled as (

    select
        *,
        {{ record_key(['company_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by company_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                updated_at desc nulls last,
                account_id asc nulls last,
                employee_count asc nulls last,
                company_name asc nulls last,
                industry asc nulls last,
                country_code asc nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        company_id,
        account_id,
        company_name,
        company_domain,
        employee_count,
        industry,
        country_code,
        updated_at,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (company_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
