{#- Native finance `headcount` of every connection (var finance_schemas), with source_relation. -#}
{{ config(enabled=landing_enabled('finance', 'native'), materialized='ephemeral') }}

{%- set columns = [
        ('month', 'month'),
        ('department', 'department'),
        ('fte', 'fte'),
] %}

with unioned as (
    {{ landing_union('finance', 'headcount', columns) }}
),

final as (

    select * from unioned

)

select * from final
