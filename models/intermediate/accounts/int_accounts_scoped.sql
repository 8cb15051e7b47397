{#-
    The account spine. The internal-workspace filter of the project is written here and nowhere else:
    every other model reaches the accounts through this one. No billing parent: the free model and the
    trial come from the first subscription (created before the as-of end), not from invoices.
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

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
        end as trial_length_days
    from scoped_accounts
    left join first_subscriptions
        on scoped_accounts.account_id = first_subscriptions.account_id

)

select * from final
