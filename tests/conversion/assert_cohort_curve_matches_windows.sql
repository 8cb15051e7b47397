{#-
    Independent cross-check: at day offset W - 1 the month cohort curve must equal, per signup month, the accounts
    mature for W and those converted within W days in int_accounts_windowed (for every window W <= max offset + 1).
-#}
{%- set max_offset = var('cohort_max_day_offset') | int %}
{%- set windows = all_conversion_windows() | select('le', max_offset + 1) | list %}

{% if windows | length == 0 %}
select 1 as nothing where 1 = 0
{% else %}
with

curves as (

    select
        cohort_start,
        day_offset + 1 as window_days,
        accounts_at_risk,
        conversions
    from {{ ref('fct_cohort_conversion') }}
    where cohort_grain = 'month' and day_offset + 1 in ({{ windows | join(', ') }})

),

accounts as (

    select
        account_id,
        signup_cohort_month
    from {{ ref('int_accounts_scoped') }}

),

windowed as (

    select
        accounts.signup_cohort_month as cohort_start,
        int_accounts_windowed.window_days,
        count(*) as mature_accounts,
        sum(case when int_accounts_windowed.is_converted then 1 else 0 end) as converted_accounts
    from {{ ref('int_accounts_windowed') }} as int_accounts_windowed
    inner join accounts
        on int_accounts_windowed.account_id = accounts.account_id
    where int_accounts_windowed.is_mature and int_accounts_windowed.window_days in ({{ windows | join(', ') }})
    group by accounts.signup_cohort_month, int_accounts_windowed.window_days

)

select
    coalesce(curves.cohort_start, windowed.cohort_start) as cohort_start,
    coalesce(curves.window_days, windowed.window_days) as window_days,
    curves.accounts_at_risk,
    windowed.mature_accounts,
    curves.conversions,
    windowed.converted_accounts
from curves
full outer join windowed
    on curves.cohort_start = windowed.cohort_start and curves.window_days = windowed.window_days
where
    curves.accounts_at_risk is null
    or windowed.mature_accounts is null
    or curves.accounts_at_risk <> windowed.mature_accounts
    or curves.conversions <> windowed.converted_accounts
{% endif %}
