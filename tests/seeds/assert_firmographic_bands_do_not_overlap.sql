{#-
    seeds/firmographic_segments.csv: the bounded bands (min_employees <= employee_count < max_employees) must not
    overlap, or an account would fall in two segments. Each failing row names the two seed rows and their bounds;
    to move a boundary, change the upper bound of one band and the lower bound of the next together (e.g. SMB
    max_employees 50 -> 20 and Mid-Market min_employees 50 -> 20). Stored failures:
    select * from <schema>_dbt_test__audit.assert_firmographic_bands_do_not_overlap.
-#}
{{ config(store_failures=true) }}

with

bands as (

    select
        segment_name,
        min_employees,
        max_employees
    from {{ ref('firmographic_segments') }}
    where min_employees is not null

),

band_overlaps as (

    select
        lower_band.segment_name,
        lower_band.min_employees,
        lower_band.max_employees,
        upper_band.segment_name as overlapping_segment_name,
        upper_band.min_employees as overlapping_min_employees,
        upper_band.max_employees as overlapping_max_employees
    from bands as lower_band
    inner join bands as upper_band
        on
            lower_band.segment_name < upper_band.segment_name
            and (upper_band.max_employees is null or lower_band.min_employees < upper_band.max_employees)
            and (lower_band.max_employees is null or lower_band.max_employees > upper_band.min_employees)

)

select * from band_overlaps
