{#- Every unusable landed row of the finance source (see the YAML): rows breaking a rule that are not repeated
    deliveries / superseded versions. Never the row payload: only the key, the rule and a fixed message. -#}
{{ config(materialized='table') }}

with fx_rates as (

    select
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(rate_date as date) as received_date
    from {{ ref('base_finance__fx_rates') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

gtm_spend as (

    select
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(spend_date as date) as received_date
    from {{ optional_ref('base_finance__gtm_spend') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

headcount as (

    select
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        cast(month_start as date) as received_date
    from {{ optional_ref('base_finance__headcount') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

unioned as (

    select
        'fx_rates' as source_table,
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from fx_rates
    union all
    select
        'gtm_spend' as source_table,
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from gtm_spend
    union all
    select
        'headcount' as source_table,
        source_relation,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date
    from headcount

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
