-- Independent check: each staged company is its latest landed version (max updated_at).
with staged as (

    select
        company_id,
        updated_at
    from {{ ref('stg_crm__companies') }}

),

latest as (

    select
        company_id,
        max(updated_at) as latest_updated_at
    from {{ source('crm', 'companies') }}
    where company_id is not null
    group by company_id

),

mismatches as (

    select
        staged.company_id,
        staged.updated_at,
        latest.latest_updated_at
    from staged
    inner join latest
        on staged.company_id = latest.company_id
    where staged.updated_at != latest.latest_updated_at

)

select * from mismatches
