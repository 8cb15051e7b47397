{#-
    Events, one row per DELIVERY (no de-duplication here, so the model stays row-local and cheap: the staging
    model ranks only the deliveries flagged has_repeated_event_id, from base_product__repeated_event_ids;
    a filter on that flag is applied right after the landing scan, before any parsing).
    Normalises the name (trim + lower case), parses properties once (feature, invitee_count; a properties text
    that is not a JSON object is NOT quarantined: has_invalid_properties, parsed values null), resolves a null
    account_id through the user, and computes the quarantine rule (first broken, null when fine).
    Raw properties text is not carried (it may hold PII): properties_hash breaks ties between deliveries.
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
    ('unattributable_account', 'account_id is null', 'no account_id and none through the user'),
] %}

with source as (

    select * from {{ landing_relation('product', 'events') }}

),

repeated_event_ids as (

    select event_id from {{ ref('base_product__repeated_event_ids') }}

),

flagged as (

    select
        source.*,
        (repeated_event_ids.event_id is not null) as has_repeated_event_id
    from source
    left join repeated_event_ids
        on source.event_id = repeated_event_ids.event_id

),

users as (

    select
        user_id,
        account_id
    from {{ ref('stg_product__users') }}

),

parsed as (

    select
        source_relation,
        event_id,
        nullif(lower(trim(event_name)), '') as event_name,
        user_id,
        account_id as landed_account_id,
        {{ as_utc('occurred_at', landed) }} as occurred_at,
        {{ as_utc('received_at', landed) }} as received_at,
        properties,
        has_repeated_event_id,
        {{ json_parse('properties') }} as properties_json
    from flagged

),

renamed as (

    select
        source_relation,
        event_id,
        event_name,
        user_id,
        landed_account_id,
        occurred_at,
        received_at,
        properties,
        has_repeated_event_id,
        (properties is not null and not {{ json_parsed_is_object('properties_json') }}) as is_properties_invalid,
        {{ json_parsed_text('properties_json', 'feature') }} as feature_property,
        {{ json_parsed_text('properties_json', 'invitee_count') }} as invitee_count_text
    from parsed

),

resolved as (

    select
        renamed.source_relation,
        renamed.event_id,
        renamed.event_name,
        renamed.user_id,
        coalesce(renamed.landed_account_id, users.account_id) as account_id,
        renamed.occurred_at,
        renamed.received_at,
        renamed.properties,
        renamed.has_repeated_event_id,
        renamed.is_properties_invalid,
        renamed.feature_property,
        {{ safe_cast_integer('renamed.invitee_count_text') }} as invitee_count,
        (
            renamed.invitee_count_text is not null
            and {{ safe_cast_integer('renamed.invitee_count_text') }} is null
        ) as is_invitee_count_invalid
    from renamed
    left join users
        on renamed.user_id = users.user_id

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
        has_repeated_event_id,
        source_relation,
        {{ dbt.hash('properties') }} as properties_hash,
        {{ record_key(['event_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from resolved

)

select * from final
