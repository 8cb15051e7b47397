-- Independent check of the de-duplication: no landed delivery of a staged event_id was received earlier.
-- Only an event_id landed more than once can fail, so the landing is first reduced to those ids and their
-- first received_at (one aggregate, counted here from the landing, not from the models under test).
-- In an incremental run only the event_ids judged in this run's window are checked (event_batch_filter), and the
-- landing is first reduced to those ids; when everything is tested (a full refresh, full_tests) that semi-join
-- would only rebuild every staged id (issue 13: 4-5 s at 10M events), so the inner join below does the filtering.
{%- set batch_filter = event_batch_filter() %}
{%- set landing_scope = '1 = 1' if batch_filter == '1 = 1' else 'event_id in (select staged.event_id from staged)' %}
with staged as (

    select
        event_id,
        received_at
    from {{ ref('stg_product__events') }}
    where {{ batch_filter }}

),

landed as (

    select
        event_id,
        {{ as_utc('received_at', source_columns('product', 'events')) }} as received_at
    from {{ landing_relation('product', 'events') }}
    where
        event_id is not null
        and {{ landing_scope }}

),

landed_more_than_once as (

    select
        event_id,
        min(received_at) as first_received_at
    from landed
    group by event_id
    having count(*) > 1

),

earlier_deliveries as (

    select
        staged.event_id,
        staged.received_at as staged_received_at,
        landed_more_than_once.first_received_at as earlier_received_at
    from staged
    inner join landed_more_than_once
        on staged.event_id = landed_more_than_once.event_id
    where staged.received_at > landed_more_than_once.first_received_at

)

select * from earlier_deliveries
