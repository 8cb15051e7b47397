with base as (

    select * from {{ ref('base_crm__activities') }}

),

final as (

    select
        source_relation,
        activity_id,
        company_id,
        activity_type,
        owner_type,
        occurred_at
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
