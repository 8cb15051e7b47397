{#- Why no comment column: the free text may hold PII, so it never leaves the landing. -#}
{%- set landed = source_columns('surveys', 'nps_responses') %}
{%- set rules = [
    ('null_response_id', 'response_id is null', 'response_id is null'),
    ('null_score', 'score is null', 'score is null'),
    ('score_out_of_range', 'score < 0 or score > 10', 'score is outside 0-10'),
    implausible_rule('responded_at', 'responded_at'),
] %}

with source as (

    select * from {{ landing_relation('surveys', 'nps_responses') }}

),

renamed as (

    select
        source.source_relation,
        source.response_id,
        source.user_id,
        source.score,
        {{ utc_column('responded_at', landed, 'source') }},
        {{ landed_version_hash(landed, 'source') }} as version_hash
    from source

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
        {{ dedupe_ranks(['response_id'],
            'responded_at nulls last, score nulls last, user_id nulls last') }}
    from ruled

),

final as (

    select
        source_relation,
        response_id,
        user_id,
        score,
        responded_at,
        record_key,
        {{ dedupe_rule(['response_id']) }} as quarantine_rule,
        {{ dedupe_detail(['response_id']) }} as quarantine_detail,
        {{ is_exact_duplicate(['response_id']) }} as is_duplicate_delivery
    from ranked

)

select * from final
