{#- Headcount: natural key (month, department); headcount_id is its hash. -#}
{%- set rules = [
    ('null_month', 'month_start is null', 'month is null'),
    ('null_department', 'department is null', 'department is null'),
    ('null_fte', 'fte is null', 'fte is null'),
] %}

with source as (

    select * from {{ source('finance', 'headcount') }}

),

renamed as (

    select
        source.month as month_start,
        lower(trim(source.department)) as department,
        cast(source.fte as {{ dbt.type_numeric() }}) as fte
    from source

),

ruled as (

    select
        *,
        {{ record_key(['month_start', 'department']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_key
            order by
                case when quarantine_rule is null then 0 else 1 end,
                fte desc nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        {{ dbt.hash('record_key') }} as headcount_id,
        month_start,
        department,
        fte,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (record_key is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
