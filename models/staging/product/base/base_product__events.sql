{#-
    Events, one row per DELIVERY (no de-duplication here, so the model stays row-local and cheap: the staging
    model and the quarantine filter by event_id first, then rank deliveries).
    Normalises the name (trim + lower case), parses properties (feature, invitee_count), resolves a null
    account_id through the user, and computes the quarantine rule (first broken, null when fine).
    Raw properties text is not carried (it may hold PII): properties_hash breaks ties between deliveries.
-#}
{%- set tolerance = var('future_tolerance_hours') %}
{%- set rules = [
    ('null_event_id', 'event_id is null', 'event_id is null'),
    ('null_event_name', 'event_name is null', 'event_name is null or blank'),
    ('null_occurred_at', 'occurred_at is null', 'occurred_at is null'),
    ('null_received_at', 'received_at is null', 'received_at is null'),
    ('invalid_properties_json', 'is_properties_invalid', 'properties is not a valid JSON object'),
    ('invalid_invitee_count', 'is_invitee_count_invalid', 'properties.invitee_count is not an integer'),
    ('occurred_in_future', 'occurred_at > ' ~ dbt.dateadd('hour', tolerance, 'received_at'),
        'occurred_at is more than ' ~ tolerance ~ ' hours after received_at'),
    ('unattributable_account', 'account_id is null', 'no account_id and none through the user'),
] %}

with source as (

    select * from {{ source('product', 'events') }}

),

users as (

    select
        user_id,
        account_id
    from {{ ref('stg_product__users') }}

),

renamed as (

    select
        event_id,
        nullif(lower(trim(event_name)), '') as event_name,
        user_id,
        account_id as landed_account_id,
        occurred_at,
        received_at,
        properties,
        (properties is not null and not {{ is_json_object('properties') }}) as is_properties_invalid,
        {{ json_text('properties', 'feature') }} as feature_property,
        {{ json_text('properties', 'invitee_count') }} as invitee_count_text
    from source

),

resolved as (

    select
        renamed.event_id,
        renamed.event_name,
        renamed.user_id,
        coalesce(renamed.landed_account_id, users.account_id) as account_id,
        renamed.occurred_at,
        renamed.received_at,
        renamed.properties,
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
        {{ dbt.hash('properties') }} as properties_hash,
        {{ record_key(['event_id']) }} as record_key,
        {{ first_broken_rule(rules) }} as quarantine_rule,
        {{ first_broken_rule_detail(rules) }} as quarantine_detail
    from resolved

)

select * from final
