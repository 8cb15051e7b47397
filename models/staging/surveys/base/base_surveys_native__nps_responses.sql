{#- Native surveys `nps_responses` of every connection (var surveys_schemas), with source_relation; response ids
    qualified by the connection when there are several (user_id is a product id: never). -#}
{{ config(enabled=landing_enabled('surveys', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('response_id', 'response_id'),
        ('user_id', 'user_id'),
        ('score', 'score'),
        ('responded_at', 'responded_at'),
        ('comment', 'comment'),
] %}

with unioned as (
    {{ landing_union('surveys', 'nps_responses', columns, key_columns=['response_id']) }}
),

final as (

    select * from unioned

)

select * from final
