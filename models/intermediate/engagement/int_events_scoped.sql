{{ config(materialized='view') }}
{#-
    Events of non-internal accounts inside the clock: occurred at/after the account's signup, occurred and
    received before the end of the as-of day. Event grain: a view, read only by the compact aggregates
    (int_account_days_aggregated) and the first-session model.
    is_core / feature_name from the seed event_catalogue (unknown events: not core).
-#}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at
    from {{ ref('int_accounts_scoped') }}

),

events as (

    select
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at
    from {{ ref('stg_product__events') }}

),

catalogue as (

    select
        event_name,
        feature_name,
        is_core
    from {{ ref('stg_product__event_catalogue') }}

),

scoped as (

    select
        events.event_id,
        events.account_id,
        events.user_id,
        events.event_name,
        events.occurred_at,
        accounts.signup_at
    from events
    inner join accounts
        on events.account_id = accounts.account_id
    cross join clock
    where
        events.occurred_at >= accounts.signup_at
        and events.occurred_at < clock.as_of_end_at
        and events.received_at < clock.as_of_end_at

),

final as (

    select
        scoped.event_id,
        scoped.account_id,
        scoped.user_id,
        scoped.event_name,
        scoped.occurred_at,
        scoped.signup_at,
        {{ day_number_since('scoped.signup_at', 'scoped.occurred_at') }} as day_number,
        coalesce(catalogue.is_core, false) as is_core,
        case when catalogue.is_core then coalesce(catalogue.feature_name, scoped.event_name) end as feature_name
    from scoped
    left join catalogue
        on scoped.event_name = catalogue.event_name

)

select * from final
