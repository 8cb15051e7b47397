{#-
    Every non-internal account signed up before the end of the as-of day appears exactly once in
    fct_conversions (and no other).
-#}

with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

source_accounts as (

    select accounts.account_id
    from {{ ref('stg_product__accounts') }} as accounts
    cross join clock
    where not coalesce(accounts.is_internal, false) and accounts.signup_at < clock.as_of_end_at

),

conversions as (

    select
        account_id,
        count(*) as n_rows
    from {{ ref('fct_conversions') }}
    group by account_id

)

select
    coalesce(source_accounts.account_id, conversions.account_id) as account_id,
    conversions.n_rows
from source_accounts
full outer join conversions
    on source_accounts.account_id = conversions.account_id
where
    source_accounts.account_id is null
    or conversions.account_id is null
    or conversions.n_rows <> 1
