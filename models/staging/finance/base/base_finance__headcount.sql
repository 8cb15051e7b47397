{#- Headcount: natural key (month, department, and the connection when finance_schemas lists several); headcount_id
    is its hash. -#}
{%- set landed = source_columns('finance', 'headcount') %}
{%- set rules = [
    ('null_month', 'month_start is null', 'month is null'),
    ('null_department', 'department is null', 'department is null'),
    ('null_fte', 'fte is null', 'fte is null'),
] %}

with source as (

    select * from {{ landing_relation('finance', 'headcount') }}

),

renamed as (

    select
        source.source_relation,
        source.month as month_start,
        lower(trim(source.department)) as department,
        cast(source.fte as {{ dbt.type_numeric() }}) as fte,
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source

),

ruled as (

    select
        *,
        {{ record_key(['month_start', 'department'] + connection_key('finance')) }} as record_key,
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
        source_relation,
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
