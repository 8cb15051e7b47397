with base as (

    select * from {{ ref('base_finance__headcount') }}

),

final as (

    select
        source_relation,
        headcount_id,
        month_start,
        department,
        fte
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
