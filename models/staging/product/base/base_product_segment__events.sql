{#-
    Segment `tracks` (one row per delivered track call) -> the native product `events` columns and types,
    every connection (var product_schemas), with source_relation: id -> event_id, event (the name as sent;
    base_product__events trims and lower-cases it) -> event_name, user_id (null for anonymous calls: their
    anonymous_id is not used), context_group_id -> account_id (null: resolved through the user),
    original_timestamp (the client clock) -> occurred_at, received_at -> received_at.

    properties: Segment lands no properties JSON; the properties the project reads (feature, invitee_count)
    are columns of the per-event tables (one table per event, named after it). They are read from the tables
    of var segment_event_tables that exist in the connection (an event never sent has no table; a property
    never sent non-null has no column: null), matched to their track call on (id, received_at), and
    re-assembled to the native JSON text {"feature":"...","invitee_count":n} (keys in that order, only the
    non-null ones; `{}` for a call with a row but neither). A call without a row in its event's table has
    null properties. Not portable-escaped: a `"` in a feature value is escaped, a backslash is not.
-#}
{{ config(enabled=landing_enabled('product', 'segment'), materialized='view') }}

{%- set landed = source_columns('product_segment', 'tracks') %}
{%- set columns = [
        ('event_id', 'id'),
        ('event_name', 'event'),
        ('user_id', 'user_id'),
        ('account_id', 'context_group_id'),
        ('occurred_at', as_utc('original_timestamp', landed)),
        ('received_at', as_utc('received_at', landed)),
] %}
{%- set property_tables = segment_property_tables() %}

with tracks as (
    {{ landing_union('product_segment', 'tracks', columns) }}
),

event_properties as (

    {%- for t in property_tables %}
    {%- if not loop.first %}
    union
    {%- endif %}
    select distinct
        id as event_id,
        {{ t.received_at }} as received_at,
        cast({{ t.feature }} as {{ dbt.type_string() }}) as feature,
        cast({{ t.invitee_count }} as {{ dbt.type_bigint() }}) as invitee_count
    from {{ t.relation }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as received_at,
        cast(null as {{ dbt.type_string() }}) as feature,
        cast(null as {{ dbt.type_bigint() }}) as invitee_count
    where 1 = 0
    {%- endfor %}

),

joined as (

    select
        tracks.event_id,
        tracks.event_name,
        tracks.user_id,
        tracks.account_id,
        tracks.occurred_at,
        tracks.received_at,
        case
            when event_properties.event_id is not null
                then {{ segment_properties_json('event_properties.feature', 'event_properties.invitee_count') }}
        end as properties,
        tracks.source_relation
    from tracks
    left join event_properties
        on
            tracks.event_id = event_properties.event_id
            and tracks.received_at = event_properties.received_at

),

final as (

    select * from joined

)

select * from final
