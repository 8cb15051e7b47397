{#- Trials mature only once trial_end + grace has passed (a younger trial is left out, not counted as lost). -#}
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
        firmographic_segment
    from {{ ref('dim_accounts') }}
    where free_model = 'trial'

),

conversions as (

    select
        account_id,
        converted_at
    from {{ ref('int_accounts_converted') }}

),

matured as (

    select
        accounts.account_id,
        accounts.trial_length_days,
        accounts.firmographic_segment,
        case
            when conversions.converted_at < {{ dbt.dateadd('day', grace_days, 'accounts.trial_end_at') }} then 1 else 0
        end as is_converted
    from accounts
    cross join clock
    left join conversions
        on accounts.account_id = conversions.account_id
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
