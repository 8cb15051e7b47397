{#- Every unusable landed row of the stripe source (see the YAML): rows breaking a rule that are not repeated
    deliveries / superseded versions. Never the row payload: only the key, the rule and a fixed message. -#}
{{ config(materialized='table') }}

with customers as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_stripe__customers') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

invoice_line_items as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(period_start_at as date) as received_date
    from {{ ref('base_stripe__invoice_line_items') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

invoices as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_stripe__invoices') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

subscriptions as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_stripe__subscriptions') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

unioned as (

    select
        source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from {{ ref('base_stripe__quarantined_payments') }}
    union all
    select
        source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from {{ ref('base_stripe__quarantined_catalogue') }}
    union all
    select
        'customers' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from customers
    union all
    select
        'invoice_line_items' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from invoice_line_items
    union all
    select
        'invoices' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from invoices
    union all
    select
        'subscriptions' as source_table,
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        received_date
    from subscriptions

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
