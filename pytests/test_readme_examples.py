"""README "Change a definition": every example edit works as written, on a small generated landing.

A copy of the project gets every seed edit of the README's table at once and is built with the README's
one-off vars (plus the var the core-feature edit asks for). Then the two mistakes the README warns about
fail on the seed test that names them (not somewhere downstream): overlapping firmographic bands, and a
milestone whose event is not in the catalogue.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from plg.dbt_runner import dbt_executable

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PROJECT_ITEMS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses"]
ONE_OFF_VARS = {"conversion_windows": [30, 45, 90], "trial_grace_days": 21}


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


CHANGE = _section("## Change a definition")


def _dbt() -> str:
    return dbt_executable()


def _rewrite_csv(path: Path, edit) -> None:
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys())
    rows = edit(rows)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _set(rows, key, value, **changes):
    for r in rows:
        if r[key] == value:
            r.update(changes)
    return rows


class Project:
    def __init__(self, base: Path) -> None:
        self.dir = base / "project"
        self.dir.mkdir(parents=True)
        for item in PROJECT_ITEMS:
            src = ROOT / item
            if src.is_dir():
                shutil.copytree(src, self.dir / item)
            elif src.exists():
                shutil.copy(src, self.dir / item)
        self.warehouse = base / "readme.duckdb"
        (base / "tmp").mkdir()
        self.env = {
            **__import__("os").environ,
            "DBT_PROFILES_DIR": str(self.dir),
            "PLG_DUCKDB_PATH": str(self.warehouse),
            "PLG_DUCKDB_TEMP_DIR": str(base / "tmp"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }
        self.env.pop("PLG_TARGET", None)

    def dbt(self, *args: str, vars: dict | None = None) -> subprocess.CompletedProcess:
        cmd = [_dbt(), *args, "--project-dir", str(self.dir)]
        if vars:
            cmd += ["--vars", json.dumps(vars)]
        return subprocess.run(cmd, cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=3600)

    def sql(self, q: str):
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(q).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Project:
    p = Project(tmp_path_factory.mktemp("readme"))
    gen = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", "600", "--seed", "5", "--warehouse", str(p.warehouse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert gen.returncode == 0, gen.stderr[-2000:]
    seeds = p.dir / "seeds"
    _rewrite_csv(
        seeds / "activation_milestones.csv",
        lambda rows: rows + [{"event_name": "dashboard_shared", "milestone_order": "4"}],
    )
    _rewrite_csv(
        seeds / "event_catalogue.csv", lambda rows: _set(rows, "event_name", "export_downloaded", is_core="false")
    )
    _rewrite_csv(
        seeds / "firmographic_segments.csv",
        lambda rows: _set(
            _set(rows, "segment_name", "SMB", max_employees="20"), "segment_name", "Mid-Market", min_employees="20"
        ),
    )
    _rewrite_csv(seeds / "icp_fit_rules.csv", lambda rows: _set(rows, "match_value", "software", points="35"))
    _rewrite_csv(
        seeds / "conversion_benchmarks.csv",
        lambda rows: _set(rows, "segment_row", "trial", benchmark_low_rate="0.18", benchmark_high_rate="0.30"),
    )
    build = p.dbt(
        "build",
        "--exclude-resource-type",
        "unit_test",
        vars={**ONE_OFF_VARS, "core_feature_count": 8, "as_of_date": "2026-06-30"},
    )
    assert build.returncode == 0, build.stdout[-5000:]
    return p


def test_the_readme_shows_the_edits_tested_here():
    for text in [
        "add a row `dashboard_shared,4`",
        "set `is_core` of `export_downloaded` to `false` and the var `core_feature_count` to 8",
        "SMB `max_employees` and Mid-Market `min_employees` both 20",
        "give `industry = software` more points",
        "set the trial band to 0.18–0.30",
        "--vars '{conversion_windows: [30, 45, 90], trial_grace_days: 21}'",
        "--vars '{as_of_date: \"2026-06-30\"}'",
        "dbt build --select activation_milestones+",
    ]:
        assert text in CHANGE, text


@pytest.mark.slow
def test_every_seed_edit_and_one_off_var_builds_and_takes_effect(edited):
    assert sorted(
        r[0] for r in edited.sql("select distinct window_days from analytics_marts.rpt_conversion_dashboard")
    ) == [30, 45, 90]
    # 20-49 employees are Mid-Market now, below 20 SMB
    bad = edited.sql(
        "select count(*) from analytics_marts.dim_accounts where employee_count >= 20 "
        "and employee_count < 50 and firmographic_segment <> 'Mid-Market'"
    )[0][0]
    assert bad == 0
    assert edited.sql("select count(*) from analytics_marts.dim_accounts where employee_count between 20 and 49")[0][0]
    # activation needs the fourth milestone
    assert edited.sql("select max(milestones_reached) from analytics_marts.fct_activation")[0][0] == 4
    assert (
        edited.sql(
            "select count(*) from analytics_marts.fct_activation "
            "where activated_at is not null and milestones_reached < 4"
        )[0][0]
        == 0
    )
    lo, hi = edited.sql(
        "select benchmark_low_rate, benchmark_high_rate from analytics_marts.rpt_conversion_dashboard "
        "where segment_row = 'trial' limit 1"
    )[0]
    assert (lo, hi) == pytest.approx((0.18, 0.30))
    assert str(edited.sql("select max(month_start) from analytics_marts.rpt_kpis_monthly")[0][0]) == "2026-06-01"


@pytest.mark.slow
def test_overlapping_bands_fail_on_the_seed_test_naming_the_rows(edited):
    # the edit the README used to show: only Mid-Market's lower bound moved
    _rewrite_csv(
        edited.dir / "seeds" / "firmographic_segments.csv",
        lambda rows: _set(rows, "segment_name", "SMB", max_employees="50"),
    )
    run = edited.dbt(
        "build",
        "--select",
        "firmographic_segments+",
        "--exclude-resource-type",
        "unit_test",
        vars={**ONE_OFF_VARS, "core_feature_count": 8, "as_of_date": "2026-06-30"},
    )
    assert run.returncode != 0
    assert "FAIL 1 assert_firmographic_bands_do_not_overlap" in run.stdout
    assert "int_accounts_segmented" not in [line.split()[-1] for line in run.stdout.splitlines() if " ERROR " in line]
    rows = edited.sql(
        "select segment_name, overlapping_segment_name from "
        "analytics_dbt_test__audit.assert_firmographic_bands_do_not_overlap"
    )
    assert sorted(rows[0]) == ["Mid-Market", "SMB"]


@pytest.mark.slow
def test_a_milestone_missing_from_the_catalogue_fails_its_seed_test(edited):
    _rewrite_csv(
        edited.dir / "seeds" / "activation_milestones.csv",
        lambda rows: rows + [{"event_name": "not_an_event", "milestone_order": "5"}],
    )
    run = edited.dbt("build", "--select", "activation_milestones", vars={"core_feature_count": 8})
    assert run.returncode != 0
    assert "column_rules_activation_milestones" in run.stdout
