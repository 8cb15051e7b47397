{#- is_activated_14d is null while the window is open (right-censored), never false. -#}
{%- set window_days = positive_int_var('activation_window_days') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

activation as (

    select
        account_id,
        signup_at,
        activated_at,
        milestones_reached
    from {{ ref('int_activation_milestones_reached') }}

),

first_sessions as (

    select
        account_id,
        first_session_started_at,
        first_session_ended_at
    from {{ ref('int_first_sessions_sessionized') }}

),

final as (

    select
        cast(activation.account_id as {{ dbt.type_string() }}) as account_id,
        cast(activation.activated_at as {{ dbt.type_timestamp() }}) as activated_at,
        cast(
            {{ seconds_between('activation.signup_at', 'activation.activated_at') }} / 3600.0
            as {{ plg_type_double() }}
        ) as activation_hours,
        case
            when {{ is_within_days('activation.activated_at', 'activation.signup_at', window_days) }} then true
            when {{ dbt.dateadd('day', window_days, 'activation.signup_at') }} <= clock.as_of_end_at then false
        end as is_activated_14d,
        coalesce(activation.activated_at <= first_sessions.first_session_ended_at, false) as activated_in_first_session,
        cast(activation.milestones_reached as integer) as milestones_reached,
        cast(first_sessions.first_session_ended_at as {{ dbt.type_timestamp() }}) as first_session_ended_at,
        cast(activation.signup_at as {{ dbt.type_timestamp() }}) as signup_at
    from activation
    cross join clock
    left join first_sessions
        on activation.account_id = first_sessions.account_id

)

select * from final
