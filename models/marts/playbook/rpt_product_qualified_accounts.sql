{#- No maturity requirement: a young account qualifies on what it did so far (METRICS.md fixed readings). -#}
{%- set min_adoption = rate_var('pqa_min_feature_adoption_rate') %}
{%- set min_employees = non_negative_var('pqa_sales_assist_min_employees') %}

with

accounts as (

    select
        account_id,
        signup_at,
        free_model,
        employee_count,
        firmographic_segment
    from {{ ref('dim_accounts') }}

),

conversions as (

    select account_id
    from {{ ref('int_accounts_converted') }}

),

engagement as (

    select
        account_id,
        pes_14d,
        engagement_tier,
        feature_adoption_30d
    from {{ ref('int_engagement_scored') }}

),

qualified as (

    select
        accounts.account_id,
        accounts.signup_at,
        accounts.free_model,
        engagement.pes_14d,
        engagement.engagement_tier,
        engagement.feature_adoption_30d,
        accounts.employee_count,
        accounts.firmographic_segment
    from accounts
    inner join engagement
        on accounts.account_id = engagement.account_id
    left join conversions
        on accounts.account_id = conversions.account_id
    where
        conversions.account_id is null
        and (
            engagement.engagement_tier = 'high'
            or engagement.feature_adoption_30d >= {{ min_adoption }}
        )

),

final as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(pes_14d as {{ plg_type_double() }}) as pes_14d,
        cast(feature_adoption_30d as {{ plg_type_double() }}) as feature_adoption_30d,
        cast(employee_count as integer) as employee_count,
        cast(case
            when employee_count >= {{ min_employees }} then 'sales_assist'
            else 'in_app_upgrade'
        end as {{ dbt.type_string() }}) as recommended_action,
        cast(engagement_tier as {{ dbt.type_string() }}) as engagement_tier,
        cast(firmographic_segment as {{ dbt.type_string() }}) as firmographic_segment,
        cast(free_model as {{ dbt.type_string() }}) as free_model,
        cast(signup_at as {{ dbt.type_timestamp() }}) as signup_at
    from qualified

)

select * from final
