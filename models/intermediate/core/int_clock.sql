{#-
    The project's clock: one row with the as-of date every window, maturity and
    "not yet converted" is judged against (METRICS.md, Clock).
    var as_of_date (a real date, YYYY-MM-DD) or, when null, the latest received_at date of the staged events.
    as_of_end_at is the exclusive upper bound: the end of the as-of day.
-#}
{#- validated at run start (validate_project_config); as_of_date_var() renders it as a date literal -#}
{%- set as_of = as_of_date_var() %}

with

{% if as_of is none -%}
{#- the verdicts, not stg_product__events (a filter on them): one edge less from the landing to every mart -#}
events as (

    select received_at
    from {{ ref('base_product__event_verdicts') }}
    where quarantine_rule is null

),

latest as (

    select cast(max(received_at) as date) as as_of_date
    from events

),
{%- else -%}
latest as (

    select cast({{ as_of }} as date) as as_of_date

),
{%- endif %}

final as (

    select
        as_of_date,
        {{ dbt.dateadd('day', 1, 'cast(as_of_date as ' ~ dbt.type_timestamp() ~ ')') }} as as_of_end_at
    from latest

)

select * from final
