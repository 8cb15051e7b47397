{#- The workspace's company, resolved once: segments and touches both need it, and neither should wait on
    the other. As-of independent (the CRM companies carry no as-of filter). -#}
with

companies as (

    select
        company_id,
        account_id,
        employee_count,
        industry,
        country_code,
        updated_at
    from {{ optional_ref('stg_crm__companies') }}
    where account_id is not null

),

ranked_companies as (

    select
        company_id,
        account_id,
        employee_count,
        industry,
        country_code,
        row_number() over (
            partition by account_id
            order by updated_at desc, company_id desc
        ) as company_rank
    from companies

),

final as (

    select
        account_id,
        company_id,
        employee_count,
        industry,
        country_code
    from ranked_companies
    where company_rank = 1

)

select * from final
