{#- CRM companies, one row per landed version; the latest updated_at per company_id is kept, older versions
    are superseded (flagged is_duplicate_delivery, counted with the duplicates in the reconciliation).
    Another version with the SAME updated_at as the kept one is a conflict (conflicting_duplicate, quarantined);
    exact copies are duplicates. -#}
{%- set landed = source_columns('crm', 'companies') %}
{%- set is_superseded = '(company_id is not null and version_hash <> kept_version_hash'
    ~ ' and not ' ~ dbt_null_safe_equal('updated_at', 'kept_updated_at') ~ ')' %}
{%- set rules = [
    ('null_company_id', 'company_id is null', 'company_id is null'),
] %}

with source as (

    select * from {{ landing_relation('crm', 'companies') }}

),

renamed as (

    select
        source_relation,
        company_id,
        account_id,
        trim(name) as company_name,
        lower(trim(domain)) as company_domain,
        employee_count,
        lower(trim(industry)) as industry,
        upper(trim(country)) as country_code,
        {{ utc_column('updated_at', landed) }},
        {{ landed_version_hash(landed) }} as version_hash
    from source

),

ruled as (

    select
        *,
        {{ record_key(['company_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['company_id'],
            'updated_at desc nulls last, account_id asc nulls last, employee_count asc nulls last, company_name asc nulls last, industry asc nulls last, country_code asc nulls last') }},
        first_value(updated_at) over (
            partition by company_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                updated_at desc nulls last,
                account_id asc nulls last,
                employee_count asc nulls last,
                company_name asc nulls last,
                industry asc nulls last,
                country_code asc nulls last,
                version_hash asc
        ) as kept_updated_at
    from ruled

),

final as (

    select
        source_relation,
        company_id,
        account_id,
        company_name,
        company_domain,
        employee_count,
        industry,
        country_code,
        updated_at,
        record_key,
        case
            when {{ is_superseded }} then quarantine_rule
            else {{ dedupe_rule(['company_id']) }}
        end as quarantine_rule,
        case
            when {{ is_superseded }} then quarantine_detail
            else {{ dedupe_detail(['company_id']) }}
        end as quarantine_detail,
        ({{ is_exact_duplicate(['company_id']) }} or {{ is_superseded }}) as is_duplicate_delivery
    from ranked

)

select * from final
