{#-
    One row per day x currency: the USD value of one unit of the currency that day.
    Dense from the first landed rate date to the as-of date; a missing day takes the
    latest earlier rate (forward fill). USD is 1.0 every day.
    Only currencies of the `currencies` seed are kept; rates dated after the as-of day are ignored.
-#}
with

clock as (

    select as_of_date from {{ ref('int_clock') }}

),

currencies as (

    select currency_code from {{ ref('currencies') }}

),

fx_rates as (

    select
        rate_date,
        currency_code,
        usd_per_unit
    from {{ ref('stg_finance__fx_rates') }}

),

landed_rates as (

    -- one rate per currency and day (the mean if a day was landed twice with different rates)
    select
        fx_rates.rate_date,
        fx_rates.currency_code,
        avg(fx_rates.usd_per_unit) as usd_per_unit
    from fx_rates
    inner join currencies
        on fx_rates.currency_code = currencies.currency_code
    cross join clock
    where
        fx_rates.rate_date <= clock.as_of_date
        and fx_rates.currency_code <> 'USD'
        and fx_rates.usd_per_unit is not null
    group by fx_rates.rate_date, fx_rates.currency_code

),

rate_intervals as (

    -- each landed rate is valid from its date until the next landed date of the currency
    select
        rate_date as valid_from_date,
        lead(rate_date) over (partition by currency_code order by rate_date) as valid_to_date,
        currency_code,
        usd_per_unit
    from landed_rates

),

bounds as (

    select
        coalesce(min(landed_rates.rate_date), max(clock.as_of_date)) as first_rate_date,
        max(clock.as_of_date) as as_of_date
    from clock
    left join landed_rates
        on 1 = 1

),

day_numbers as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as day_number
    from ({{ dbt.generate_series(100000) }}) as series

),

day_spine as (

    -- at most 100,000 days: date_spine_reaches_as_of fails the build rather than truncating
    select cast({{ dbt.dateadd('day', 'day_numbers.day_number', 'bounds.first_rate_date') }} as date) as rate_date
    from day_numbers
    cross join bounds
    where day_numbers.day_number <= {{ dbt.datediff('bounds.first_rate_date', 'bounds.as_of_date', 'day') }}

),

forward_filled as (

    select
        day_spine.rate_date,
        rate_intervals.currency_code,
        rate_intervals.usd_per_unit
    from day_spine
    inner join rate_intervals
        on
            day_spine.rate_date >= rate_intervals.valid_from_date
            and (rate_intervals.valid_to_date is null or day_spine.rate_date < rate_intervals.valid_to_date)

),

usd as (

    select
        rate_date,
        cast('USD' as {{ dbt.type_string() }}) as currency_code,
        cast(1.0 as {{ dbt.type_numeric() }}) as usd_per_unit
    from day_spine

),

final as (

    select
        rate_date,
        currency_code,
        cast(usd_per_unit as {{ dbt.type_numeric() }}) as usd_per_unit
    from forward_filled
    union all
    select
        rate_date,
        currency_code,
        usd_per_unit
    from usd

)

select * from final
