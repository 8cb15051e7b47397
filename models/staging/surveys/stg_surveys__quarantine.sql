{#- Every unusable landed row of the surveys source (see the YAML): rows breaking a rule that are not repeated
    deliveries / superseded versions. Never the row payload: only the key, the rule and a fixed message. -#}
{{ config(materialized='table') }}

with nps_responses as (

    select
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(responded_at as date) as received_date
    from {{ ref('base_surveys__nps_responses') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

unioned as (

    select
        'nps_responses' as source_table,
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from nps_responses

),

final as (

    select
        {{ quarantine_row_id() }} as quarantine_id,
        source_table,
        record_key,
        quarantine_rule,
        quarantine_detail as detail,
        received_date,
        source_relation
    from unioned

)

select * from final
