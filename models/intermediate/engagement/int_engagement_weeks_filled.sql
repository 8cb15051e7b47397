{#- Account x week since signup, zero-filled up to the week holding the as-of end (a week without activity is a
    row: a retention curve needs its zeros), from the weeks with activity of int_engagement_weekly (incremental:
    the clock's move changes every account's last week, so the grid is rebuilt here, from the spine). -#}

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

active_weeks as (

    select
        account_id,
        week_number,
        active_days,
        core_features_used,
        active_users
    from {{ ref('int_engagement_weekly') }}

),

core_feature_total as (

    select {{ core_features_total() }} as core_features_total

),

account_ages as (

    select
        accounts.account_id,
        accounts.signup_at,
        cast(floor({{ day_number_since('accounts.signup_at', 'clock.as_of_end_at') }} / 7.0) as {{ dbt.type_int() }})
            as last_week_number
    from accounts
    cross join clock

),

week_series as (

    {{ dbt.generate_series(2000) }}

),

weeks as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as week_number
    from week_series
    where generated_number - 1 <= (select max(account_ages.last_week_number) from account_ages)

),

account_weeks as (

    select
        account_ages.account_id,
        account_ages.signup_at,
        weeks.week_number
    from account_ages
    inner join weeks
        on account_ages.last_week_number >= weeks.week_number

),

combined as (

    select
        account_weeks.account_id,
        account_weeks.week_number,
        cast(
            {{ dbt.dateadd('day', '7 * account_weeks.week_number', 'account_weeks.signup_at') }} as date
        ) as week_start,
        {{ dbt.dateadd('day', '7 * (account_weeks.week_number + 1)', 'account_weeks.signup_at') }} <= clock.as_of_end_at
            as is_complete_week,
        coalesce(active_weeks.active_days, 0) as active_days,
        coalesce(active_weeks.core_features_used, 0) as core_features_used,
        coalesce(active_weeks.active_users, 0) as active_users,
        core_feature_total.core_features_total
    from account_weeks
    cross join clock
    cross join core_feature_total
    left join active_weeks
        on
            account_weeks.account_id = active_weeks.account_id
            and account_weeks.week_number = active_weeks.week_number

),

final as (

    select
        account_id,
        week_number,
        week_start,
        is_complete_week,
        active_days,
        core_features_used,
        active_users,
        {{ pes_score('core_features_used', 'core_features_total', 'active_days', 7, 'active_users') }} as pes
    from combined

)

select * from final
