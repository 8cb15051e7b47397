{#-
    Touch facts only (no conversion parent): the earliest sales_rep touch after signup, from which
    conversion_attribution() decides the attribution where the conversion is known, and the sales-assist group.
-#}
{%- set from_day = positive_int_var('sales_assist_from_day') %}
{%- set to_day = positive_int_var('sales_assist_window_days') %}

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

account_companies as (

    select
        account_id,
        company_id
    from {{ ref('int_account_companies_matched') }}

),

activities as (

    select
        activity_id,
        company_id,
        activity_type,
        owner_type,
        occurred_at
    from {{ optional_ref('stg_crm__activities') }}

),

account_touches as (

    select
        accounts.account_id,
        accounts.signup_at,
        activities.activity_type,
        activities.owner_type,
        activities.occurred_at
    from accounts
    inner join account_companies
        on accounts.account_id = account_companies.account_id
    inner join activities
        on account_companies.company_id = activities.company_id
    cross join clock
    where
        activities.occurred_at < clock.as_of_end_at
        and activities.occurred_at >= accounts.signup_at

),

flagged as (

    select
        account_id,
        sum(case when owner_type = 'sales_rep' then 1 else 0 end) as sales_rep_touches,
        sum(case when owner_type = 'automation' then 1 else 0 end) as automation_touches,
        min(case when owner_type = 'sales_rep' then occurred_at end) as first_sales_touch_at,
        max(case
            when
                owner_type = 'sales_rep' and activity_type = 'demo'
                and occurred_at >= {{ dbt.dateadd('day', from_day, 'signup_at') }}
                and occurred_at < {{ dbt.dateadd('day', to_day, 'signup_at') }}
                then 1
            else 0
        end) as sales_demo_in_assist_window,
        max(case
            when
                owner_type = 'sales_rep'
                and occurred_at >= {{ dbt.dateadd('day', from_day, 'signup_at') }}
                and occurred_at < {{ dbt.dateadd('day', to_day, 'signup_at') }}
                then 1
            else 0
        end) as sales_touch_in_assist_window,
        max(case
            when
                owner_type = 'automation'
                and occurred_at >= {{ dbt.dateadd('day', from_day, 'signup_at') }}
                and occurred_at < {{ dbt.dateadd('day', to_day, 'signup_at') }}
                then 1
            else 0
        end) as automation_touch_in_assist_window
    from account_touches
    group by account_id

),

final as (

    select
        accounts.account_id,
        coalesce(flagged.sales_rep_touches, 0) as sales_rep_touches,
        coalesce(flagged.automation_touches, 0) as automation_touches,
        flagged.first_sales_touch_at,
        case
            when coalesce(flagged.sales_demo_in_assist_window, 0) = 1 then 'sales_demo'
            when
                coalesce(flagged.automation_touch_in_assist_window, 0) = 1
                and coalesce(flagged.sales_touch_in_assist_window, 0) = 0
                then 'automation_only'
        end as assist_group
    from accounts
    left join flagged
        on accounts.account_id = flagged.account_id

)

select * from final
