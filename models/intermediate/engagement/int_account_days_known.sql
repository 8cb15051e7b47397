{{ config(materialized='view') }}
{#-
    The clock applied once to the core-event aggregate, for the engagement, weekly and activation models:
    a feature-day (account x day x feature) or a user-day (account x day x user) counts when its earliest
    first_known_at is before the as-of end. Rolled up per key before filtering, so a key's first/last
    occurred_at cover all its events (as they did when each key had its own aggregate).
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

activity as (

    select
        account_id,
        day_number,
        feature_name,
        user_id,
        first_occurred_at,
        last_occurred_at,
        first_known_at
    from {{ ref('int_account_days_aggregated') }}

),

feature_days as (

    select
        account_id,
        day_number,
        feature_name,
        min(first_occurred_at) as first_occurred_at,
        max(last_occurred_at) as last_occurred_at,
        min(first_known_at) as first_known_at
    from activity
    group by account_id, day_number, feature_name

),

user_days as (

    select
        account_id,
        day_number,
        user_id,
        min(first_known_at) as first_known_at
    from activity
    where user_id is not null
    group by account_id, day_number, user_id

),

final as (

    select
        feature_days.account_id,
        feature_days.day_number,
        'feature' as key_type,
        feature_days.feature_name,
        cast(null as {{ dbt.type_string() }}) as user_id,
        feature_days.first_occurred_at,
        feature_days.last_occurred_at
    from feature_days
    cross join clock
    where feature_days.first_known_at < clock.as_of_end_at

    union all

    select
        user_days.account_id,
        user_days.day_number,
        'user' as key_type,
        cast(null as {{ dbt.type_string() }}) as feature_name,
        user_days.user_id,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
    from user_days
    cross join clock
    where user_days.first_known_at < clock.as_of_end_at

)

select * from final
