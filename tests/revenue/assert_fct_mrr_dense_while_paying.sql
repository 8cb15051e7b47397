{#-
    The month series has no gap while MRR > 0: every fct_mrr row with MRR > 0 before the as-of month
    is followed by a row for the next month (continuing or churn); a churn is followed by nothing until
    a reactivation; an account's first row is `new` and a row after a gap is `reactivation`.
    Returns the offending rows.
-#}
with

clock as (

    select as_of_date from {{ ref('int_clock') }}

),

mrr as (

    select
        account_id,
        month_start,
        mrr_usd,
        movement,
        lead(month_start) over (partition by account_id order by month_start) as next_month_start,
        lag(month_start) over (partition by account_id order by month_start) as previous_month_start,
        lag(movement) over (partition by account_id order by month_start) as previous_movement
    from {{ ref('fct_mrr') }}

),

final as (

    select
        mrr.account_id,
        mrr.month_start,
        mrr.movement,
        mrr.next_month_start
    from mrr
    cross join clock
    where
        (
            mrr.mrr_usd > 0
            and mrr.month_start < cast({{ dbt.date_trunc('month', 'clock.as_of_date') }} as date)
            and (
                mrr.next_month_start is null
                or mrr.next_month_start <> cast({{ dbt.dateadd('month', 1, 'mrr.month_start') }} as date)
            )
        )
        or (mrr.previous_month_start is null and mrr.movement <> 'new')
        or (mrr.previous_movement = 'churn' and mrr.movement <> 'reactivation')
        or (mrr.previous_month_start is not null and mrr.movement = 'new')

)

select * from final
