{#- Always 3 rows (an empty band keeps its row with a null rate). -#}
{%- set window_days = positive_int_var('segment_window_days') %}

with

windowed as (

    select
        account_id,
        is_converted
    from {{ ref('int_accounts_windowed') }}
    where window_days = {{ window_days }} and is_in_plc_denominator

),

teammates as (

    select
        account_id,
        teammates_band
    from {{ ref('int_teammates_counted') }}

),

bands as (

    select
        '0' as teammates_band,
        1 as band_order
    union all
    select
        '1-2' as teammates_band,
        2 as band_order
    union all
    select
        '3+' as teammates_band,
        3 as band_order

),

aggregated as (

    select
        teammates.teammates_band,
        count(*) as accounts,
        sum(case when windowed.is_converted then 1 else 0 end) as conversions
    from windowed
    inner join teammates
        on windowed.account_id = teammates.account_id
    group by teammates.teammates_band

),

final as (

    select
        cast(bands.teammates_band as {{ dbt.type_string() }}) as teammates_band,
        cast(coalesce(aggregated.accounts, 0) as bigint) as accounts,
        cast(
            {{ safe_rate('aggregated.conversions', 'aggregated.accounts') }} as {{ plg_type_double() }}
        ) as conversion_rate_60d,
        cast(coalesce(aggregated.conversions, 0) as bigint) as conversions,
        cast(bands.band_order as integer) as band_order
    from bands
    left join aggregated
        on bands.teammates_band = aggregated.teammates_band

)

select * from final
