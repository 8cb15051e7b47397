{#- A typed, contracted copy of int_engagement_weeks_filled. -#}

with

weekly as (

    select
        account_id,
        week_number,
        week_start,
        is_complete_week,
        active_days,
        core_features_used,
        active_users,
        pes
    from {{ ref('int_engagement_weeks_filled') }}

),

final as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(week_number as integer) as week_number,
        cast(week_start as date) as week_start,
        cast(active_days as integer) as active_days,
        cast(core_features_used as integer) as core_features_used,
        cast(active_users as integer) as active_users,
        cast(pes as {{ plg_type_double() }}) as pes,
        is_complete_week
    from weekly

)

select * from final
