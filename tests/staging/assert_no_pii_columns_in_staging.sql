-- No staging relation (base views included) carries a raw email, the NPS comment or raw JSON payloads.
{%- set staging_schema = ref('stg_product__users').schema %}

with staging_columns as (

    select
        table_name,
        column_name
    from information_schema.columns
    where lower(table_schema) = lower('{{ staging_schema }}')

)

select * from staging_columns
where lower(column_name) in ('email', 'comment', 'properties', 'metadata')
