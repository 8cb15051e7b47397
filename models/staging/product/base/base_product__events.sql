{#-
    Why no de-duplication and no join here: one row per landed delivery keeps the model row-local (filters
    reach the landing scan before any parsing); the earliest delivery and the account resolution through
    the user are judged in base_product__event_verdicts. Raw properties text is not carried (PII).
-#}
{%- set tolerance = non_negative_int_var('future_tolerance_hours') %}
{%- set landed = source_columns('product', 'events') %}
{%- set rules = [
    ('null_event_id', 'event_id is null', 'event_id is null'),
    ('null_event_name', 'event_name is null', 'event_name is null or blank'),
    ('null_occurred_at', 'occurred_at is null', 'occurred_at is null'),
    ('null_received_at', 'received_at is null', 'received_at is null'),
    ('received_in_future', 'received_at > ' ~ plausible_future_bound(),
        'received_at is after the run start + var received_future_tolerance_hours (server clock wrong)'),
    ('implausible_received_at', 'received_at < ' ~ earliest_plausible_bound(),
        'received_at is before var earliest_plausible_date'),
    ('implausible_occurred_at', 'occurred_at < ' ~ earliest_plausible_bound(),
        'occurred_at is before var earliest_plausible_date'),
    ('invalid_invitee_count', 'is_invitee_count_invalid', 'properties.invitee_count is not an integer'),
    ('occurred_in_future', 'occurred_at > ' ~ dbt.dateadd('hour', tolerance, 'received_at'),
        'occurred_at is more than ' ~ tolerance ~ ' hours after received_at'),
] %}

with source as (

    select * from {{ landing_relation('product', 'events') }}

),

parsed as (

    select
        source_relation,
        event_id,
        nullif(lower(trim(event_name)), '') as event_name,
        user_id,
        account_id,
        {{ utc_column('occurred_at', landed) }},
        {{ utc_column('received_at', landed) }},
        properties,
        {{ json_parse('properties') }} as properties_json
    from source

),

renamed as (

    select
        source_relation,
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at,
        properties,
        (properties is not null and not {{ json_parsed_is_object('properties_json') }}) as is_properties_invalid,
        {{ json_parsed_text('properties_json', 'feature') }} as feature_property,
        {{ json_parsed_text('properties_json', 'invitee_count') }} as invitee_count_text
    from parsed

),

typed as (

    select
        source_relation,
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at,
        properties,
        is_properties_invalid,
        feature_property,
        {{ safe_cast_integer('invitee_count_text') }} as invitee_count,
        (
            invitee_count_text is not null
            and {{ safe_cast_integer('invitee_count_text') }} is null
        ) as is_invitee_count_invalid
    from renamed

),

final as (

    select
        event_id,
        event_name,
        user_id,
        account_id,
        occurred_at,
        received_at,
        feature_property,
        invitee_count,
        is_properties_invalid as has_invalid_properties,
        source_relation,
        {{ dbt.hash('properties') }} as properties_hash,
        {{ record_key(['event_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from typed

)

select * from final
