{#-
    Why a model of its own: stg_stripe__quarantine would otherwise read eight base models
    (one union per group of tables keeps it readable).
-#}
with charges as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_stripe__charges') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

refunds as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_stripe__refunds') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

unioned as (

    select
        'charges' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from charges
    union all
    select
        'refunds' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from refunds

),

final as (

    select * from unioned

)

select * from final
