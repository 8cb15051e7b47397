{#-
    Why a model of its own: stg_stripe__quarantine would otherwise read eight base models
    (one union per group of tables keeps it readable).
-#}
with prices as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(null as date) as received_date
    from {{ ref('base_stripe__prices') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

products as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(null as date) as received_date
    from {{ ref('base_stripe__products') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

unioned as (

    select
        'prices' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from prices
    union all
    select
        'products' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from products

),

final as (

    select * from unioned

)

select * from final
