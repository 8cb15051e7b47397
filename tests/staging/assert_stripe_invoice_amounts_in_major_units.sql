-- Independent check of the minor -> major conversion: staged amount x 10^digits = landed minor units.
with staged as (

    select
        invoice_id,
        currency_code,
        amount_paid,
        total_amount
    from {{ ref('stg_stripe__invoices') }}

),

landed as (

    select
        id,
        amount_paid,
        total
    from {{ landing_relation('stripe', 'invoices') }}

),

currencies as (

    select
        currency_code,
        minor_unit_digits
    from {{ ref('currencies') }}

),

mismatches as (

    select
        staged.invoice_id,
        staged.amount_paid,
        landed.amount_paid as landed_amount_paid
    from staged
    inner join landed
        on staged.invoice_id = landed.id
    inner join currencies
        on staged.currency_code = currencies.currency_code
    where
        abs(staged.amount_paid * power(10, currencies.minor_unit_digits) - landed.amount_paid) > 0.0001
        or abs(staged.total_amount * power(10, currencies.minor_unit_digits) - landed.total) > 0.0001

)

select * from mismatches
