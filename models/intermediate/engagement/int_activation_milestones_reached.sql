{#-
    Activation per account (METRICS.md "Activation"): the first time each milestone of the seed
    activation_milestones was reached (repeats ignored, any order); activated_at = the latest of those
    first times once every milestone is reached (null otherwise). Scoped events only (after signup,
    before the end of the as-of day).
-#}

with

accounts as (

    select
        account_id,
        signup_at
    from {{ ref('int_accounts_pathed') }}

),

events as (

    select
        account_id,
        event_name,
        occurred_at
    from {{ ref('int_events_scoped') }}

),

milestones as (

    select distinct lower(trim(event_name)) as event_name
    from {{ ref('activation_milestones') }}

),

milestone_total as (

    select count(*) as milestones_total
    from milestones

),

first_reached as (

    select
        events.account_id,
        events.event_name,
        min(events.occurred_at) as first_reached_at
    from events
    inner join milestones
        on events.event_name = milestones.event_name
    group by events.account_id, events.event_name

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
