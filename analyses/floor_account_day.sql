-- The benchmark's floor (python -m plg.bench): DuckDB alone reads the landed
-- events once and writes an account x day aggregate. The full build is judged
-- against this query's time (issue 5 target: full build <= 10 x the floor).
-- plg/bench/cli.py runs the same statement outside dbt, so dbt's own overhead
-- is not part of the floor.
with

events as (

    select
        account_id,
        occurred_at
    from {{ landing_relation('product', 'events') }}

),

final as (

    select
        account_id,
        cast(occurred_at as date) as occurred_date,
        count(*) as events
    from events
    group by 1, 2

)

select * from final
