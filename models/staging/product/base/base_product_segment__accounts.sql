{#- Segment `groups` (one row per group call) -> the native product `accounts` columns and types, every connection
    (var product_schemas), with source_relation. group_id is the workspace (account_id); the workspace's
    attributes are the call's traits (columns). Every group call is kept (re-sent calls are the native
    landing's repeated rows: base_product__accounts judges exact and conflicting duplicates). Segment's
    `accounts` table (the latest state per group, upserted) is not read: it has already dropped the versions
    the quarantine must see. Ids are not qualified by the connection. -#}
{{ config(enabled=landing_enabled('product', 'segment'), materialized='ephemeral') }}

{%- set landed = source_columns('product_segment', 'groups') %}
{%- set columns = [
        ('account_id', 'group_id'),
        ('created_at', as_utc('created_at', landed)),
        ('created_by_user_id', 'created_by_user_id'),
        ('signup_channel', 'signup_channel'),
        ('is_internal', 'is_internal'),
] %}

with unioned as (
    {{ landing_union('product_segment', 'groups', columns) }}
),

final as (

    select * from unioned

)

select * from final
