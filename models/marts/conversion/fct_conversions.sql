with

accounts as (

    select
        account_id,
        signup_at,
        free_model
    from {{ ref('int_accounts_scoped') }}

),

conversions as (

    select
        account_id,
        converted_at,
        days_to_convert
    from {{ ref('int_accounts_converted') }}

),

first_mrr as (

    select
        account_id,
        first_mrr_usd
    from {{ ref('int_conversions_valued') }}

),

touches as (

    select
        account_id,
        first_sales_touch_at
    from {{ ref('int_touches_attributed') }}

),

engagement as (

    select
        account_id,
        pes_14d,
        engagement_tier,
        feature_adoption_30d
    from {{ ref('int_engagement_scored') }}

),

teammates as (

    select
        account_id,
        teammates_7d
    from {{ ref('int_teammates_counted') }}

),

final as (

    select
        cast(accounts.account_id as {{ dbt.type_string() }}) as account_id,
        conversions.converted_at is not null as is_converted,
        cast(conversions.converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(conversions.days_to_convert as integer) as days_to_convert,
        cast(
            {{ conversion_attribution('conversions.converted_at', 'touches.first_sales_touch_at') }}
            as {{ dbt.type_string() }}
        ) as attribution,
        cast(first_mrr.first_mrr_usd as {{ plg_type_double() }}) as first_mrr_usd,
        cast(first_mrr.first_mrr_usd * 12 as {{ plg_type_double() }}) as acv_usd,
        cast(engagement.pes_14d as {{ plg_type_double() }}) as pes_14d,
        cast(engagement.engagement_tier as {{ dbt.type_string() }}) as engagement_tier,
        cast(engagement.feature_adoption_30d as {{ plg_type_double() }}) as feature_adoption_30d,
        cast(teammates.teammates_7d as integer) as teammates_7d,
        cast(accounts.signup_at as {{ dbt.type_timestamp() }}) as signup_at,
        cast(accounts.free_model as {{ dbt.type_string() }}) as free_model
    from accounts
    left join conversions
        on accounts.account_id = conversions.account_id
    left join first_mrr
        on accounts.account_id = first_mrr.account_id
    left join touches
        on accounts.account_id = touches.account_id
    left join engagement
        on accounts.account_id = engagement.account_id
    left join teammates
        on accounts.account_id = teammates.account_id

)

select * from final
