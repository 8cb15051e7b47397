{#- The account dimension: one row per non-internal account signed up before the end of the as-of day. -#}

with

accounts as (

    select
        account_id,
        signup_at,
        signup_cohort_month,
        signup_cohort_week,
        signup_channel,
        free_model,
        trial_start_at,
        trial_end_at,
        trial_length_days
    from {{ ref('int_accounts_scoped') }}

),

segments as (

    select
        account_id,
        company_id,
        employee_count,
        firmographic_segment,
        icp_fit_score,
        icp_tier,
        industry,
        country_code
    from {{ ref('int_accounts_segmented') }}

),

final as (

    select
        cast(accounts.account_id as {{ dbt.type_string() }}) as account_id,
        cast(accounts.signup_at as {{ dbt.type_timestamp() }}) as signup_at,
        cast(accounts.signup_cohort_month as date) as signup_cohort_month,
        cast(accounts.signup_cohort_week as date) as signup_cohort_week,
        cast(accounts.signup_channel as {{ dbt.type_string() }}) as signup_channel,
        cast(accounts.free_model as {{ dbt.type_string() }}) as free_model,
        cast(accounts.trial_start_at as {{ dbt.type_timestamp() }}) as trial_start_at,
        cast(accounts.trial_end_at as {{ dbt.type_timestamp() }}) as trial_end_at,
        cast(accounts.trial_length_days as integer) as trial_length_days,
        cast(segments.company_id as {{ dbt.type_string() }}) as company_id,
        cast(segments.employee_count as integer) as employee_count,
        cast(segments.firmographic_segment as {{ dbt.type_string() }}) as firmographic_segment,
        cast(segments.icp_fit_score as integer) as icp_fit_score,
        cast(segments.icp_tier as {{ dbt.type_string() }}) as icp_tier,
        cast(segments.industry as {{ dbt.type_string() }}) as industry,
        cast(segments.country_code as {{ dbt.type_string() }}) as country
    from accounts
    left join segments
        on accounts.account_id = segments.account_id

)

select * from final
