{#-
    Fail fast on bad configuration, before any model runs (on-run-start hook).
    - EVERY var of dbt_project.yml is checked for type and range (booleans are not numbers; dates must be
      real calendar dates; schema and role names must be plain identifiers), here and nowhere else. Vars
      reach SQL only through the readers of macros/config/config_values.sql and
      macros/conversion/conversion_helpers.sql, which do not check again: they render the validated value
      as a number or date literal, never raw text;
    - every declared source table must exist in the warehouse (else: say which var points where);
    - the landing contract: each enabled source table's declared columns and data_type (check_landing_contract).
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
                {%- if not plg_is_number(w) or w <= 0 or w > 3650 or w != w | int -%}
                    {%- do errors.append("conversion_windows must hold positive integers of days (at most 3650); got " ~ plg_show(w)) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}

        {%- for name, upper in [('trial_grace_days', 3650), ('lookback_days', 3650), ('future_tolerance_hours', 87600)] -%}
            {%- set v = var(name) -%}
            {%- if not plg_is_number(v) or v < 0 or v > upper or v != v | int -%}
                {%- do errors.append(name ~ " must be a whole number between 0 and " ~ upper ~ "; got " ~ plg_show(v)) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- for name in ['segment_window_days', 'cohort_max_day_offset', 'activation_window_days', 'session_gap_minutes',
                         'engagement_window_days', 'pes_team_cap', 'feature_adoption_window_days', 'funnel_window_days',
                         'teammate_window_days', 'sales_assist_from_day', 'sales_assist_window_days',
                         'ltv_churn_trailing_months', 'product_adoption_window_days', 'first_session_scan_hours'] -%}
            {%- set v = var(name) -%}
            {%- if not plg_is_number(v) or v <= 0 or v > 3650 or v != v | int -%}
                {%- do errors.append(name ~ " must be a whole number between 1 and 3650; got " ~ plg_show(v)) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- for name in ['pqa_min_feature_adoption_rate', 'low_converting_rate_below', 'activation_target_rate',
                         'sales_assist_min_feature_adoption_rate', 'gross_margin'] -%}
            {%- set v = var(name) -%}
            {%- if not plg_is_number(v) or v < 0 or v > 1 -%}
                {%- do errors.append(name ~ " is a rate and must be between 0 and 1; got " ~ plg_show(v)) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- set weight_names = ['pes_weight_breadth', 'pes_weight_frequency', 'pes_weight_team'] -%}
        {%- set weights = [] -%}
        {%- for name in weight_names -%}
            {%- set v = var(name) -%}
            {%- if plg_is_number(v) and v >= 0 -%}
                {%- do weights.append(v) -%}
            {%- else -%}
                {%- do errors.append(name ~ " is a PES weight and must be a non-negative number; got " ~ plg_show(v)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if weights | length == weight_names | length and (weights | sum) != 100 -%}
            {%- do errors.append("pes_weight_breadth + pes_weight_frequency + pes_weight_team must sum to 100 (PES is 0-100); got " ~ (weights | sum)) -%}
        {%- endif -%}

        {%- for low_name, high_name in [('engagement_tier_low_below', 'engagement_tier_high_min'), ('icp_tier_low_below', 'icp_tier_high_min')] -%}
            {%- set low = var(low_name) -%}
            {%- set high = var(high_name) -%}
            {%- if not plg_is_number(low) or not plg_is_number(high) or low < 0 or high > 100 or low > high -%}
                {%- do errors.append(low_name ~ " and " ~ high_name ~ " must satisfy 0 <= low <= high <= 100; got " ~ plg_show(low) ~ " and " ~ plg_show(high)) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- for name in ['pqa_sales_assist_min_employees', 'sales_assist_min_employees'] -%}
            {%- set v = var(name) -%}
            {%- if not plg_is_number(v) or v < 0 -%}
                {%- do errors.append(name ~ " must be a non-negative number of employees; got " ~ plg_show(v)) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', var('reader_role') | string) -%}
            {%- do errors.append("reader_role must be a plain role name (letters, digits, underscore); got " ~ var('reader_role')) -%}
        {%- endif -%}

        {#- the clock: null, or a real calendar date -#}
        {%- if var('as_of_date') is not none and not plg_is_date(var('as_of_date')) -%}
            {%- do errors.append("as_of_date must be null or a real date written YYYY-MM-DD (e.g. 2026-06-30); got " ~ var('as_of_date')) -%}
        {%- endif -%}

        {#- money noise threshold (USD): a number, 0 <= epsilon < 1 -#}
        {%- set eps = var('mrr_change_epsilon') -%}
        {%- if not plg_is_number(eps) or eps < 0 or eps >= 1 -%}
            {%- do errors.append("mrr_change_epsilon must be a number of USD with 0 <= epsilon < 1 (e.g. 0.000001); got " ~ plg_show(eps)) -%}
        {%- endif -%}

        {#- segment priority ratios: numbers, 0 <= low <= high -#}
        {%- set low_ratio = var('segment_priority_low_ratio') -%}
        {%- set high_ratio = var('segment_priority_high_ratio') -%}
        {%- if not plg_is_number(low_ratio) or not plg_is_number(high_ratio) or low_ratio < 0 or low_ratio > high_ratio or high_ratio > 1000 -%}
            {%- do errors.append("segment_priority_low_ratio and segment_priority_high_ratio must be numbers with 0 <= low <= high <= 1000; got " ~ plg_show(low_ratio) ~ " and " ~ plg_show(high_ratio)) -%}
        {%- endif -%}

        {%- if plg_is_number(var('sales_assist_from_day')) and plg_is_number(var('sales_assist_window_days'))
              and var('sales_assist_from_day') >= var('sales_assist_window_days') -%}
            {%- do errors.append("sales_assist_from_day must be smaller than sales_assist_window_days; got " ~ var('sales_assist_from_day') ~ " and " ~ var('sales_assist_window_days')) -%}
        {%- endif -%}

        {#- landing schemas: used only as identifiers -#}
        {%- for name in ['product_schema', 'crm_schema', 'stripe_schema', 'finance_schema', 'surveys_schema'] -%}
            {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', var(name) | string) -%}
                {%- do errors.append(name ~ " must be a plain schema name (letters, digits, underscore); got " ~ var(name)) -%}
            {%- endif -%}
        {%- endfor -%}

        {#- ===== landing guards (issue 12, staging half): clock bounds, money bounds, quarantine share ===== -#}
        {%- set v = var('received_future_tolerance_hours') -%}
        {%- if v is not number or v is boolean or v < 0 or v != v | int -%}
            {%- do errors.append("received_future_tolerance_hours must be a non-negative integer (hours); got " ~ v) -%}
        {%- endif -%}
        {%- set v = var('earliest_plausible_date') | string -%}
        {%- set parsed_ok = modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', v) is not none -%}
        {%- if parsed_ok -%}
            {%- set y, m, d = v.split('-') | map('int') | list -%}
            {%- set parsed_ok = 1900 <= y <= 2999 and 1 <= m <= 12 and 1 <= d <= [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] -%}
        {%- endif -%}
        {%- if not parsed_ok -%}
            {%- do errors.append("earliest_plausible_date must be a real date written YYYY-MM-DD (e.g. \"2000-01-01\"); got " ~ v) -%}
        {%- endif -%}
        {%- set v = var('max_plausible_amount') -%}
        {%- if v is not number or v is boolean or v <= 0 -%}
            {%- do errors.append("max_plausible_amount must be a positive number (major units); got " ~ v) -%}
        {%- endif -%}
        {%- set v = var('min_subscription_line_amount') -%}
        {%- if v is not number or v is boolean -%}
            {%- do errors.append("min_subscription_line_amount must be a number (major units, e.g. 0); got " ~ v) -%}
        {%- endif -%}
        {%- set v = var('quarantine_max_share') -%}
        {%- if v is not number or v is boolean or v < 0 or v > 1 -%}
            {%- do errors.append("quarantine_max_share is a share and must be between 0 and 1; got " ~ v) -%}
        {%- endif -%}
        {%- set overrides = var('quarantine_max_share_by_table') -%}
        {%- if overrides is not mapping -%}
            {%- do errors.append("quarantine_max_share_by_table must be a mapping {table: share} (e.g. {events: 0.1}); got " ~ overrides) -%}
        {%- else -%}
            {%- for table, share in overrides.items() -%}
                {%- if not modules.re.match('^[a-z_][a-z0-9_]*$', table | string) or share is not number or share is boolean or share < 0 or share > 1 -%}
                    {%- do errors.append("quarantine_max_share_by_table: " ~ table ~ " must be a table name with a share between 0 and 1; got " ~ share) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {#- ===== end landing guards ===== -#}

        {#- the catalogue check: a positive whole number of core features, or null (no count check) -#}
        {%- set cfc = var('core_feature_count', 9) -%}
        {%- if cfc is not none and (not plg_is_number(cfc) or cfc < 1 or cfc != cfc | int) -%}
            {%- do errors.append("core_feature_count must be a positive whole number (the core features of seeds/event_catalogue.csv) or null; got " ~ cfc) -%}
        {%- endif -%}

        {#- the data tests of an incremental run read this run's event window unless full_tests (issue 13) -#}
        {%- if var('full_tests', false) is not boolean -%}
            {%- do errors.append("full_tests must be true or false (true: the data tests of an incremental run read every row, not only this run's event window); got " ~ plg_show(var('full_tests'))) -%}
        {%- endif -%}

        {%- if errors | length > 0 -%}
            {{ exceptions.raise_compiler_error("Invalid project configuration (fix the vars in dbt_project.yml or --vars):\n  - " ~ (errors | join("\n  - "))) }}
        {%- endif -%}

        {#- ===== landing shapes, connections, optional sources (issue 11) ===== -#}
        {%- set landing_errors = [] -%}
        {%- for shape_var, allowed in [('billing_landing', ['native', 'fivetran_stripe']),
                                       ('product_landing', ['native', 'segment']),
                                       ('crm_landing', ['native', 'fivetran_hubspot'])] -%}
            {%- if var(shape_var, 'native') not in allowed -%}
                {%- do landing_errors.append(shape_var ~ " must be one of " ~ (allowed | join(', ')) ~ "; got " ~ var(shape_var, 'native')) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for system in ['stripe', 'product', 'crm', 'finance', 'surveys'] -%}
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
        {%- set event_tables = var('segment_event_tables', []) -%}
        {%- if event_tables is string or event_tables is not iterable -%}
            {%- do landing_errors.append("segment_event_tables must be a list of Segment per-event table names, e.g. [report_created, teammate_invited]; got " ~ event_tables) -%}
        {%- else -%}
            {%- for table in event_tables if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', table | string) -%}
                {%- do landing_errors.append("segment_event_tables must hold plain table names; got " ~ table) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set account_property = var('hubspot_account_id_property', 'account_id') -%}
        {%- if account_property is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', account_property) -%}
            {%- do landing_errors.append("hubspot_account_id_property must be a plain HubSpot company property name (its column is property_<name>), e.g. account_id; got " ~ account_property) -%}
        {%- endif -%}
        {%- set demo_titles = var('hubspot_demo_meeting_titles', ['Demo']) -%}
        {%- if demo_titles is string or demo_titles is not iterable or demo_titles | length == 0 -%}
            {%- do landing_errors.append("hubspot_demo_meeting_titles must be a non-empty list of meeting titles, e.g. [Demo, Product demo]; got " ~ demo_titles) -%}
        {%- else -%}
            {%- for title in demo_titles if title is not string or not modules.re.match('^[A-Za-z0-9 _-]+$', title) -%}
                {%- do landing_errors.append("hubspot_demo_meeting_titles must hold plain titles (letters, digits, spaces, _ -); got " ~ title) -%}
            {%- endfor -%}
        {%- endif -%}
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
        {%- if system_enabled('crm') and landing_shape('crm') == 'fivetran_hubspot' and landing_errors | length == 0 -%}
            {%- for source in graph.sources.values() if source.source_name == 'crm_hubspot' and source.name == 'company' -%}
                {%- for schema in landing_connections('crm') -%}
                    {%- set relation = adapter.get_relation(database=source.database, schema=schema, identifier=source.identifier) -%}
                    {%- if relation is not none and hubspot_account_id_column() not in landed_columns(relation) -%}
                        {%- do missing_connections.append(schema ~ "." ~ source.identifier ~ " has no column " ~ hubspot_account_id_column() ~ " (the company property of var hubspot_account_id_property)") -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endif -%}
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

        {#- the landing contract (columns and types of every enabled source table) -#}
        {%- do check_landing_contract() -%}
    {%- endif -%}
    select 1 as config_ok
{% endmacro %}
