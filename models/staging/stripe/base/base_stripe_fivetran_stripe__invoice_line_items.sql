{#- Fivetran Stripe `invoice_line_item` -> the native `invoice_line_items` columns and types, every connection.
    - the line's key is unique_id (Fivetran: `id` can repeat across invoices, e.g. the subscription item id of a
      subscription line), falling back to id;
    - price_id = plan_id (Stripe keeps plan ids as price ids), else the plan of the line's subscription_item:
      a subscription with several items (seats + add-on) has one line per item, each with its own price;
    - soft-deleted lines and items (_fivetran_deleted) are left out (listed in base_stripe_fivetran_stripe__deleted_rows). -#}
{{ config(enabled=landing_enabled('stripe', 'fivetran_stripe'), materialized='ephemeral') }}

{%- set line_columns = [
        ('id', 'coalesce(unique_id, id)'),
        ('invoice_id', 'invoice_id'),
        ('subscription_id', 'subscription_id'),
        ('plan_id', 'plan_id'),
        ('subscription_item_id', 'subscription_item_id'),
        ('type', 'type'),
        ('proration', 'proration'),
        ('quantity', 'cast(quantity as ' ~ dbt.type_int() ~ ')'),
        ('amount', 'amount'),
        ('currency', 'currency'),
        ('period_start', 'period_start'),
        ('period_end', 'period_end'),
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}
{%- set item_columns = [
        ('id', 'id'),
        ('plan_id', 'plan_id'),
        ('_fivetran_deleted', '_fivetran_deleted'),
] %}

with lines as (
    {{ landing_union('stripe_fivetran', 'invoice_line_item', line_columns,
                     key_columns=['id', 'invoice_id', 'subscription_id', 'plan_id', 'subscription_item_id']) }}
),

subscription_items as (
    {{ landing_union('stripe_fivetran', 'subscription_item', item_columns, key_columns=['id', 'plan_id']) }}
),

live_items as (

    select
        id as subscription_item_id,
        plan_id,
        source_relation
    from subscription_items
    where not coalesce(_fivetran_deleted, false)

),

item_plans as (

    {#- one plan per item (an item landed twice keeps the smallest plan id: deterministic) -#}
    select
        subscription_item_id,
        source_relation,
        min(plan_id) as plan_id
    from live_items
    group by subscription_item_id, source_relation

),

final as (

    select
        lines.id,
        lines.invoice_id,
        lines.subscription_id,
        coalesce(lines.plan_id, item_plans.plan_id) as price_id,
        lines.type,
        lines.proration,
        lines.quantity,
        lines.amount,
        lines.currency,
        lines.period_start,
        lines.period_end,
        lines.source_relation
    from lines
    left join item_plans
        on
            lines.subscription_item_id = item_plans.subscription_item_id
            and lines.source_relation = item_plans.source_relation
    where not coalesce(lines._fivetran_deleted, false)

)

select * from final
