{#-
    The product-led conversion dashboard (METRICS.md "Product-led conversion rate"): 5 segment rows x each
    window of var conversion_windows (15 rows by default, always all present). Over accounts mature for W:
    overall = trial + freemium active within W; freemium = freemium active within W; trial = trial accounts;
    high_engagement / low_engagement = tier high / low accounts of the overall denominator.
    Numerators count only accounts of their denominator. Rates are null when the denominator is 0;
    sales_assisted_share = sales-assisted conversions / conversions (null when 0 conversions).
    benchmark_status from the seed conversion_benchmarks (inclusive bounds): below / within / above.
    Sort by sort_order (window, then segment_order).
-#}
{%- set windows = conversion_windows() %}
{%- set segment_rows = ['overall', 'freemium', 'trial', 'high_engagement', 'low_engagement'] %}

with

windowed as (

    select
        account_id,
        window_days,
        free_model,
        engagement_tier,
        is_mature,
        is_active,
        is_converted,
        is_in_plc_denominator,
        is_self_serve_conversion,
        is_sales_assisted_conversion
    from {{ ref('int_accounts_windowed') }}
    where window_days in ({{ windows | join(', ') }})

),

benchmarks as (

    select
        segment_row,
        benchmark_low_rate,
        benchmark_high_rate
    from {{ ref('conversion_benchmarks') }}

),

spine as (

    {% for w in windows -%}
    {%- set w_loop = loop -%}
    {% for s in segment_rows -%}
    select
        '{{ s }}' as segment_row,
        {{ w }} as window_days,
        {{ loop.index }} as segment_order,
        {{ (w_loop.index - 1) * (segment_rows | length) + loop.index }} as sort_order
    {% if not (loop.last and w_loop.last) %}union all
    {% endif %}
    {%- endfor %}
    {%- endfor %}

),

memberships as (

    select
        account_id,
        window_days,
        'overall' as segment_row,
        is_converted,
        is_self_serve_conversion,
        is_sales_assisted_conversion
    from windowed
    where is_in_plc_denominator

    union all

    select
        account_id,
        window_days,
        'freemium' as segment_row,
        is_converted,
        is_self_serve_conversion,
        is_sales_assisted_conversion
    from windowed
    where is_in_plc_denominator and free_model = 'freemium'

    union all

    select
        account_id,
        window_days,
        'trial' as segment_row,
        is_converted,
        is_self_serve_conversion,
        is_sales_assisted_conversion
    from windowed
    where is_in_plc_denominator and free_model = 'trial'

    union all

    select
        account_id,
        window_days,
        'high_engagement' as segment_row,
        is_converted,
        is_self_serve_conversion,
        is_sales_assisted_conversion
    from windowed
    where is_in_plc_denominator and engagement_tier = 'high'

    union all

    select
        account_id,
        window_days,
        'low_engagement' as segment_row,
        is_converted,
        is_self_serve_conversion,
        is_sales_assisted_conversion
    from windowed
    where is_in_plc_denominator and engagement_tier = 'low'

),

aggregated as (

    select
        segment_row,
        window_days,
        count(*) as accounts,
        sum(case when is_converted then 1 else 0 end) as conversions,
        sum(case when is_self_serve_conversion then 1 else 0 end) as self_serve_conversions,
        sum(case when is_sales_assisted_conversion then 1 else 0 end) as sales_assisted_conversions
    from memberships
    group by segment_row, window_days

),

rated as (

    select
        spine.segment_row,
        spine.window_days,
        spine.segment_order,
        spine.sort_order,
        coalesce(aggregated.accounts, 0) as accounts,
        coalesce(aggregated.conversions, 0) as conversions,
        {{ safe_rate('aggregated.conversions', 'aggregated.accounts') }} as conversion_rate,
        {{ safe_rate('aggregated.self_serve_conversions', 'aggregated.accounts') }} as self_serve_conversion_rate,
        {{ safe_rate('aggregated.sales_assisted_conversions', 'aggregated.conversions') }} as sales_assisted_share,
        benchmarks.benchmark_low_rate,
        benchmarks.benchmark_high_rate
    from spine
    left join aggregated
        on
            spine.segment_row = aggregated.segment_row
            and spine.window_days = aggregated.window_days
    left join benchmarks
        on spine.segment_row = benchmarks.segment_row

),

final as (

    select
        cast(segment_row as {{ dbt.type_string() }}) as segment_row,
        cast(window_days as integer) as window_days,
        cast(accounts as bigint) as accounts,
        cast(conversions as bigint) as conversions,
        cast(conversion_rate as {{ plg_type_double() }}) as conversion_rate,
        cast(self_serve_conversion_rate as {{ plg_type_double() }}) as self_serve_conversion_rate,
        cast(sales_assisted_share as {{ plg_type_double() }}) as sales_assisted_share,
        cast(benchmark_low_rate as {{ plg_type_double() }}) as benchmark_low_rate,
        cast(benchmark_high_rate as {{ plg_type_double() }}) as benchmark_high_rate,
        cast(case
            when conversion_rate is null or benchmark_low_rate is null or benchmark_high_rate is null then null
            when conversion_rate < benchmark_low_rate then 'below'
            when conversion_rate > benchmark_high_rate then 'above'
            else 'within'
        end as {{ dbt.type_string() }}) as benchmark_status,
        cast(segment_order as integer) as segment_order,
        cast(sort_order as integer) as sort_order
    from rated

)

select * from final
