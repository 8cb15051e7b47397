{#-
    No future data: no account signed up, conversion, activation or first-session event at or after
    the end of the as-of day.
-#}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

conversions as (

    select
        account_id,
        signup_at,
        converted_at
    from {{ ref('fct_conversions') }}

),

activation as (

    select
        account_id,
        activated_at,
        first_session_ended_at
    from {{ ref('fct_activation') }}

)

select
    conversions.account_id,
    'signup or conversion after as-of' as problem
from conversions
cross join clock
where conversions.signup_at >= clock.as_of_end_at or conversions.converted_at >= clock.as_of_end_at
union all
select
    activation.account_id,
    'activation or session after as-of' as problem
from activation
cross join clock
where activation.activated_at >= clock.as_of_end_at or activation.first_session_ended_at >= clock.as_of_end_at
