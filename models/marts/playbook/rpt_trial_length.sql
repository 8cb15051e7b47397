{#-
    Trial conversion (trial + grace) by trial length x firmographic segment (METRICS.md "Trial conversion rate"):
    trials = trial accounts whose trial_end + var trial_grace_days has passed by as_of_end_at;
    trial_conversion_rate = those converted before trial_end + grace / trials.
-#}
{%- set grace_days = non_negative_int_var('trial_grace_days') %}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        free_model,
        trial_end_at,
        trial_length_days,
        converted_at
    from {{ ref('int_accounts_pathed') }}
    where free_model = 'trial'

),

segments as (

    select
        account_id,
        firmographic_segment
    from {{ ref('int_accounts_segmented') }}

),

matured as (

    select
        accounts.account_id,
        accounts.trial_length_days,
        segments.firmographic_segment,
        case
            when accounts.converted_at < {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }} then 1 else 0
        end as is_converted
    from accounts
    cross join clock
    left join segments
        on accounts.account_id = segments.account_id
    where {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }} <= clock.as_of_end_at

),

final as (

    select
        cast(trial_length_days as integer) as trial_length_days,
        cast(firmographic_segment as {{ dbt.type_string() }}) as firmographic_segment,
        cast(count(*) as bigint) as trials,
        cast({{ safe_rate('sum(is_converted)', 'count(*)') }} as {{ plg_type_double() }}) as trial_conversion_rate,
        cast(sum(is_converted) as bigint) as conversions
    from matured
    group by trial_length_days, firmographic_segment

)

select * from final
