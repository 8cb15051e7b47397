{#-
    Helpers of the conversion area (METRICS.md "Clock", "The account's path").
-#}

{#- day n since signup: floor((at - signup_at) / 1 day), an integer -#}
{% macro day_number_since(signup_at, at) -%}
    cast(floor({{ seconds_between(signup_at, at) }} / 86400.0) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Var readers of the conversion area: the values are validated once, at run start
    (validate_project_config); these only return them (see macros/config/config_values.sql). -#}

{#- a positive-integer var (days, minutes, units) -#}
{% macro positive_int_var(name) -%}
    {{ return(var(name) | int) }}
{%- endmacro %}

{#- a rate var (0-1) -#}
{% macro rate_var(name) -%}
    {{ return(plg_number(var(name))) }}
{%- endmacro %}

{#- a non-negative number var (score thresholds, weights, ratios) -#}
{% macro non_negative_var(name) -%}
    {{ return(plg_number(var(name))) }}
{%- endmacro %}

{#- the conversion windows of the dashboard (var conversion_windows): sorted, de-duplicated; outside a run (no
    run-start hook) an invalid value is skipped, so that only whole numbers reach SQL -#}
{% macro conversion_windows() -%}
    {%- set windows = var('conversion_windows') -%}
    {%- if windows is string or windows is mapping or windows is not iterable -%}{%- set windows = [] -%}{%- endif -%}
    {%- set clean = [] -%}
    {%- for w in windows if plg_is_number(w) and w > 0 and w == w | int and (w | int) not in clean -%}
        {%- do clean.append(w | int) -%}
    {%- endfor -%}
    {{ return(clean | sort if clean else [30]) }}
{%- endmacro %}

{#- every window (days) the per-account window flags are computed for: dashboard + segment + funnel + sales assist -#}
{% macro all_conversion_windows() -%}
    {%- set ws = conversion_windows() -%}
    {%- for name in ['segment_window_days', 'funnel_window_days', 'sales_assist_window_days'] -%}
        {%- set w = positive_int_var(name) -%}
        {%- if w not in ws -%}{%- do ws.append(w) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(ws | sort) }}
{%- endmacro %}

{#- engagement tier thresholds (0 <= low <= high <= 100, checked at run start): [low_below, high_min] -#}
{% macro engagement_tier_thresholds() -%}
    {{ return([non_negative_var('engagement_tier_low_below'), non_negative_var('engagement_tier_high_min')]) }}
{%- endmacro %}

{#- PES weights [breadth, frequency, team] (non-negative, summing to 100, checked at run start) -#}
{% macro pes_weights() -%}
    {{ return([non_negative_var('pes_weight_breadth'), non_negative_var('pes_weight_frequency'),
               non_negative_var('pes_weight_team')]) }}
{%- endmacro %}

{#- ICP tier thresholds (0 <= low <= high <= 100, checked at run start): [low_below, high_min] -#}
{% macro icp_tier_thresholds() -%}
    {{ return([non_negative_var('icp_tier_low_below'), non_negative_var('icp_tier_high_min')]) }}
{%- endmacro %}

{#- The one ratio of the project: numerator / denominator as a double, null when the denominator is 0 or
    null; with positive_only, null unless the denominator is > 0 (a money denominator, e.g. previous MRR,
    that a credit could make negative). -#}
{% macro safe_rate(numerator, denominator, positive_only=false) -%}
    {%- if positive_only -%}
    (case when ({{ denominator }}) > 0 then cast({{ numerator }} as {{ plg_type_double() }}) / ({{ denominator }}) end)
    {%- else -%}
    (cast({{ numerator }} as {{ plg_type_double() }}) / nullif({{ denominator }}, 0))
    {%- endif -%}
{%- endmacro %}

{#- "within W days of start": start <= at < start + W days (METRICS.md "Clock"); false when at is null.
    The one definition of converted / active / activated within a window. -#}
{% macro is_within_days(at, start_at, days) -%}
    coalesce({{ at }} >= {{ start_at }} and {{ at }} < {{ dbt.dateadd('day', days, start_at) }}, false)
{%- endmacro %}

{#- mature for a window of W days: start + W days <= the end of the as-of day -#}
{% macro is_mature_for(start_at, days, as_of_end_at) -%}
    ({{ dbt.dateadd('day', days, start_at) }} <= {{ as_of_end_at }})
{%- endmacro %}

{#- attribution of a conversion (METRICS.md "attribution"): sales_assisted when a sales_rep touch of the
    workspace's company falls in [signup_at, converted_at] (first_sales_touch_at: the earliest one at/after
    signup, int_touches_attributed), else self_serve; null when not converted or without a CRM. -#}
{% macro conversion_attribution(converted_at, first_sales_touch_at) -%}
    {%- if system_enabled('crm') -%}
    case
        when {{ converted_at }} is null then null
        when {{ first_sales_touch_at }} <= {{ converted_at }} then 'sales_assisted'
        else 'self_serve'
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- the dashboard's `overall` denominator for a window of W days (METRICS.md "Product-led conversion rate"):
    mature for W, and a trial or a freemium account active (a core event) within W -#}
{% macro is_in_plc_denominator(signup_at, free_model, first_core_event_at, days, as_of_end_at) -%}
    ({{ is_mature_for(signup_at, days, as_of_end_at) }}
    and ({{ free_model }} = 'trial' or {{ is_within_days(first_core_event_at, signup_at, days) }}))
{%- endmacro %}
