{#- NPS responses: the free-text comment is dropped here (it may hold PII); account through the user. -#}
{%- set rules = [
    ('null_response_id', 'response_id is null', 'response_id is null'),
    ('null_score', 'score is null', 'score is null'),
    ('score_out_of_range', 'score < 0 or score > 10', 'score is outside 0-10'),
] %}

with source as (

    select * from {{ source('surveys', 'nps_responses') }}

),

users as (

    select
        user_id,
        account_id
    from {{ ref('stg_product__users') }}

),

renamed as (

    select
        source.response_id,
        source.user_id,
        users.account_id,
        source.score,
        source.responded_at
    from source
    left join users
        on source.user_id = users.user_id

),

ruled as (

    select
        *,
        {{ record_key(['response_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by response_id
            order by
                case when quarantine_rule is null then 0 else 1 end,
                responded_at nulls last,
                score nulls last,
                user_id nulls last
        ) as key_rank
    from ruled

),

final as (

    select
        response_id,
        user_id,
        account_id,
        score,
        responded_at,
        record_key,
        quarantine_rule,
        quarantine_detail,
        (response_id is not null and key_rank > 1) as is_duplicate_delivery
    from ranked

)

select * from final
