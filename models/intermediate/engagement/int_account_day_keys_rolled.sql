{#-
    The feature-days and user-days of int_account_days_aggregated, rolled up once and kept, before the clock
    (each reader keeps the keys with first_known_at before the as-of end). A view rolled them up again for each
    of its four readers, and over every account, since a reader's account filter does not reach below a
    GROUP BY of a view on DuckDB (issue 13: the engagement models' incremental cost at 100M events).

    Incremental (delete+insert on account x day, as int_account_days_aggregated): an account-day is rolled up
    again, from all its rows, when one of its rows was received from max(last_received_at) of this table
    - var lookback_days on, the bound under which int_account_days_aggregated rewrote it in this run.
-#}
{{ config(
    materialized='incremental',
    unique_key=['account_id', 'day_number'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

{% if is_incremental() %}
previous_build as (

    select
        {{ dbt.dateadd('day', -1 * non_negative_int_var('lookback_days'), 'max(last_received_at)') }}
            as rescan_from_at
    from {{ this }}

),

touched_days as (

    select distinct
        touched.account_id,
        touched.day_number
    from {{ ref('int_account_days_aggregated') }} as touched
    cross join previous_build
    where
        previous_build.rescan_from_at is null
        or touched.last_received_at >= previous_build.rescan_from_at

),
{% endif %}

{#- an incremental run rolls up the touched account-days only, each from all its rows #}
activity as (

    select
        aggregated.account_id,
        aggregated.day_number,
        aggregated.feature_name,
        aggregated.user_id,
        aggregated.first_occurred_at,
        aggregated.last_occurred_at,
        aggregated.first_known_at,
        aggregated.last_received_at
    from {{ ref('int_account_days_aggregated') }} as aggregated
    {% if is_incremental() -%}
    inner join touched_days
        on
            aggregated.account_id = touched_days.account_id
            and aggregated.day_number = touched_days.day_number
    {%- endif %}

),

feature_days as (

    select
        account_id,
        day_number,
        feature_name,
        min(first_occurred_at) as first_occurred_at,
        max(last_occurred_at) as last_occurred_at,
        min(first_known_at) as first_known_at,
        max(last_received_at) as last_received_at
    from activity
    group by account_id, day_number, feature_name

),

user_days as (

    select
        account_id,
        day_number,
        user_id,
        min(first_known_at) as first_known_at,
        max(last_received_at) as last_received_at
    from activity
    where user_id is not null
    group by account_id, day_number, user_id

),

final as (

    select
        account_id,
        day_number,
        'feature' as key_type,
        feature_name,
        cast(null as {{ dbt.type_string() }}) as user_id,
        first_occurred_at,
        last_occurred_at,
        first_known_at,
        last_received_at
    from feature_days

    union all

    select
        account_id,
        day_number,
        'user' as key_type,
        cast(null as {{ dbt.type_string() }}) as feature_name,
        user_id,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at,
        first_known_at,
        last_received_at
    from user_days

)

select * from final
