"""Run-start checks (issue 12): bad vars, schema drift and a truncated date spine never build wrong marts.

- every var is validated by type and range once, at run start (on-run-start validate_project_config),
  before any model runs, with a message naming the var: a date that is not a real date, text where a
  number goes (``mrr_change_epsilon: "0 or true"`` must never reach SQL), booleans, out-of-range windows,
  a schema name that is not an identifier;
- schema drift of the landing (a dropped column, a renamed one, a timestamp or an amount landed as text)
  stops the run at run start, naming the landing table, the column, the expected and the found type;
  a timestamptz column or a double amount (compatible families) is accepted;
- a date far in the past (a signup in 1900, an FX rate in 1700) never truncates the month or day spine
  silently: either the build fails on the spine's completeness test (date_spine_reaches_as_of), or the
  date was handled upstream and the spine reaches the as-of month.
Each case batches several faults into one build of a small generated landing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.helpers.build import PROJECT_DIR, DbtBuildError, build_project

ACCOUNTS = 300


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("runstart_landing") / "landing.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", str(ACCOUNTS), "--seed", "3", "--warehouse", str(path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return path


def _copy(landing: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "wh.duckdb"
    shutil.copy(landing, dst)
    return dst


def _built_tables(warehouse: Path) -> list[str]:
    """Tables and views dbt built (dbt creates the empty schemas before the run-start hooks)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [
            f"{r[0]}.{r[1]}"
            for r in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema like 'analytics%' and table_name <> 'plg_run_log'"
            ).fetchall()
        ]
    finally:
        con.close()


def _build_fails(warehouse: Path, **kwargs) -> str:
    with pytest.raises(DbtBuildError) as caught:
        build_project(warehouse, extra_args=["--exclude-resource-type", "unit_test"], **kwargs)
    return str(caught.value)


def test_bad_vars_fail_at_run_start_naming_each_var(landing, tmp_path):
    warehouse = _copy(landing, tmp_path)
    bad = {
        "as_of_date": "2026-13-45",
        "mrr_change_epsilon": "0 or true",
        "lookback_days": True,
        "segment_window_days": 0,
        "gross_margin": 1.5,
        "conversion_windows": [30, "60 or 1=1"],
        "product_schema": "raw_product; drop table x",
        "first_session_scan_hours": -1,
        "pes_team_cap": 2.5,
        "segment_priority_low_ratio": 3,
        "future_tolerance_hours": "24",
        # checks once written again in readers and models (issue 15): the run-start hook alone reports them
        "icp_tier_low_below": 80,
        "engagement_tier_high_min": 101,
        "pes_weight_team": "20",
        "sales_assist_from_day": 95,
    }
    # (dbt parses --vars as YAML: "24" stays the text '24', which is not a number)
    message = _build_fails(warehouse, vars=bad)
    print(message[-2500:])
    assert "Invalid project configuration" in message
    assert "future_tolerance_hours must be a whole number between 0 and 87600; got '24' (text)" in message
    assert "pes_weight_team is a PES weight and must be a non-negative number; got '20' (text)" in message
    assert "icp_tier_low_below and icp_tier_high_min must satisfy 0 <= low <= high <= 100; got 80 and 70" in message
    assert "sales_assist_from_day must be smaller than sales_assist_window_days; got 95 and 90" in message
    for name in bad:
        assert f"- {name}" in message or f"{name} and" in message or f"and {name}" in message, name
    assert _built_tables(warehouse) == [], "a model was built"


def test_pes_weights_must_sum_to_100(landing, tmp_path):
    warehouse = _copy(landing, tmp_path)
    message = _build_fails(warehouse, vars={"pes_weight_breadth": 50}, select="int_clock")
    assert "must sum to 100 (PES is 0-100); got 110" in message


def test_february_29_only_in_leap_years(landing, tmp_path):
    warehouse = _copy(landing, tmp_path)
    message = _build_fails(warehouse, vars={"as_of_date": "2025-02-29"}, select="int_clock")
    assert "as_of_date must be null or a real date" in message and "2025-02-29" in message
    build_project(
        warehouse,
        vars={"as_of_date": "2024-02-29"},
        select="int_clock",  # a real date: builds
        extra_args=["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert str(con.execute("select as_of_date from analytics_intermediate.int_clock").fetchone()[0]) == "2024-02-29"
    finally:
        con.close()


def test_schema_drift_is_named_at_run_start(landing, tmp_path):
    warehouse = _copy(landing, tmp_path)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("alter table raw_product.users drop column role")  # dropped
        con.execute("alter table raw_product.events rename column received_at to received_time")  # renamed
        con.execute("alter table raw_product.accounts alter column created_at type varchar")  # ts as text
        con.execute("alter table raw_stripe.invoice_line_items alter column amount type varchar")  # money as text
        con.execute("alter table raw_stripe.subscriptions alter column created type timestamptz")  # compatible
        con.execute("alter table raw_finance.gtm_spend alter column amount type double")  # compatible
    finally:
        con.close()
    message = _build_fails(warehouse)
    print(message[-2500:])
    assert "Landing schema drift" in message
    assert "raw_product.users (source product.users): column role is missing (expected varchar" in message
    assert "raw_product.events (source product.events): column received_at is missing (expected timestamp" in message
    assert "received_time" in message  # the found columns are listed: the rename is visible
    assert (
        "raw_product.accounts (source product.accounts): column created_at expected type timestamp "
        "(timestamp), found varchar"
    ) in message
    assert (
        "raw_stripe.invoice_line_items (source stripe.invoice_line_items): column amount expected type bigint "
        "(integer), found varchar"
    ) in message
    assert (
        "column created expected" not in message
        and "gtm_spend (source finance.gtm_spend): column amount" not in message
    )
    assert _built_tables(warehouse) == [], "a model was built"


def test_far_past_dates_never_truncate_the_spines_silently(landing, tmp_path):
    """A signup in 1900 needs a month spine of ~1,520 months, past the spine's 1,000-month bound: the spine's
    completeness test must stop the build before the marts. By default staging quarantines such a date
    (implausible_signup_at, earliest_plausible_date 2000-01-01: test_real_dirt); here the var admits 1900,
    so the date reaches the spine."""
    warehouse = _copy(landing, tmp_path)
    con = duckdb.connect(str(warehouse))
    try:
        account = con.execute("select min(account_id) from raw_product.accounts where not is_internal").fetchone()[0]
        con.execute(
            "update raw_product.accounts set created_at = timestamp '1900-01-15 10:00:00' where account_id = ?",
            [account],
        )
    finally:
        con.close()
    with pytest.raises(DbtBuildError) as failure:
        build_project(
            warehouse,
            select="+int_kpi_months",
            vars={"earliest_plausible_date": "1900-01-01"},
            extra_args=["--exclude-resource-type", "unit_test", "--indirect-selection", "cautious"],
        )
    message = str(failure.value)
    print(message[-2500:])
    assert "date_spine_reaches_as_of_int_kpi_months_month_start" in message


def test_sources_yaml_declares_the_landing_contract():
    """The data_type of every source column (what the run-start drift check compares) is the landing
    contract the generator and the fixtures write (plg.landing_schema, from SOURCES.md)."""
    import yaml

    from plg.landing_schema import LANDING_TABLES

    declared = {}
    for path in sorted((PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                declared[(source["name"], table["name"])] = [
                    (c["name"], c.get("data_type")) for c in table.get("columns", [])
                ]
    for key, columns in LANDING_TABLES.items():
        assert key in declared, f"{key} is in the landing contract but not in a sources YAML"
        assert [(n, t.lower()) for n, t in columns] == declared[key], key
