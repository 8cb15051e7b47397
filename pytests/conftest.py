"""Shared fixtures: built warehouses (a generated landing and the hand-written edge landing) and the
recomputation context over each.

- generated_warehouse: env PLG_TEST_WAREHOUSE (the warehouse `make test-dbt` built), else a 3,000-account
  landing generated and built into a temp dir.
- edge_warehouse: pytests.helpers.metrics_edge written and built into a temp dir (env PLG_EDGE_WAREHOUSE: use
  that already built warehouse instead).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pytests.helpers.build import build_project  # noqa: E402


@dataclass
class RecomputeContext:
    """A built warehouse, its staged tables and the recomputed account base."""

    name: str
    warehouse: Path
    staged: object
    base: object
    core_events: object
    as_of: object


# vars that move every boundary of the edge landing (the recomputation takes the same parameters)
EDGE_VARS = {
    "as_of_date": "2026-06-15",
    "conversion_windows": [30, 45],
    "trial_grace_days": 16,
    "segment_window_days": 45,
    "funnel_window_days": 45,
    "engagement_tier_high_min": 25,
    "engagement_tier_low_below": 12,
}


def _context(name: str, warehouse: Path, as_of=None, **params) -> RecomputeContext:
    from plg.checks.staged import Staged, account_base

    staged = Staged.load(warehouse)
    base, core_events, as_of = account_base(staged, as_of, **params)
    return RecomputeContext(name, warehouse, staged, base, core_events, as_of)


@pytest.fixture(scope="session")
def generated_warehouse(tmp_path_factory) -> Path:
    configured = os.environ.get("PLG_TEST_WAREHOUSE")
    if configured:
        path = Path(configured)
        path = path if path.is_absolute() else ROOT / path
        if path.exists():
            return path
    work = tmp_path_factory.mktemp("generated")
    warehouse = work / "generated.duckdb"
    gen = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", "3000", "--seed", "7", "--warehouse", str(warehouse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if gen.returncode != 0:
        raise RuntimeError(f"plg.generate failed:\n{gen.stdout[-3000:]}\n{gen.stderr[-3000:]}")
    build_project(warehouse)
    return warehouse


# a hand-written landing holds a few rows per table: one bad row is a large share (not a broken connector)
HANDWRITTEN_LANDING_VARS = {"quarantine_max_share": 1}


@pytest.fixture(scope="session")
def edge_warehouse(tmp_path_factory) -> Path:
    from pytests.helpers.metrics_edge import build_landing

    prebuilt = os.environ.get("PLG_EDGE_WAREHOUSE")  # an already built edge warehouse (debugging)
    if prebuilt:
        return Path(prebuilt).resolve()
    work = tmp_path_factory.mktemp("metrics_edge")
    warehouse = work / "edge.duckdb"
    build_landing().write_duckdb(str(warehouse))
    # the unit tests (fixed inputs, not this landing) run once, in `make test-dbt`
    build_project(warehouse, vars=HANDWRITTEN_LANDING_VARS, extra_args=["--exclude-resource-type", "unit_test"])
    return warehouse


@pytest.fixture(scope="session")
def edge_vars_warehouse(tmp_path_factory) -> Path:
    """The edge landing built with EDGE_VARS (an explicit as-of date, other windows, grace and tiers)."""
    from pytests.helpers.metrics_edge import build_landing

    work = tmp_path_factory.mktemp("metrics_edge_vars")
    warehouse = work / "edge_vars.duckdb"
    build_landing().write_duckdb(str(warehouse))
    # dbt unit tests pin their inputs and expectations to the default vars: not meaningful under other vars
    build_project(
        warehouse, vars={**HANDWRITTEN_LANDING_VARS, **EDGE_VARS}, extra_args=["--exclude-resource-type", "unit_test"]
    )
    return warehouse


@pytest.fixture(scope="session")
def edge_vars_ctx(edge_vars_warehouse) -> RecomputeContext:
    v = EDGE_VARS
    return _context(
        "edge_vars",
        edge_vars_warehouse,
        v["as_of_date"],
        engagement_tier_high_min=v["engagement_tier_high_min"],
        engagement_tier_low_below=v["engagement_tier_low_below"],
    )


@pytest.fixture(scope="session")
def generated_ctx(generated_warehouse) -> RecomputeContext:
    return _context("generated", generated_warehouse)


@pytest.fixture(scope="session")
def edge_ctx(edge_warehouse) -> RecomputeContext:
    return _context("edge", edge_warehouse)
