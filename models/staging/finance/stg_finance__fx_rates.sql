with base as (

    select * from {{ ref('base_finance__fx_rates') }}

),

final as (

    select
        fx_rate_id,
        rate_date,
        currency_code,
        usd_per_unit
    from base
    where quarantine_rule is null and not is_duplicate_delivery

)

select * from final
