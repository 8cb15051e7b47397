{#-
    MRR per account x month (public mart, MARTS.md): every month in which the account has MRR > 0,
    plus each churn month (MRR 0 after a month with MRR > 0). No month after the as-of month;
    the as-of month is measured on the as-of day. See int_mrr_account_monthly for the movements.
-#}
with

account_months as (

    select
        account_id,
        month_start,
        mrr_usd,
        previous_mrr_usd,
        mrr_change_usd,
        movement_amount_usd,
        fx_adjustment_usd,
        movement
    from {{ ref('int_mrr_account_monthly') }}
    where movement <> 'inactive'

),

final as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(month_start as date) as month_start,
        cast(mrr_usd as {{ plg_type_double() }}) as mrr_usd,
        cast(previous_mrr_usd as {{ plg_type_double() }}) as previous_mrr_usd,
        cast(mrr_change_usd as {{ plg_type_double() }}) as mrr_change_usd,
        cast(fx_adjustment_usd as {{ plg_type_double() }}) as fx_adjustment_usd,
        cast(movement as {{ dbt.type_string() }}) as movement,
        cast(movement_amount_usd as {{ plg_type_double() }}) as movement_amount_usd
    from account_months

)

select * from final
