"""Public marts check not-null, ranges and accepted values through their enforced contracts (issue 13,
fewer nodes), not through ~157 not_null / accepted_range / accepted_values / expression_is_true data tests:
the constraints are part of the table's DDL, so a violating row fails the model's build.

- test_mart_constraints_are_enforceable: every mart carrying a not_null or check constraint (column or model
  level) is a model whose contract is enforced and whose materialization applies constraints (table/incremental; a
  view or ephemeral model would drop the check silently).
- test_a_null_or_out_of_range_value_in_a_contracted_mart_fails_the_build_naming_the_column: a copy of the project whose
  dim_accounts emits one null signup_cohort_week fails its build with DuckDB's
  "NOT NULL constraint failed: ...signup_cohort_week", and no dim_accounts relation is left behind; the
  same copy with one icp_fit_score outside 0-100 fails with "CHECK constraint failed ... icp_fit_score".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from plg.dbt_runner import dbt_executable

ROOT = Path(__file__).resolve().parents[1]
PROJECT_ITEMS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses"]


def _dbt() -> str:
    return dbt_executable()


def _env(base: Path, project: Path, warehouse: Path) -> dict[str, str]:
    (base / "tmp").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "PLG_DUCKDB_PATH": str(warehouse),
        "PLG_DUCKDB_TEMP_DIR": str(base / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    env.pop("PLG_TARGET", None)
    return env


def test_mart_constraints_are_enforceable(tmp_path):
    target = tmp_path / "target"
    res = subprocess.run(
        [
            _dbt(),
            "parse",
            "--project-dir",
            str(ROOT),
            "--target-path",
            str(target),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=ROOT,
        env=_env(tmp_path, ROOT, tmp_path / "parse.duckdb"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout[-3000:]
    manifest = json.loads((target / "manifest.json").read_text())
    constrained = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["original_file_path"].startswith("models/marts/"):
            continue
        cols = [
            c
            for c, col in node["columns"].items()
            if any(k.get("type") == "not_null" for k in col.get("constraints", []))
        ]
        checks = [
            c for c, col in node["columns"].items() if any(k.get("type") == "check" for k in col.get("constraints", []))
        ]
        cols = (
            cols
            + checks
            + [f"check ({k['expression']})" for k in node.get("constraints", []) if k.get("type") == "check"]
        )
        if not cols:
            continue
        constrained += len(cols)
        assert node["config"]["contract"]["enforced"], f"{node['name']}: constraints need an enforced contract"
        assert node["config"]["materialized"] in ("table", "incremental"), (
            f"{node['name']} is {node['config']['materialized']}: its constraints on {cols} would not be "
            "applied; put the data tests back"
        )
    # the conversion moved 102 not_null, 48 range/value and 7 row-rule checks onto constraints; far fewer means
    # they were lost
    assert constrained >= 150, constrained


def test_a_null_or_out_of_range_value_in_a_contracted_mart_fails_the_build_naming_the_column(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for item in PROJECT_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, project / item)
        elif src.exists():
            shutil.copy(src, project / item)
    sql = project / "models" / "marts" / "core" / "dim_accounts.sql"
    text = sql.read_text()
    good = "cast(accounts.signup_cohort_week as date) as signup_cohort_week"
    assert good in text
    bad = (
        "cast(case when accounts.account_id = (select min(a.account_id) from accounts as a) then null "
        "else accounts.signup_cohort_week end as date) as signup_cohort_week"
    )
    sql.write_text(text.replace(good, bad))

    warehouse = tmp_path / "nulls.duckdb"
    gen = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", "60", "--seed", "11", "--warehouse", str(warehouse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert gen.returncode == 0, gen.stderr[-2000:]
    res = subprocess.run(
        [
            _dbt(),
            "build",
            "--project-dir",
            str(project),
            "--select",
            "+dim_accounts",
            "--exclude-resource-type",
            "test",
            "unit_test",
        ],
        cwd=project,
        env=_env(tmp_path, project, warehouse),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    out = res.stdout + res.stderr
    assert res.returncode != 0, out[-3000:]
    assert "NOT NULL constraint failed" in out and "signup_cohort_week" in out, out[-3000:]
    assert "ERROR creating sql table model" in out and "dim_accounts" in out, out[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        left = con.execute(
            "select count(*) from information_schema.tables where table_name = 'dim_accounts'"
        ).fetchone()[0]
    finally:
        con.close()
    assert left == 0, "a dim_accounts relation with a null was left behind"

    # parents are built now: one icp_fit_score above 100 fails dim_accounts' check constraint
    good_score = "cast(segments.icp_fit_score as integer) as icp_fit_score"
    assert good_score in text
    bad_score = (
        "cast(case when accounts.account_id = (select min(a.account_id) from accounts as a) then 101 "
        "else segments.icp_fit_score end as integer) as icp_fit_score"
    )
    sql.write_text(text.replace(good_score, bad_score))
    res = subprocess.run(
        [_dbt(), "run", "--project-dir", str(project), "--select", "dim_accounts"],
        cwd=project,
        env=_env(tmp_path, project, warehouse),
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = res.stdout + res.stderr
    assert res.returncode != 0, out[-3000:]
    assert "CHECK constraint failed" in out and "icp_fit_score" in out, out[-3000:]
