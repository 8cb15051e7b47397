{#-
    Fail fast on bad configuration, before any model runs (on-run-start hook).
    - every var that is a window, threshold, weight or rate is checked for type and range;
    - every declared source table must exist in the warehouse (else: say which var points where).
    Returns a no-op statement so it can be used as a hook.
-#}
{% macro validate_project_config() %}
    {%- if execute -%}
        {%- set errors = [] -%}

        {%- set windows = var('conversion_windows') -%}
        {%- if windows is string or windows is not iterable or windows | length == 0 -%}
            {%- do errors.append("conversion_windows must be a non-empty list of positive integers, e.g. [30, 60, 90]; got " ~ windows) -%}
        {%- else -%}
            {%- for w in windows -%}
                {%- if w is not number or w <= 0 or w != w | int -%}
                    {%- do errors.append("conversion_windows must hold positive integers; got " ~ w) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}

        {%- for name in ['trial_grace_days', 'lookback_days', 'future_tolerance_hours'] -%}
            {%- set v = var(name) -%}
            {%- if v is not number or v < 0 or v != v | int -%}
                {%- do errors.append(name ~ " must be a non-negative integer; got " ~ v) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- for name in ['segment_window_days', 'cohort_max_day_offset', 'activation_window_days', 'session_gap_minutes',
                         'engagement_window_days', 'pes_team_cap', 'feature_adoption_window_days', 'funnel_window_days',
                         'teammate_window_days', 'sales_assist_from_day', 'sales_assist_window_days',
                         'ltv_churn_trailing_months', 'product_adoption_window_days'] -%}
            {%- set v = var(name) -%}
            {%- if v is not number or v <= 0 or v != v | int -%}
                {%- do errors.append(name ~ " must be a positive integer; got " ~ v) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- for name in ['pqa_min_feature_adoption_rate', 'low_converting_rate_below', 'activation_target_rate',
                         'sales_assist_min_feature_adoption_rate', 'gross_margin'] -%}
            {%- set v = var(name) -%}
            {%- if v is not number or v < 0 or v > 1 -%}
                {%- do errors.append(name ~ " is a rate and must be between 0 and 1; got " ~ v) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- set weights = [var('pes_weight_breadth'), var('pes_weight_frequency'), var('pes_weight_team')] -%}
        {%- for v in weights -%}
            {%- if v is not number or v < 0 -%}
                {%- do errors.append("PES weights must be non-negative numbers; got " ~ v) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if errors | length == 0 and (weights | sum) != 100 -%}
            {%- do errors.append("pes_weight_breadth + pes_weight_frequency + pes_weight_team must sum to 100 (PES is 0-100); got " ~ (weights | sum)) -%}
        {%- endif -%}

        {%- for low_name, high_name in [('engagement_tier_low_below', 'engagement_tier_high_min'), ('icp_tier_low_below', 'icp_tier_high_min')] -%}
            {%- set low = var(low_name) -%}
            {%- set high = var(high_name) -%}
            {%- if low is not number or high is not number or low < 0 or high > 100 or low > high -%}
                {%- do errors.append(low_name ~ " and " ~ high_name ~ " must satisfy 0 <= low <= high <= 100; got " ~ low ~ " and " ~ high) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- for name in ['pqa_sales_assist_min_employees', 'sales_assist_min_employees'] -%}
            {%- set v = var(name) -%}
            {%- if v is not number or v < 0 -%}
                {%- do errors.append(name ~ " must be a non-negative number of employees; got " ~ v) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', var('reader_role') | string) -%}
            {%- do errors.append("reader_role must be a plain role name (letters, digits, underscore); got " ~ var('reader_role')) -%}
        {%- endif -%}

        {%- if errors | length > 0 -%}
            {{ exceptions.raise_compiler_error("Invalid project configuration (fix the vars in dbt_project.yml or --vars):\n  - " ~ (errors | join("\n  - "))) }}
        {%- endif -%}

        {#- ===== landing shapes, connections, optional sources (issue 11) ===== -#}
        {%- set landing_errors = [] -%}
        {%- for shape_var, allowed in [('billing_landing', ['native', 'fivetran_stripe']),
                                       ('product_landing', ['native']),
                                       ('crm_landing', ['native'])] -%}
            {%- if var(shape_var, 'native') not in allowed -%}
                {%- do landing_errors.append(shape_var ~ " must be one of " ~ (allowed | join(', ')) ~ "; got " ~ var(shape_var, 'native')) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for system in ['stripe'] -%}
            {%- set schemas = var(system ~ '_schemas', none) -%}
            {%- if schemas is not none -%}
                {%- if schemas is string or schemas is not iterable or schemas | length == 0 -%}
                    {%- do landing_errors.append(system ~ "_schemas must be a non-empty list of schema names, e.g. [raw_stripe_us, raw_stripe_eu] (or null for [" ~ system ~ "_schema]); got " ~ schemas) -%}
                {%- else -%}
                    {%- for schema in schemas -%}
                        {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', schema | string) -%}
                            {%- do landing_errors.append(system ~ "_schemas must hold plain schema names; got " ~ schema) -%}
                        {%- endif -%}
                    {%- endfor -%}
                    {%- if schemas | unique | list | length != schemas | length -%}
                        {%- do landing_errors.append(system ~ "_schemas lists a schema twice: " ~ schemas) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if landing_errors | length > 0 -%}
            {{ exceptions.raise_compiler_error("Invalid landing configuration (fix the vars in dbt_project.yml or --vars):\n  - " ~ (landing_errors | join("\n  - "))) }}
        {%- endif -%}
        {#- every connection of every enabled source: the declared sources cover the first schema (below);
            the other connections' tables are checked here -#}
        {%- set missing_connections = [] -%}
        {%- for source in graph.sources.values() -%}
            {%- set system = source.source_name.split('_')[0] -%}
            {%- for schema in landing_connections(system) if schema != source.schema -%}
                {%- set relation = adapter.get_relation(database=source.database, schema=schema, identifier=source.identifier) -%}
                {%- if relation is none -%}
                    {%- do missing_connections.append(source.source_name ~ "." ~ source.name ~ " (expected at " ~ schema ~ "." ~ source.identifier ~ ", var " ~ system ~ "_schemas)") -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if missing_connections | length > 0 -%}
            {{ exceptions.raise_compiler_error("Missing landing tables of a connection:\n  - " ~ (missing_connections | join("\n  - ")) ~ "\nEvery schema of <source>_schemas must hold the tables of the chosen shape (<source>_landing).") }}
        {%- endif -%}
        {#- ===== end of issue 11 block ===== -#}

        {#- every source table the project reads must exist -#}
        {%- set missing = [] -%}
        {%- for source in graph.sources.values() -%}
            {%- set relation = adapter.get_relation(database=source.database, schema=source.schema, identifier=source.identifier) -%}
            {%- if relation is none -%}
                {%- do missing.append(source.source_name ~ "." ~ source.name ~ " (expected at " ~ source.schema ~ "." ~ source.identifier ~ ", var " ~ source.source_name ~ "_schema)") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing | length > 0 -%}
            {{ exceptions.raise_compiler_error("Missing landing tables:\n  - " ~ (missing | join("\n  - ")) ~ "\nLoad the landing first (`python -m plg.generate --accounts 20000 --warehouse <file>` for the demo) or point the <source>_schema vars at your ELT schemas.") }}
        {%- endif -%}
    {%- endif -%}
    select 1 as config_ok
{% endmacro %}
