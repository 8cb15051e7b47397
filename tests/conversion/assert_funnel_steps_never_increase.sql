{#- Funnel steps are nested: a step never has more accounts than the previous one; steps 1-4 all present. -#}

with

funnel as (

    select
        step,
        accounts
    from {{ ref('rpt_funnel') }}

),

compared as (

    select
        step,
        accounts,
        lag(accounts) over (order by step) as previous_accounts
    from funnel

)

select
    step,
    accounts,
    previous_accounts
from compared
where accounts > previous_accounts
union all
select
    cast(null as integer) as step,
    cast(null as bigint) as accounts,
    cast(null as bigint) as previous_accounts
from funnel
having count(*) <> 4 or min(step) <> 1 or max(step) <> 4
