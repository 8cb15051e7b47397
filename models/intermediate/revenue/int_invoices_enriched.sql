{#-
    One row per Stripe invoice created before the end of the as-of day, with its workspace
    (the Stripe customer's metadata.account_id; null when the customer names none) and the
    amount refunded on it by the as-of day (succeeded refunds on succeeded charges).
    Every workspace's invoices, internal ones included: the scope comes from the account spine in the
    consumers (int_accounts_converted joins it, int_invoice_lines_normalised filters on it), so that this
    model stays one step below the clock. Invoices of unmatched customers have a null account_id.
    paid_at is kept as landed (a consumer compares it with as_of_end_at).
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

invoices as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        status,
        billing_reason,
        currency_code,
        amount_paid,
        total_amount,
        created_at,
        paid_at
    from {{ ref('stg_stripe__invoices') }}

),

customers as (

    select
        customer_id,
        account_id
    from {{ ref('stg_stripe__customers') }}

),

charges as (

    select
        charge_id,
        invoice_id,
        status
    from {{ ref('stg_stripe__charges') }}

),

refunds as (

    select
        refund_id,
        charge_id,
        amount,
        status,
        created_at
    from {{ ref('stg_stripe__refunds') }}

),

refunded_by_invoice as (

    select
        charges.invoice_id,
        sum(refunds.amount) as refunded_amount
    from refunds
    inner join charges
        on refunds.charge_id = charges.charge_id
    cross join clock
    where
        refunds.status = 'succeeded'
        and charges.status = 'succeeded'
        and refunds.created_at < clock.as_of_end_at
    group by charges.invoice_id

),

invoices_as_of as (

    select
        invoices.invoice_id,
        customers.account_id,
        invoices.customer_id,
        invoices.subscription_id,
        invoices.status,
        invoices.billing_reason,
        invoices.currency_code,
        invoices.amount_paid,
        invoices.total_amount,
        invoices.created_at,
        invoices.paid_at
    from invoices
    cross join clock
    left join customers
        on invoices.customer_id = customers.customer_id
    where invoices.created_at < clock.as_of_end_at

),

final as (

    select
        invoices_as_of.invoice_id,
        invoices_as_of.account_id,
        invoices_as_of.customer_id,
        invoices_as_of.subscription_id,
        invoices_as_of.status,
        invoices_as_of.billing_reason,
        invoices_as_of.currency_code,
        invoices_as_of.amount_paid,
        invoices_as_of.total_amount,
        invoices_as_of.created_at,
        invoices_as_of.paid_at,
        coalesce(refunded_by_invoice.refunded_amount, 0) as refunded_amount,
        coalesce(
            invoices_as_of.amount_paid > 0
            and coalesce(refunded_by_invoice.refunded_amount, 0) >= invoices_as_of.amount_paid,
            false
        ) as is_fully_refunded
    from invoices_as_of
    left join refunded_by_invoice
        on invoices_as_of.invoice_id = refunded_by_invoice.invoice_id

)

select * from final
