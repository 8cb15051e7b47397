{#-
    The project's clock: one row with the as-of date every window, maturity and
    "not yet converted" is judged against (METRICS.md, Clock).
    var as_of_date (YYYY-MM-DD) or, when null, the latest received_at date of the staged events.
    as_of_end_at is the exclusive upper bound: the end of the as-of day.
-#}
{%- set as_of = var('as_of_date') -%}
{%- if as_of is not none and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of | string) -%}
    {{ exceptions.raise_compiler_error("var as_of_date must be a date written YYYY-MM-DD (or null for the latest received event), got '" ~ as_of ~ "'. Fix: dbt build --vars '{as_of_date: \"2026-06-30\"}'") }}
{%- endif %}

with

{% if as_of is none -%}
events as (

    select received_at from {{ ref('stg_product__events') }}

),

latest as (

    select cast(max(received_at) as date) as as_of_date
    from events

),
{%- else -%}
latest as (

    select cast('{{ as_of }}' as date) as as_of_date

),
{%- endif %}

final as (

    select
        as_of_date,
        {{ dbt.dateadd('day', 1, 'cast(as_of_date as ' ~ dbt.type_timestamp() ~ ')') }} as as_of_end_at
    from latest

)

select * from final
