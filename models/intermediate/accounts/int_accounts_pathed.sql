{#-
    One row per non-internal account signed up before the end of the as-of day: its path
    (signup, free model, trial, conversion, first MRR). METRICS.md "The account's path".
    Nothing dated after as_of_end_at is used (subscriptions created later, invoices paid later).
-#}
with

clock as (

    select
        as_of_date,
        as_of_end_at
    from {{ ref('int_clock') }}

),

accounts as (

    select
        account_id,
        signup_at,
        created_by_user_id,
        signup_channel,
        is_internal
    from {{ ref('stg_product__accounts') }}

),

customers as (

    select
        customer_id,
        account_id
    from {{ ref('stg_stripe__customers') }}
    where account_id is not null

),

subscriptions as (

    select
        subscription_id,
        customer_id,
        created_at,
        trial_start_at,
        trial_end_at
    from {{ ref('stg_stripe__subscriptions') }}

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

invoice_lines as (

    select
        invoice_id,
        currency_code,
        monthly_amount,
        is_mrr_eligible
    from {{ ref('int_invoice_lines_normalised') }}

),

fx_rates as (

    select
        rate_date,
        currency_code,
        usd_per_unit
    from {{ ref('int_fx_rates_daily') }}

),

scoped_accounts as (

    select
        accounts.account_id,
        accounts.signup_at,
        accounts.created_by_user_id,
        accounts.signup_channel
    from accounts
    cross join clock
    where
        not coalesce(accounts.is_internal, false)
        and accounts.signup_at is not null
        and accounts.signup_at < clock.as_of_end_at

),

account_subscriptions as (

    select
        customers.account_id,
        subscriptions.subscription_id,
        subscriptions.trial_start_at,
        subscriptions.trial_end_at,
        row_number() over (
            partition by customers.account_id
            order by subscriptions.created_at, subscriptions.subscription_id
        ) as subscription_rank
    from subscriptions
    inner join customers
        on subscriptions.customer_id = customers.customer_id
    cross join clock
    where subscriptions.created_at < clock.as_of_end_at

),

first_subscriptions as (

    select
        account_id,
        subscription_id,
        trial_start_at,
        trial_end_at
    from account_subscriptions
    where subscription_rank = 1

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

conversion_invoices as (

    select
        invoice_id,
        account_id,
        paid_at
    from qualifying_invoices
    where conversion_rank = 1

),

first_mrr as (

    select
        conversion_invoices.account_id,
        sum(invoice_lines.monthly_amount * fx_rates.usd_per_unit) as first_mrr_usd
    from conversion_invoices
    inner join invoice_lines
        on conversion_invoices.invoice_id = invoice_lines.invoice_id
    left join fx_rates
        on
            invoice_lines.currency_code = fx_rates.currency_code
            and cast(conversion_invoices.paid_at as date) = fx_rates.rate_date
    where invoice_lines.is_mrr_eligible
    group by conversion_invoices.account_id

),

final as (

    select
        scoped_accounts.account_id,
        scoped_accounts.signup_at,
        cast({{ dbt.date_trunc('month', 'scoped_accounts.signup_at') }} as date) as signup_cohort_month,
        cast({{ dbt.date_trunc('week', 'scoped_accounts.signup_at') }} as date) as signup_cohort_week,
        scoped_accounts.signup_channel,
        scoped_accounts.created_by_user_id,
        first_subscriptions.subscription_id as first_subscription_id,
        case
            when first_subscriptions.trial_start_at is not null and first_subscriptions.trial_end_at is not null
                then 'trial'
            else 'freemium'
        end as free_model,
        case
            when first_subscriptions.trial_end_at is not null then first_subscriptions.trial_start_at
        end as trial_start_at,
        case
            when first_subscriptions.trial_start_at is not null then first_subscriptions.trial_end_at
        end as trial_end_at,
        case
            when first_subscriptions.trial_start_at is not null and first_subscriptions.trial_end_at is not null
                then {{ day_number_since('first_subscriptions.trial_start_at', 'first_subscriptions.trial_end_at') }}
        end as trial_length_days,
        conversion_invoices.invoice_id as conversion_invoice_id,
        conversion_invoices.paid_at as converted_at,
        case
            when conversion_invoices.paid_at is not null
                then {{ day_number_since('scoped_accounts.signup_at', 'conversion_invoices.paid_at') }}
        end as days_to_convert,
        first_mrr.first_mrr_usd
    from scoped_accounts
    left join first_subscriptions
        on scoped_accounts.account_id = first_subscriptions.account_id
    left join conversion_invoices
        on scoped_accounts.account_id = conversion_invoices.account_id
    left join first_mrr
        on scoped_accounts.account_id = first_mrr.account_id

)

select * from final
