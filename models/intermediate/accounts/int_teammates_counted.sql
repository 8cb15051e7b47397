{#- Teammates are users, not events: read from staged users so an invited user who never acted still counts. -#}
{%- set window_days = positive_int_var('teammate_window_days') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        created_by_user_id
    from {{ ref('int_accounts_scoped') }}

),

users as (

    select
        user_id,
        account_id,
        created_at
    from {{ ref('stg_product__users') }}

),

teammates as (

    select
        accounts.account_id,
        count(distinct users.user_id) as teammates_7d
    from accounts
    inner join users
        on accounts.account_id = users.account_id
    cross join clock
    where
        users.user_id <> coalesce(accounts.created_by_user_id, '')
        and users.created_at >= accounts.signup_at
        and users.created_at < {{ dbt.dateadd('day', window_days, 'accounts.signup_at') }}
        and users.created_at < clock.as_of_end_at
    group by accounts.account_id

),

final as (

    select
        accounts.account_id,
        coalesce(teammates.teammates_7d, 0) as teammates_7d,
        case
            when coalesce(teammates.teammates_7d, 0) = 0 then '0'
            when teammates.teammates_7d <= 2 then '1-2'
            else '3+'
        end as teammates_band
    from accounts
    left join teammates
        on accounts.account_id = teammates.account_id

)

select * from final
