"""Portable SQL by construction (issue 7.4): the check passes on the project and can fail."""

from __future__ import annotations

import pytest

from plg.checks import portability as p

# one planted offending snippet per rule (each must be caught by its own rule)
BAD = {
    "double_colon_cast": "select amount::double as amount_usd from t",
    "try_cast": "select try_cast(x as integer) as x from t",
    "engine_type_name": "select cast(x as string) as x from t",
    "postgres_type_name": "select cast(x as text) as x from t",
    "double_type": "select cast(x as double) as x from t",
    "qualify": "select * from t qualify row_number() over (partition by a order by b) = 1",
    "star_exclude_replace": "select * exclude (email) from users",
    "group_by_all": "select a, count(*) as n from t group by all",
    "columns_star": "select columns('amount_.*') from t",
    "filter_where": "select count(*) filter (where is_paid) as paid from t",
    "special_joins": "select a.x from a asof join b on a.t >= b.t",
    "distinct_on": "select distinct on (account_id) account_id, x from t",
    "pivot": "pivot t on month using sum(x)",
    "integer_division": "select a // b as q from t",
    "ilike": "select x from t where name ilike '%a%'",
    "arrow_operator": "select properties ->> 'feature' as f from t",
    "lambda_keyword": "select list_transform(xs, lambda x: x + 1) from t",
    "list_functions": "select list_aggregate(xs, 'sum') as s from t",
    "unnest": "select unnest(xs) as x from t",
    "json_functions": "select json_extract_string(properties, '$.feature') as f from t",
    "epoch": "select epoch(occurred_at) as s from t",
    "strftime_strptime": "select strftime(occurred_at, '%Y-%m') as m from t",
    "date_diff_add": "select date_diff('day', a, b) as d from t",
    "interval_literal": "select a + interval 1 day as b from t",
    "last_day": "select last_day(d) as e from t",
    "median_quantile": "select median(hours) as m from t",
    "arg_min_max": "select arg_max(plan, created_at) as p from t",
    "count_if": "select count_if(is_paid) as n from t",
    "regexp_duckdb": "select regexp_matches(email, '@') as m from t",
    "if_function": "select if(a > 0, 1, 0) as f from t",
    "ifnull_nvl": "select ifnull(a, 0) as f from t",
    "string_agg": "select string_agg(name, ',') as names from t",
    "list_aggregates": "select group_concat(name) as names from t",
    "hash_function": "select hash(email) as h from t",
    "duckdb_string_functions": "select x from t where starts_with(name, 'acc_')",
    "generate_series": "select * from generate_series(1, 10)",
    "range_function": "select * from range(10)",
    "file_readers": "select * from read_parquet('landing/*.parquet')",
}

PORTABLE_MODEL = """
{{ config(materialized='table') }}
-- a comment may say ::, qualify, group by all, median(x) or epoch(x): comments are not SQL
/* block comment: select * exclude (x) */
with events as (

    select * from {{ ref('stg_product__events') }}

),

final as (

    select
        account_id,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        {{ dbt.datediff('signup_at', 'occurred_at', 'day') }} as days_since_signup,
        {{ median('hours') }} as median_hours,
        case when event_name = 'qualify::group by all' then 1 else 0 end as is_odd_name,
        coalesce(invitee_count, 0) as invitee_count,
        recurring_interval,
        row_number() over (partition by account_id order by occurred_at) as event_number
    from events
    where event_name like 'signed%'

)

select * from final
"""


def test_project_has_no_engine_specific_sql():
    findings = p.scan_project()
    assert not findings, (
        "engine-specific SQL outside <adapter>__ macros (move it to a dispatched macro in macros/cross_db/):\n"
        + "\n".join(str(f) for f in findings)
    )


def test_every_rule_has_a_planted_snippet():
    assert set(BAD) == {r.name for r in p.RULES}


@pytest.mark.parametrize("rule", sorted(BAD))
def test_check_fails_on_planted_snippet(rule):
    findings = p.scan_sql(BAD[rule], "planted.sql")
    assert rule in {f.rule for f in findings}, f"{rule} not caught in: {BAD[rule]}"


def test_portable_model_is_clean():
    findings = p.scan_sql(PORTABLE_MODEL, "portable.sql")
    assert findings == [], [str(f) for f in findings]


def test_line_numbers_survive_jinja_and_comments():
    sql = "{# header\nspanning lines #}\nselect a\n-- ::\nfrom t\nqualify x = 1\n"
    (finding,) = p.scan_sql(sql, "m.sql")
    assert (finding.rule, finding.line) == ("qualify", 6)


def test_only_adapter_specific_macros_may_hold_engine_sql():
    macros = """
{% macro thing(x) %}{{ return(adapter.dispatch('thing', 'plg_analytics')(x)) }}{% endmacro %}
{% macro default__thing(x) -%}
    {{ x }}::integer + coalesce(cast({{ x }} as json) ->> 'a', '') + median({{ x }})
{%- endmacro %}
{% macro duckdb__thing(x) -%}
    epoch({{ x }})::integer
{%- endmacro %}
{% macro spark__thing(x) -%}
    unix_timestamp({{ x }})
{%- endmacro %}
{% macro plain_helper(x) -%}
    median({{ x }})
{%- endmacro %}
"""
    findings = p.scan_macro_file(macros, "macros/x.sql")
    # default__ (ANSI/PostgreSQL) may use `::` and `->>`, not DuckDB-only median(); plain macros nothing
    assert sorted((f.rule, f.line) for f in findings) == [("median_quantile", 4), ("median_quantile", 13)]


def test_cli_fails_on_a_planted_bad_model(tmp_path, capsys):
    bad = tmp_path / "models" / "bad_model.sql"
    bad.parent.mkdir()
    bad.write_text("select account_id, amount::double as amount from {{ ref('x') }} group by all\n")
    good = tmp_path / "models" / "good_model.sql"
    good.write_text(PORTABLE_MODEL)
    assert p.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad_model.sql:1" in out and "double_colon_cast" in out and "group_by_all" in out
    assert "good_model.sql" not in out
    assert p.main([str(good)]) == 0
