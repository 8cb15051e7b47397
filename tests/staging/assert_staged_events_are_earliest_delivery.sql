-- Independent check of the de-duplication: no landed delivery of a staged event_id was received earlier.
with staged as (

    select
        event_id,
        received_at
    from {{ ref('stg_product__events') }}

),

landed as (

    select
        event_id,
        received_at
    from {{ source('product', 'events') }}
    where event_id is not null

),

earlier_deliveries as (

    select
        staged.event_id,
        staged.received_at as staged_received_at,
        landed.received_at as earlier_received_at
    from staged
    inner join landed
        on
            staged.event_id = landed.event_id
            and staged.received_at > landed.received_at

)

select * from earlier_deliveries
