{#-
    NPS per month of response: the latest valid response (score 0-10) per user per month
    (ties: the higher response_id), responses after the as-of day ignored, responses of a workspace
    the product knows but the account spine leaves out (internal) excluded (one whose workspace is
    unknown is kept; one without a user counts as its own respondent). nps = 100 x (promoters (9-10) - detractors (0-6)) / respondents.
-#}
with

clock as (

    select as_of_end_at from {{ ref('int_clock') }}

),

responses as (

    select
        response_id,
        user_id,
        score,
        responded_at
    from {{ optional_ref('stg_surveys__nps_responses') }}

),

-- the survey tool knows the user only: its workspace comes from the product source
users as (

    select
        user_id,
        account_id
    from {{ ref('stg_product__users') }}

),

known_accounts as (

    select account_id
    from {{ ref('stg_product__accounts') }}

),

scoped_accounts as (

    select account_id
    from {{ ref('int_accounts_scoped') }}

),

valid_responses as (

    select
        responses.response_id,
        coalesce(responses.user_id, {{ dbt.concat(["'response:'", 'responses.response_id']) }}) as respondent_key,
        responses.score,
        responses.responded_at,
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date) as month_start
    from responses
    cross join clock
    left join users
        on responses.user_id = users.user_id
    left join known_accounts
        on users.account_id = known_accounts.account_id
    left join scoped_accounts
        on users.account_id = scoped_accounts.account_id
    where
        responses.responded_at < clock.as_of_end_at
        and responses.score >= 0
        and responses.score <= 10
        and (known_accounts.account_id is null or scoped_accounts.account_id is not null)

),

ranked as (

    select
        month_start,
        score,
        row_number() over (
            partition by respondent_key, month_start
            order by responded_at desc, response_id desc
        ) as recency_rank
    from valid_responses

),

final as (

    select
        month_start,
        count(*) as respondents,
        sum(case when score >= 9 then 1 else 0 end) as promoters,
        sum(case when score <= 6 then 1 else 0 end) as detractors,
        100.0 * (sum(case when score >= 9 then 1 else 0 end) - sum(case when score <= 6 then 1 else 0 end))
        / count(*) as nps
    from ranked
    where recency_rank = 1
    group by month_start

)

select * from final
