{#-
    METRICS.md: the catalogue's core features, each its own feature (one core event per feature), as many as
    var core_feature_count (default 9). Set the var to the new count when you change `is_core` in
    seeds/event_catalogue.csv (e.g. --vars '{core_feature_count: 8}'), or to null to drop the check.
    A failing row says what the catalogue has and what the var expects.
-#}
{%- set expected = var('core_feature_count', 9) %}
{%- set is_count = expected is number and expected is not boolean and expected >= 1 and expected == expected | int %}
{%- if expected is not none and not is_count -%}
    {{ exceptions.raise_compiler_error("var core_feature_count must be a positive whole number (the number of core features in seeds/event_catalogue.csv) or null, got '" ~ expected ~ "'") }}
{%- endif %}

with

catalogue as (

    select
        event_name,
        feature_name,
        is_core
    from {{ ref('event_catalogue') }}

),

core as (

    select
        count(*) as core_events,
        count(distinct feature_name) as core_features
    from catalogue
    where is_core

)

select
    core_events,
    core_features,
    {{ expected if expected is not none else 'null' }} as expected_core_features
from core
{%- if expected is not none %}
where core_events != {{ expected | int }} or core_features != {{ expected | int }}
{%- else %}
where core_events != core_features
{%- endif %}
