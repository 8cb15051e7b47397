with base as (

    select * from {{ ref('base_finance__headcount') }}

),

final as (

    select
        headcount_id,
        month_start,
        department,
        fte
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
