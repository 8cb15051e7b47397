{#-
    Sales assist experiment (METRICS.md "Playbook outputs"): accounts mature for var sales_assist_window_days (90)
    with employee_count >= var sales_assist_min_employees, feature adoption in their first
    var feature_adoption_window_days days >= var sales_assist_min_feature_adoption_rate, and no conversion before
    signup + var sales_assist_from_day days. Groups (int_touches_attributed.assist_group): `sales_demo` = a sales_rep
    demo in [day from_day, day window); `automation_only` = automation touches and no sales_rep touch in that range.
    conversion_rate_90d = converted within the window / accounts. Always 2 rows.
-#}
{%- set window_days = positive_int_var('sales_assist_window_days') %}
{%- set from_day = positive_int_var('sales_assist_from_day') %}
{%- set min_employees = non_negative_var('sales_assist_min_employees') %}
{%- set min_adoption = rate_var('sales_assist_min_feature_adoption_rate') %}

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

conversions as (

    select
        account_id,
        converted_at
    from {{ ref('int_accounts_converted') }}

),

engagement as (

    select
        account_id,
        feature_adoption_30d
    from {{ ref('int_engagement_scored') }}

),

segments as (

    select
        account_id,
        employee_count
    from {{ ref('int_accounts_segmented') }}

),

touches as (

    select
        account_id,
        assist_group
    from {{ ref('int_touches_attributed') }}

),

groups as (

    select
        'sales_demo' as assist_group,
        1 as group_order
    union all
    select
        'automation_only' as assist_group,
        2 as group_order

),

eligible as (

    select
        touches.assist_group,
        {{ is_within_days('conversions.converted_at', 'accounts.signup_at', window_days) }} as is_converted
    from accounts
    cross join clock
    inner join engagement
        on accounts.account_id = engagement.account_id
    inner join segments
        on accounts.account_id = segments.account_id
    inner join touches
        on accounts.account_id = touches.account_id
    left join conversions
        on accounts.account_id = conversions.account_id
    where
        {{ is_mature_for('accounts.signup_at', window_days, 'clock.as_of_end_at') }}
        and segments.employee_count >= {{ min_employees }}
        and engagement.feature_adoption_30d >= {{ min_adoption }}
        and (
            conversions.converted_at is null
            or conversions.converted_at >= {{ dbt.dateadd('day', from_day, 'accounts.signup_at') }}
        )
        and touches.assist_group is not null

),

aggregated as (

    select
        assist_group,
        count(*) as accounts,
        sum(case when is_converted then 1 else 0 end) as conversions
    from eligible
    group by assist_group

),

final as (

    select
        cast(groups.assist_group as {{ dbt.type_string() }}) as assist_group,
        cast(coalesce(aggregated.accounts, 0) as bigint) as accounts,
        cast(
            {{ safe_rate('aggregated.conversions', 'aggregated.accounts') }} as {{ plg_type_double() }}
        ) as conversion_rate_90d,
        cast(coalesce(aggregated.conversions, 0) as bigint) as conversions,
        cast(groups.group_order as integer) as group_order
    from groups
    left join aggregated
        on groups.assist_group = aggregated.assist_group

)

select * from final
