with base as (

    select * from {{ ref('base_crm__companies') }}

),

final as (

    select
        source_relation,
        company_id,
        account_id,
        company_name,
        company_domain,
        employee_count,
        industry,
        country_code,
        updated_at
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
