{#- Native finance `gtm_spend` of every connection (var finance_schemas), with source_relation. -#}
{{ config(enabled=landing_enabled('finance', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('spend_date', 'spend_date'),
        ('category', 'category'),
        ('channel', 'channel'),
        ('amount', 'amount'),
        ('currency', 'currency'),
] %}

with unioned as (
    {{ landing_union('finance', 'gtm_spend', columns) }}
),

final as (

    select * from unioned

)

select * from final
