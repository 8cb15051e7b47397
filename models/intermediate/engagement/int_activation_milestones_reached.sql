{#-
    Read from the known feature-days (int_account_days_known: no event scan): a milestone event maps to its core
    feature through the seed event_catalogue, so each milestone must be a core event with a feature of its own
    (true of the seed; a seed test checks it).
-#}

with

accounts as (

    select
        account_id,
        signup_at
    from {{ ref('int_accounts_scoped') }}

),

known_feature_days as (

    select
        account_id,
        feature_name,
        first_occurred_at
    from {{ ref('int_account_days_known') }}
    where key_type = 'feature'

),

catalogue as (

    select
        event_name,
        feature_name
    from {{ ref('stg_product__event_catalogue') }}
    where is_core

),

milestones as (

    select distinct lower(trim(event_name)) as event_name
    from {{ ref('activation_milestones') }}

),

milestone_features as (

    select
        milestones.event_name,
        catalogue.feature_name
    from milestones
    inner join catalogue
        on milestones.event_name = catalogue.event_name

),

milestone_total as (

    select count(*) as milestones_total
    from milestones

),

first_reached as (

    select
        known_feature_days.account_id,
        milestone_features.event_name,
        min(known_feature_days.first_occurred_at) as first_reached_at
    from known_feature_days
    inner join milestone_features
        on known_feature_days.feature_name = milestone_features.feature_name
    group by known_feature_days.account_id, milestone_features.event_name

),

per_account as (

    select
        account_id,
        count(*) as milestones_reached,
        max(first_reached_at) as last_milestone_reached_at
    from first_reached
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.signup_at,
        coalesce(per_account.milestones_reached, 0) as milestones_reached,
        milestone_total.milestones_total,
        case
            when
                milestone_total.milestones_total > 0
                and per_account.milestones_reached = milestone_total.milestones_total
                then per_account.last_milestone_reached_at
        end as activated_at
    from accounts
    cross join milestone_total
    left join per_account
        on accounts.account_id = per_account.account_id

)

select * from final
