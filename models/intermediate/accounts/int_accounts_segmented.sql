{#-
    Segments read the spine and the matched company only (no billing, no touches). A missing company or
    employee count falls to the seed's unbounded row, so every account has a segment.
-#}
{%- set icp = icp_tier_thresholds() %}

with

accounts as (

    select
        account_id,
        signup_channel
    from {{ ref('int_accounts_scoped') }}

),

companies as (

    select
        account_id,
        company_id,
        employee_count,
        industry,
        country_code
    from {{ ref('int_account_companies_matched') }}

),

segment_bands as (

    select
        segment_name,
        min_employees,
        max_employees,
        sort_order
    from {{ ref('firmographic_segments') }}

),

icp_rules as (

    select
        rule_id,
        lower(attribute) as attribute,
        lower(match_value) as match_value,
        points
    from {{ ref('icp_fit_rules') }}

),

account_companies as (

    select
        accounts.account_id,
        accounts.signup_channel,
        companies.company_id,
        companies.employee_count,
        companies.industry,
        companies.country_code
    from accounts
    left join companies
        on accounts.account_id = companies.account_id

),

unknown_segment as (

    select min(segment_name) as segment_name
    from segment_bands
    where min_employees is null and max_employees is null

),

segmented as (

    select
        account_companies.account_id,
        account_companies.signup_channel,
        account_companies.company_id,
        account_companies.employee_count,
        account_companies.industry,
        account_companies.country_code,
        coalesce(segment_bands.segment_name, unknown_segment.segment_name, 'Unknown') as firmographic_segment,
        coalesce(segment_bands.sort_order, 999) as firmographic_segment_order
    from account_companies
    left join segment_bands
        on
            account_companies.employee_count is not null
            and account_companies.employee_count >= segment_bands.min_employees
            and (
                segment_bands.max_employees is null
                or account_companies.employee_count < segment_bands.max_employees
            )
    cross join unknown_segment

),

icp_points as (

    select
        segmented.account_id,
        sum(icp_rules.points) as icp_points
    from segmented
    inner join icp_rules
        on
            (icp_rules.attribute = 'employee_band' and icp_rules.match_value = lower(segmented.firmographic_segment))
            or (icp_rules.attribute = 'industry' and icp_rules.match_value = lower(segmented.industry))
            or (icp_rules.attribute = 'country' and icp_rules.match_value = lower(segmented.country_code))
            or (icp_rules.attribute = 'signup_channel' and icp_rules.match_value = lower(segmented.signup_channel))
    group by segmented.account_id

),

scored as (

    select
        segmented.account_id,
        segmented.company_id,
        segmented.employee_count,
        segmented.industry,
        segmented.country_code,
        segmented.firmographic_segment,
        segmented.firmographic_segment_order,
        {%- if system_enabled('crm') %}
        cast(least(greatest(coalesce(icp_points.icp_points, 0), 0), 100) as {{ dbt.type_int() }}) as icp_fit_score
        {%- else %}
        {#- no CRM (using_crm false): firmographics unknown, so the ICP fit is unknown, not low #}
        cast(null as {{ dbt.type_int() }}) as icp_fit_score
        {%- endif %}
    from segmented
    left join icp_points
        on segmented.account_id = icp_points.account_id

),

final as (

    select
        account_id,
        company_id,
        employee_count,
        industry,
        country_code,
        firmographic_segment,
        firmographic_segment_order,
        icp_fit_score,
        case
            when icp_fit_score is null then 'Unknown'
            when icp_fit_score >= {{ icp[1] }} then 'high'
            when icp_fit_score < {{ icp[0] }} then 'low'
            else 'medium'
        end as icp_tier
    from scored

)

select * from final
