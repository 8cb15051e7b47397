{#-
    Conversion by segment (METRICS.md "Segments"): for each dimension (firmographic_segment, icp_tier,
    signup_channel, free_model) and segment value:
    accounts = the `overall` row's denominator for W = var segment_window_days (mature, trial or freemium active
    within W) inside the segment; conversion_rate_60d = converted within W / accounts;
    acv_usd = mean ACV (first MRR x 12) over the segment's accounts converted within W (null when none has an MRR);
    expected_new_arr_usd = accounts x rate x ACV.
    priority (documented rule): compare the segment's expected_new_arr_usd with the mean expected_new_arr_usd of
    the segments of its dimension: 'high' when >= var segment_priority_high_ratio (default 1.5) x that mean,
    'low' when < var segment_priority_low_ratio (default 0.5) x that mean or when it is null/0, 'medium' between.
-#}
{%- set window_days = positive_int_var('segment_window_days') %}
{%- set high_ratio = non_negative_var('segment_priority_high_ratio') %}
{%- set low_ratio = non_negative_var('segment_priority_low_ratio') %}

with

windowed as (

    select
        account_id,
        is_converted
    from {{ ref('int_accounts_windowed') }}
    where window_days = {{ window_days }} and is_in_plc_denominator

),

accounts as (

    select
        account_id,
        free_model,
        signup_channel,
        firmographic_segment,
        icp_tier
    from {{ ref('dim_accounts') }}

),

first_mrr as (

    select
        account_id,
        first_mrr_usd
    from {{ ref('int_conversions_valued') }}

),

base as (

    select
        windowed.account_id,
        windowed.is_converted,
        case when windowed.is_converted then first_mrr.first_mrr_usd * 12 end as acv_usd,
        accounts.firmographic_segment,
        accounts.icp_tier,
        coalesce(accounts.signup_channel, 'unknown') as signup_channel,
        accounts.free_model
    from windowed
    inner join accounts
        on windowed.account_id = accounts.account_id
    left join first_mrr
        on windowed.account_id = first_mrr.account_id

),

unpivoted as (

    select
        'firmographic_segment' as dimension,
        firmographic_segment as segment,
        is_converted,
        acv_usd
    from base
    union all
    select
        'icp_tier' as dimension,
        icp_tier as segment,
        is_converted,
        acv_usd
    from base
    union all
    select
        'signup_channel' as dimension,
        signup_channel as segment,
        is_converted,
        acv_usd
    from base
    union all
    select
        'free_model' as dimension,
        free_model as segment,
        is_converted,
        acv_usd
    from base

),

aggregated as (

    select
        dimension,
        segment,
        count(*) as accounts,
        sum(case when is_converted then 1 else 0 end) as conversions,
        avg(acv_usd) as acv_usd
    from unpivoted
    group by dimension, segment

),

valued as (

    select
        dimension,
        segment,
        accounts,
        conversions,
        {{ safe_rate('conversions', 'accounts') }} as conversion_rate_60d,
        acv_usd,
        accounts * {{ safe_rate('conversions', 'accounts') }} * acv_usd as expected_new_arr_usd
    from aggregated

),

dimension_means as (

    select
        dimension,
        avg(coalesce(expected_new_arr_usd, 0)) as mean_expected_new_arr_usd
    from valued
    group by dimension

),

final as (

    select
        cast(valued.dimension as {{ dbt.type_string() }}) as dimension,
        cast(valued.segment as {{ dbt.type_string() }}) as segment,
        cast(valued.accounts as bigint) as accounts,
        cast(valued.conversion_rate_60d as {{ plg_type_double() }}) as conversion_rate_60d,
        cast(valued.acv_usd as {{ plg_type_double() }}) as acv_usd,
        cast(valued.expected_new_arr_usd as {{ plg_type_double() }}) as expected_new_arr_usd,
        cast(case
            when coalesce(valued.expected_new_arr_usd, 0) <= 0 then 'low'
            when valued.expected_new_arr_usd >= {{ high_ratio }} * dimension_means.mean_expected_new_arr_usd then 'high'
            when valued.expected_new_arr_usd < {{ low_ratio }} * dimension_means.mean_expected_new_arr_usd then 'low'
            else 'medium'
        end as {{ dbt.type_string() }}) as priority,
        cast(valued.conversions as bigint) as conversions
    from valued
    inner join dimension_means
        on valued.dimension = dimension_means.dimension

)

select * from final
