with verdicts as (

    select * from {{ ref('stg_product__event_verdicts') }}

),

final as (

    select
        event_id,
        received_at,
        record_key,
        quarantine_rule,
        quarantine_detail,
        source_relation
    from verdicts
    where quarantine_rule is not null

)

select * from final
