with catalogue as (

    select * from {{ ref('event_catalogue') }}

),

final as (

    select
        nullif(lower(trim(event_name)), '') as event_name,
        coalesce(feature_name, nullif(lower(trim(event_name)), '')) as feature_name,
        coalesce(is_core, false) as is_core
    from catalogue

)

select * from final
