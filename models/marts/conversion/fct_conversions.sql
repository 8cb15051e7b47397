{#- Every non-internal account, converted or not, with its conversion, first MRR and early engagement. -#}

with

accounts as (

    select
        account_id,
        signup_at,
        free_model,
        converted_at,
        days_to_convert,
        first_mrr_usd
    from {{ ref('int_accounts_pathed') }}

),

touches as (

    select
        account_id,
        attribution
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
        accounts.converted_at is not null as is_converted,
        cast(accounts.converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(accounts.days_to_convert as integer) as days_to_convert,
        cast(touches.attribution as {{ dbt.type_string() }}) as attribution,
        cast(accounts.first_mrr_usd as {{ plg_type_double() }}) as first_mrr_usd,
        cast(accounts.first_mrr_usd * 12 as {{ plg_type_double() }}) as acv_usd,
        cast(engagement.pes_14d as {{ plg_type_double() }}) as pes_14d,
        cast(engagement.engagement_tier as {{ dbt.type_string() }}) as engagement_tier,
        cast(engagement.feature_adoption_30d as {{ plg_type_double() }}) as feature_adoption_30d,
        cast(teammates.teammates_7d as integer) as teammates_7d,
        cast(accounts.signup_at as {{ dbt.type_timestamp() }}) as signup_at,
        cast(accounts.free_model as {{ dbt.type_string() }}) as free_model
    from accounts
    left join touches
        on accounts.account_id = touches.account_id
    left join engagement
        on accounts.account_id = engagement.account_id
    left join teammates
        on accounts.account_id = teammates.account_id

)

select * from final
