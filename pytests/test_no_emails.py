"""No email address anywhere the project builds (seeds, staging incl. base views, quarantine,
intermediate, marts): every text column of every table and view outside the raw_* landing is scanned.

Runs on the warehouse `make test-dbt` built (env PLG_TEST_WAREHOUSE); skipped when it is unset.
The self-test plants an email in a throwaway warehouse and checks the scanner reports it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from pytests.helpers.pii_scan import project_schemas, scan_for_emails

ROOT = Path(__file__).resolve().parents[1]


def _warehouse() -> Path | None:
    configured = os.environ.get("PLG_TEST_WAREHOUSE")
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_absolute() else ROOT / path


@pytest.mark.skipif(_warehouse() is None, reason="PLG_TEST_WAREHOUSE is not set (make test-dbt builds it)")
def test_no_email_in_any_built_relation():
    warehouse = _warehouse()
    assert warehouse is not None and warehouse.exists(), f"no warehouse at {warehouse}"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        schemas = project_schemas(con)
        assert any(s.endswith("staging") for s in schemas), f"no staging schema built in {warehouse}: {schemas}"
        findings = scan_for_emails(con, schemas)
    finally:
        con.close()
    assert findings == [], "email addresses found in: " + ", ".join(findings)


def test_scanner_catches_a_planted_email(tmp_path):
    con = duckdb.connect(str(tmp_path / "planted.duckdb"))
    try:
        con.execute("create schema raw_product")
        con.execute("create table raw_product.users (email varchar)")  # the landing is allowed to hold emails
        con.execute("insert into raw_product.users values ('someone@example.com')")
        con.execute("create schema analytics_marts")
        con.execute("create table analytics_marts.clean (id integer, note varchar)")
        con.execute("insert into analytics_marts.clean values (1, 'no address here'), (2, 'acme.com')")
        con.execute("create schema analytics_staging")
        con.execute("create table analytics_staging.leaky (id integer, note varchar)")
        con.execute(
            "insert into analytics_staging.leaky values (1, 'fine'), (2, 'write to Jane.Doe+x@mail.example.org')"
        )
        con.execute("create view analytics_staging.leaky_view as select note as contact from analytics_staging.leaky")
        assert project_schemas(con) == ["analytics_marts", "analytics_staging"]
        findings = scan_for_emails(con)
    finally:
        con.close()
    assert findings == ["analytics_staging.leaky.note (1 rows)", "analytics_staging.leaky_view.contact (1 rows)"]
