{#-
    Conversion facts, apart from the spine so that engagement, activation and segments never depend on
    billing. One row per spine account that converted by the as-of end; first MRR is valued separately
    (int_conversions_valued) so that the window flags read the conversion without the invoice lines.
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at
    from {{ ref('int_accounts_scoped') }}

),

invoices as (

    select
        invoice_id,
        account_id,
        status,
        amount_paid,
        paid_at,
        is_fully_refunded
    from {{ ref('int_invoices_enriched') }}

),

qualifying_invoices as (

    select
        invoices.invoice_id,
        invoices.account_id,
        invoices.paid_at,
        row_number() over (
            partition by invoices.account_id
            order by invoices.paid_at, invoices.invoice_id
        ) as conversion_rank
    from invoices
    cross join clock
    where
        invoices.account_id is not null
        and invoices.status = 'paid'
        and invoices.amount_paid > 0
        and not coalesce(invoices.is_fully_refunded, false)
        and invoices.paid_at is not null
        and invoices.paid_at < clock.as_of_end_at

),

final as (

    select
        accounts.account_id,
        qualifying_invoices.invoice_id as conversion_invoice_id,
        qualifying_invoices.paid_at as converted_at,
        {{ day_number_since('accounts.signup_at', 'qualifying_invoices.paid_at') }} as days_to_convert
    from accounts
    inner join qualifying_invoices
        on
            accounts.account_id = qualifying_invoices.account_id
            and qualifying_invoices.conversion_rank = 1

)

select * from final
