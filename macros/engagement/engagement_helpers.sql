{#-
    Helpers of the engagement area (METRICS.md "Engagement"): the incremental rescan window of the compact
    core-event aggregate (int_account_days_aggregated), the core-feature count and the PES formula
    (int_engagement_scored, int_engagement_weekly).
-#}

{#- The rescan window of an incremental core-event aggregate ({{ this }} has a last_received_at column),
    returned as {'rescan_from_at': ..., 'scan_from_at': ...} (strings, none on a full build / at parse time):
    - rescan_from_at: max(last_received_at) of this table - var lookback_days (same convention as
      stg_product__events): the keys touched by staged events (the verdicts with no quarantine rule, as the
      model reads them) received from it on are recomputed;
    - scan_from_at: no event of a touched key occurred before it (a key's day starts after its touching
      event's occurred_at - 1 day), so the events can be pruned on occurred_at too.
    Both are read first so the model can inline them as literals (pushed down to the staging scans). -#}
{% macro engagement_rescan_bounds() -%}
    {%- set bounds = {'rescan_from_at': none, 'scan_from_at': none} -%}
    {%- if is_incremental() and execute -%}
        {%- set rescan_query -%}
with bound as (

    select {{ dbt.dateadd('day', -1 * non_negative_int_var('lookback_days'), 'max(last_received_at)') }} as rescan_from_at
    from {{ this }}

)

select
    cast(bound.rescan_from_at as {{ dbt.type_string() }}) as rescan_from_at,
    cast({{ dbt.dateadd('day', -1, 'min(events.occurred_at)') }} as {{ dbt.type_string() }}) as scan_from_at
from bound
left join {{ ref('base_product__event_verdicts') }} as events
    on
        events.received_at >= bound.rescan_from_at
        and events.quarantine_rule is null
group by bound.rescan_from_at
        {%- endset -%}
        {%- set result = run_query(rescan_query) -%}
        {%- do bounds.update({
            'rescan_from_at': result.columns[0].values()[0],
            'scan_from_at': result.columns[1].values()[0]
        }) -%}
    {%- endif -%}
    {{ return(bounds) }}
{%- endmacro %}

{#- active users capped at var pes_team_cap: min(users, cap) -#}
{% macro pes_capped_users(active_users) -%}
    {%- set team_cap = positive_int_var('pes_team_cap') -%}
    {{ return('case when ' ~ active_users ~ ' < ' ~ team_cap ~ ' then ' ~ active_users ~ ' else ' ~ team_cap ~ ' end') }}
{%- endmacro %}

{#- PES (0-100) over a window of window_days days: weights (vars pes_weight_*) x breadth (core features used /
    all core features), frequency (active days / window_days), team (min(active users, pes_team_cap) / cap) -#}
{% macro pes_score(core_features_used, core_features_total, active_days, window_days, active_users) -%}
    {%- set weights = pes_weights() -%}
    {%- set team_cap = positive_int_var('pes_team_cap') -%}
    coalesce({{ safe_rate(weights[0] ~ ' * ' ~ core_features_used, core_features_total) }}, 0)
    + {{ safe_rate(weights[1] ~ ' * ' ~ active_days, window_days) }}
    + {{ safe_rate(weights[2] ~ ' * (' ~ pes_capped_users(active_users) ~ ')', team_cap) }}
{%- endmacro %}

{#- all core features of the normalised event catalogue (a scalar subquery: the breadth denominator) -#}
{% macro core_features_total() -%}
    (
        select count(distinct core_catalogue.feature_name)
        from {{ ref('stg_product__event_catalogue') }} as core_catalogue
        where core_catalogue.is_core
    )
{%- endmacro %}
