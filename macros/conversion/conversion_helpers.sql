{#-
    Helpers of the conversion area (METRICS.md "Clock", "The account's path").
-#}

{#- day n since signup: floor((at - signup_at) / 1 day), an integer -#}
{% macro day_number_since(signup_at, at) -%}
    cast(floor({{ seconds_between(signup_at, at) }} / 86400.0) as {{ dbt.type_int() }})
{%- endmacro %}

{#- a positive-integer var, validated (fail fast with a message saying what to fix) -#}
{% macro positive_int_var(name) -%}
    {%- set v = var(name) -%}
    {%- if execute and (v is not number or v is boolean or v <= 0 or v != v | int) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a positive whole number of days/minutes/units, got '" ~ v ~ "'. Fix it in dbt_project.yml or with --vars '{" ~ name ~ ": <positive integer>}'") }}
    {%- endif -%}
    {{ return(v | int) }}
{%- endmacro %}

{#- a rate var (0-1), validated -#}
{% macro rate_var(name) -%}
    {%- set v = var(name) -%}
    {%- if execute and (v is not number or v is boolean or v < 0 or v > 1) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " is a rate and must be a number between 0 and 1, got '" ~ v ~ "'. Fix it in dbt_project.yml or with --vars") }}
    {%- endif -%}
    {{ return(v) }}
{%- endmacro %}

{#- a non-negative number var (score thresholds, weights), validated -#}
{% macro non_negative_var(name) -%}
    {%- set v = var(name) -%}
    {%- if execute and (v is not number or v is boolean or v < 0) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a non-negative number, got '" ~ v ~ "'. Fix it in dbt_project.yml or with --vars") }}
    {%- endif -%}
    {{ return(v) }}
{%- endmacro %}

{#- the conversion windows of the dashboard (var conversion_windows), validated, sorted, de-duplicated -#}
{% macro conversion_windows() -%}
    {%- set windows = var('conversion_windows') -%}
    {#- (checked at run start by validate_project_config; at parse time an invalid value is skipped) -#}
    {%- if windows is string or windows is mapping or windows is not iterable or windows | length == 0 -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error("var conversion_windows must be a non-empty list of positive integers (days), e.g. [30, 60, 90]; got '" ~ windows ~ "'") }}
        {%- endif -%}
        {{ return([30]) }}
    {%- endif -%}
    {%- set clean = [] -%}
    {%- for w in windows -%}
        {%- if w is not number or w is boolean or w <= 0 or w != w | int -%}
            {%- if execute -%}
                {{ exceptions.raise_compiler_error("var conversion_windows must hold positive integers (days), got '" ~ w ~ "' in " ~ windows) }}
            {%- endif -%}
        {%- elif (w | int) not in clean -%}{%- do clean.append(w | int) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(clean | sort) }}
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

{#- validated engagement tier thresholds: returns [low_below, high_min] -#}
{% macro engagement_tier_thresholds() -%}
    {%- set low = non_negative_var('engagement_tier_low_below') -%}
    {%- set high = non_negative_var('engagement_tier_high_min') -%}
    {%- if execute and (low > high or high > 100) -%}
        {{ exceptions.raise_compiler_error("PES tiers need 0 <= engagement_tier_low_below <= engagement_tier_high_min <= 100, got low_below=" ~ low ~ ", high_min=" ~ high) }}
    {%- endif -%}
    {{ return([low, high]) }}
{%- endmacro %}

{#- validated PES weights: returns [breadth, frequency, team]; they must sum to 100 so the score is 0-100 -#}
{% macro pes_weights() -%}
    {%- set ws = [non_negative_var('pes_weight_breadth'), non_negative_var('pes_weight_frequency'), non_negative_var('pes_weight_team')] -%}
    {%- if execute and (ws | sum) != 100 -%}
        {{ exceptions.raise_compiler_error("PES weights pes_weight_breadth + pes_weight_frequency + pes_weight_team must sum to 100 (the score is 0-100), got " ~ ws ~ ". Fix them in dbt_project.yml or with --vars") }}
    {%- endif -%}
    {{ return(ws) }}
{%- endmacro %}

{#- validated ICP tier thresholds: returns [low_below, high_min] -#}
{% macro icp_tier_thresholds() -%}
    {%- set low = non_negative_var('icp_tier_low_below') -%}
    {%- set high = non_negative_var('icp_tier_high_min') -%}
    {%- if execute and (low > high or high > 100) -%}
        {{ exceptions.raise_compiler_error("ICP tiers need 0 <= icp_tier_low_below <= icp_tier_high_min <= 100, got low_below=" ~ low ~ ", high_min=" ~ high) }}
    {%- endif -%}
    {{ return([low, high]) }}
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
