{#- Headcount: natural key (month, department); headcount_id is its hash. -#}
{%- set landed = source_columns('finance', 'headcount') %}
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
        cast(source.fte as {{ dbt.type_numeric() }}) as fte,
        {{ landed_version_hash(landed, 'source') }} as version_hash
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
        {{ dedupe_ranks(['record_key'],
            'fte desc nulls last') }}
    from ruled

),

final as (

    select
        {{ dbt.hash('record_key') }} as headcount_id,
        month_start,
        department,
        fte,
        record_key,
        {{ dedupe_rule(['record_key']) }} as quarantine_rule,
        {{ dedupe_detail(['record_key']) }} as quarantine_detail,
        {{ is_exact_duplicate(['record_key']) }} as is_duplicate_delivery
    from ranked

)

select * from final
