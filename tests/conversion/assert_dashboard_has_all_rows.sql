{#-
    rpt_conversion_dashboard has exactly 5 segment rows x each window of var conversion_windows
    (15 by default), each once.
-#}
{%- set windows = conversion_windows() %}

with

dashboard as (

    select
        segment_row,
        window_days
    from {{ ref('rpt_conversion_dashboard') }}

),

expected as (

    {% for w in windows -%}
    {%- set w_loop = loop -%}
    {% for s in ['overall', 'freemium', 'trial', 'high_engagement', 'low_engagement'] -%}
    select
        '{{ s }}' as segment_row,
        {{ w }} as window_days
    {% if not (loop.last and w_loop.last) %}union all
    {% endif %}
    {%- endfor %}
    {%- endfor %}

),

missing as (

    select
        expected.segment_row,
        expected.window_days,
        'missing' as problem
    from expected
    left join dashboard
        on expected.segment_row = dashboard.segment_row and expected.window_days = dashboard.window_days
    where dashboard.segment_row is null

),

unexpected as (

    select
        dashboard.segment_row,
        dashboard.window_days,
        'unexpected or duplicated' as problem
    from dashboard
    left join expected
        on dashboard.segment_row = expected.segment_row and dashboard.window_days = expected.window_days
    where expected.segment_row is null

),

row_count as (

    select
        cast(null as {{ dbt.type_string() }}) as segment_row,
        cast(null as integer) as window_days,
        'row count' as problem
    from dashboard
    having count(*) <> {{ windows | length * 5 }}

)

select * from missing
union all
select * from unexpected
union all
select * from row_count
