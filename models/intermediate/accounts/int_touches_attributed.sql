{#-
    CRM touches of the account's company relative to its signup and conversion (METRICS.md "attribution",
    "sales assist"). Only activities before the end of the as-of day count.
    - attribution: converted accounts only; 'sales_assisted' when a sales_rep activity (any type) falls in
      [signup_at, converted_at] (both inclusive), else 'self_serve'. Automation touches never count.
    - sales-assist window: [signup_at + sales_assist_from_day days, signup_at + sales_assist_window_days days).
      assist_group 'sales_demo' = a sales_rep demo in that window; 'automation_only' = at least one automation
      touch and no sales_rep touch of any type in that window; null otherwise.
-#}
{%- set from_day = positive_int_var('sales_assist_from_day') %}
{%- set to_day = positive_int_var('sales_assist_window_days') %}
{%- if execute and from_day >= to_day -%}
    {{ exceptions.raise_compiler_error("var sales_assist_from_day (" ~ from_day ~ ") must be smaller than sales_assist_window_days (" ~ to_day ~ ")") }}
{%- endif %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        converted_at
    from {{ ref('int_accounts_pathed') }}

),

account_companies as (

    select
        account_id,
        company_id
    from {{ ref('int_accounts_segmented') }}
    where company_id is not null

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
        accounts.converted_at,
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
        max(case
            when owner_type = 'sales_rep' and converted_at is not null and occurred_at <= converted_at then 1
            else 0
        end) as sales_touch_to_conversion,
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
        coalesce(flagged.sales_touch_to_conversion, 0) = 1 as has_sales_touch_to_conversion,
        case
            when accounts.converted_at is null then null
            {%- if not system_enabled('crm') %}
            when true then null  {#- no CRM (using_crm false): sales assistance cannot be known #}
            {%- endif %}
            when coalesce(flagged.sales_touch_to_conversion, 0) = 1 then 'sales_assisted'
            else 'self_serve'
        end as attribution,
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
