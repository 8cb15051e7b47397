{#-
    CAC per month x signup channel: the channel's marketing spend in USD (converted at the spend day's
    rate) / new paying accounts of the channel in the month (accounts whose MRR movement is `new`,
    by the signup channel of dim_accounts). Sales spend (`outbound`) has no signup channel and is
    only in the blended CAC of rpt_kpis_monthly. Dense over the scorecard months x every channel seen
    in marketing spend or among new accounts; cac_usd is null when the channel had no new account.
-#}
{#- without a finance source (using_finance false) spend is unknown: null, not 0 (so CAC is null) -#}
{%- set spend_usd = 'coalesce(marketing_spend.marketing_spend_usd, 0)' if system_enabled('finance')
    else 'cast(null as ' ~ dbt.type_numeric() ~ ')' %}
with

months as (

    select month_start from {{ ref('int_kpi_months') }}

),

marketing_spend as (

    select
        month_start,
        channel,
        sum(spend_usd) as marketing_spend_usd
    from {{ ref('int_gtm_spend_monthly') }}
    where category = 'marketing'
    group by month_start, channel

),

accounts as (

    select
        account_id,
        signup_channel
    from {{ ref('dim_accounts') }}

),

new_accounts as (

    select
        mrr.month_start,
        coalesce(accounts.signup_channel, 'unknown') as channel,
        count(*) as new_paying_accounts,
        sum(mrr.mrr_usd) as new_mrr_usd
    from {{ ref('int_mrr_account_monthly') }} as mrr
    left join accounts
        on mrr.account_id = accounts.account_id
    where mrr.movement = 'new'
    group by mrr.month_start, coalesce(accounts.signup_channel, 'unknown')

),

channels as (

    select channel from marketing_spend
    union
    select channel from new_accounts

),

grid as (

    select
        months.month_start,
        channels.channel
    from months
    cross join channels

),

final as (

    select
        cast(grid.month_start as date) as month_start,
        cast(grid.channel as {{ dbt.type_string() }}) as channel,
        cast({{ spend_usd }} as {{ plg_type_double() }}) as marketing_spend_usd,
        cast(coalesce(new_accounts.new_paying_accounts, 0) as {{ dbt.type_bigint() }}) as new_paying_accounts,
        cast(coalesce(new_accounts.new_mrr_usd, 0) as {{ plg_type_double() }}) as new_mrr_usd,
        cast({{ safe_rate(spend_usd, 'new_accounts.new_paying_accounts') }} as {{ plg_type_double() }}) as cac_usd
    from grid
    left join marketing_spend
        on
            grid.month_start = marketing_spend.month_start
            and grid.channel = marketing_spend.channel
    left join new_accounts
        on
            grid.month_start = new_accounts.month_start
            and grid.channel = new_accounts.channel

)

select * from final
