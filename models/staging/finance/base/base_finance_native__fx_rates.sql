{#- Native finance `fx_rates` of every connection (var finance_schemas), with source_relation; the currency
    reference: required even with using_finance false. -#}
{{ config(enabled=true, materialized='ephemeral') }}

{%- set columns = [
        ('rate_date', 'rate_date'),
        ('currency', 'currency'),
        ('usd_per_unit', 'usd_per_unit'),
] %}

with unioned as (
    {{ landing_union('finance', 'fx_rates', columns) }}
),

final as (

    select * from unioned

)

select * from final
