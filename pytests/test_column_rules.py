"""column_rules (issue 13, fewer test nodes): one data test per model holds its not_null, accepted_values,
accepted_range, expression and relationships checks, and a failure still names the column and the rule.

On a small generated landing, after the correct state passes:
- seed firmographic_segments with a null sort_order and an unknown segment_name: its column_rules node fails
  (error) listing `column sort_order: not_null` and `column segment_name: accepted_values ...`;
- seed activation_milestones with an event missing from event_catalogue: `column event_name: relationships to`;
- landed accounts with an unknown signup_channel (a warn rule of stg_product__accounts): that node ends WARN,
  logging `column signup_channel: accepted_values ...`, and fails nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from plg.dbt_runner import dbt_executable

ROOT = Path(__file__).resolve().parents[1]
SELECT = [
    f"column_rules_{name}" for name in ("firmographic_segments", "activation_milestones", "stg_product__accounts")
]


def _env(tmp_path: Path, warehouse: Path) -> dict[str, str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(ROOT),
        "PLG_DUCKDB_PATH": str(warehouse),
        "PLG_DUCKDB_TEMP_DIR": str(tmp_path / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    env.pop("PLG_TARGET", None)
    return env


def _dbt(tmp_path: Path, warehouse: Path, *args: str) -> tuple[int, str]:
    res = subprocess.run(
        [dbt_executable(), *args, "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=ROOT,
        env=_env(tmp_path, warehouse),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return res.returncode, res.stdout + res.stderr


def test_column_rules_fail_naming_the_column_and_the_rule(tmp_path):
    warehouse = tmp_path / "rules.duckdb"
    gen = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", "60", "--seed", "5", "--warehouse", str(warehouse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert gen.returncode == 0, gen.stderr[-2000:]
    code, out = _dbt(tmp_path, warehouse, "seed")
    assert code == 0, out[-3000:]
    code, out = _dbt(tmp_path, warehouse, "run", "--select", "+stg_product__accounts")
    assert code == 0, out[-3000:]
    test = ["test", "--select", *SELECT, "--exclude-resource-type", "unit_test"]

    code, out = _dbt(tmp_path, warehouse, *test)
    assert code == 0, f"column_rules failed on a correct state:\n{out[-3000:]}"
    assert "column_rules_firmographic_segments" in out, out[-3000:]

    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "update analytics_reference.firmographic_segments set segment_name = 'Bogus', sort_order = null "
            "where segment_name = 'SMB'"
        )
        con.execute(
            "update analytics_reference.activation_milestones set event_name = 'no_such_event' "
            "where milestone_order = (select min(milestone_order) from analytics_reference.activation_milestones)"
        )
        con.execute(
            "update raw_product.accounts set signup_channel = 'carrier_pigeon' "
            "where account_id = (select min(account_id) from raw_product.accounts)"
        )
    finally:
        con.close()

    code, out = _dbt(tmp_path, warehouse, *test)
    assert code != 0, out[-3000:]
    assert re.search(r"ERROR column_rules_firmographic_segments", out), out[-3000:]
    assert "column sort_order: not_null (1 rows)" in out, out[-3000:]
    assert "column segment_name: accepted_values SMB, Mid-Market, Enterprise, Unknown (1 rows)" in out, out[-3000:]
    assert re.search(r"column event_name: relationships to \S*event_catalogue\S*\.event_name \(1 rows\)", out), out[
        -3000:
    ]
    # a warn rule warns: the node ends WARN, names the column and rule, and is not an error
    assert re.search(r"WARN 1 column_rules_stg_product__accounts", out), out[-3000:]
    assert re.search(r"column signup_channel: accepted_values organic, .* \(1 rows\)", out), out[-3000:]
    assert not re.search(r"ERROR column_rules_stg_product__accounts", out), out[-3000:]
