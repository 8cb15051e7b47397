{%- set landed = source_columns('stripe', 'products') %}
{%- set rules = [
    ('null_product_id', 'product_id is null', 'id is null'),
] %}

with source as (

    select * from {{ landing_relation('stripe', 'products') }}

),

renamed as (

    select
        source_relation,
        id as product_id,
        trim(name) as product_name,
        active as is_active,
        {{ landed_version_hash(landed) }} as version_hash
    from source

),

ruled as (

    select
        *,
        {{ record_key(['product_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        {{ dedupe_ranks(['product_id'],
            'is_active desc nulls last, product_name asc nulls last') }}
    from ruled

),

final as (

    select
        product_id,
        product_name,
        is_active,
        source_relation,
        record_key,
        {{ dedupe_rule(['product_id']) }} as quarantine_rule,
        {{ dedupe_detail(['product_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['product_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
