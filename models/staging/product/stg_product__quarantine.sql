{#-
    Why rows without an event_id are read from base_product__events here: they have no earliest delivery to
    judge (base_product__event_verdicts skips them), and the filter on event_id reaches the landing scan.
-#}
{{ config(materialized='table') }}

with accounts as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(signup_at as date) as received_date
    from {{ ref('base_product__accounts') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

users as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(created_at as date) as received_date
    from {{ ref('base_product__users') }}
    where quarantine_rule is not null and not is_duplicate_delivery

),

events_without_key as (

    select
        record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(received_at as date) as received_date
    from {{ ref('base_product__events') }}
    where event_id is null

),

events_with_key as (

    select
        {{ record_key(['event_id']) }} as record_key,
        source_relation,
        quarantine_rule,
        quarantine_detail,
        cast(received_at as date) as received_date
    from {{ ref('base_product__event_verdicts') }}
    where quarantine_rule is not null

),

unioned as (

    select
        'accounts' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date,
        source_relation
    from accounts
    union all
    select
        'users' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date,
        source_relation
    from users
    union all
    select
        'events' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date,
        source_relation
    from events_without_key
    union all
    select
        'events' as source_table,
        record_key,
        quarantine_rule,
        quarantine_detail,
        received_date,
        source_relation
    from events_with_key

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
