{#- No fct_mrr month after the as-of month (so an account paying in the as-of month has no churn row). -#}
with

clock as (

    select as_of_date from {{ ref('int_clock') }}

),

final as (

    select
        fct_mrr.account_id,
        fct_mrr.month_start,
        fct_mrr.movement
    from {{ ref('fct_mrr') }} as fct_mrr
    cross join clock
    where fct_mrr.month_start > clock.as_of_date

)

select * from final
