{#- Every row the Fivetran Stripe connector marks as deleted at the source (_fivetran_deleted = true), per table
    and connection: the landing models leave them out (they are not rows of the native contract), this relation
    keeps them visible (never silently lost). Only the id, never the payload. -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='table') }}

{%- set tables = ['customer', 'product', 'price', 'subscription', 'subscription_item', 'invoice',
                  'invoice_line_item', 'charge', 'refund'] %}

with
{%- for table in tables %}

{{ table }}_rows as (
    {%- set key = 'coalesce(unique_id, id)' if table == 'invoice_line_item' else 'id' %}
    {{ landing_union('stripe_fivetran', table, [('record_id', key), ('is_deleted_at_source', '_fivetran_deleted')],
                     key_columns=['record_id']) }}
),
{%- endfor %}

deleted as (
{%- for table in tables %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ table }}' as source_table,
        {{ table }}_rows.record_id,
        {{ table }}_rows.source_relation
    from {{ table }}_rows
    where {{ table }}_rows.is_deleted_at_source = true
    {%- endfor %}

),

final as (

    select
        source_table,
        record_id,
        source_relation
    from deleted

)

select * from final
