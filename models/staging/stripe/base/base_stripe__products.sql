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
        active as is_active
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
        row_number() over (
            partition by product_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                is_active desc nulls last,
                product_name asc nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        product_id,
        product_name,
        is_active,
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (product_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
