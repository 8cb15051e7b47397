"""plg.publish publishes only a complete, successful build, and readers on DuckDB 1.x open the file (issues 12, 14).

On a small generated landing built once by dbt (its own target path = the build record):
- the publish succeeds; the readers' file holds every public mart of the manifest (access public under
  models/marts, rpt_cac_by_channel and rpt_revenue_retention_cohorts included) with the same rows as the
  working file, the table and column comments from the YAML, and _published names the build;
- a DuckDB 1.x client (duckdb 1.1.3 from PyPI in its own throwaway venv, cached under warehouse/) opens
  the readers' file, reads every mart and its column comments (its output is printed);
- refused, with the reason, and the readers' file unchanged: a record with a skipped mart or a failed test
  (hand-made from the real record), a partial build (a public mart not built by it), a record that is not
  a build, and a real `dbt run` of the marts killed midway (the working file changed after the record).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from plg import publish as pub
from plg.dbt_runner import dbt_executable
from plg.marts import load_manifest, public_marts
from pytests.helpers.build import PROJECT_DIR, build_env, build_project

ACCOUNTS = 300
OLD_CLIENT = os.environ.get("PLG_DUCKDB1X_VERSION", "1.1.3")
OLD_CLIENT_VENV = PROJECT_DIR / "warehouse" / f"duckdb{OLD_CLIENT}_venv"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("publish_record")
    working = d / "plg.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "plg.generate", "--accounts", str(ACCOUNTS), "--seed", "3", "--warehouse", str(working)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    build_project(working, extra_args=["--exclude-resource-type", "unit_test"])
    target = d / "plg_target"  # build_project's --target-path
    readers = d / "plg_marts.duckdb"
    counts = pub.publish(working, readers, build_dir=target)
    return {"dir": d, "working": working, "target": target, "readers": readers, "counts": counts}


def _fingerprint(path: Path) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select mart_name, row_count, published_at from marts._published order by 1").fetchall()
    finally:
        con.close()


def test_every_public_mart_published_with_comments(built):
    marts = public_marts(load_manifest(built["target"]))
    assert {"rpt_cac_by_channel", "rpt_revenue_retention_cohorts", "dim_accounts"} <= set(marts)
    assert set(built["counts"]) == set(marts)
    con = duckdb.connect(str(built["readers"]), read_only=True)
    try:
        con.execute(f"attach '{built['working']}' as w (read_only)")
        for name, mart in marts.items():
            assert built["counts"][name] == con.execute(f"select count(*) from w.{mart.schema}.{name}").fetchone()[0]
            table_comment = con.execute(
                "select comment from duckdb_tables() where database_name = 'plg_marts' "
                "and schema_name = 'marts' and table_name = ?",
                [name],
            ).fetchone()[0]
            assert table_comment == mart.description and table_comment
            comments = dict(
                con.execute(
                    "select column_name, comment from duckdb_columns() where database_name = "
                    "'plg_marts' and schema_name = 'marts' and table_name = ?",
                    [name],
                ).fetchall()
            )
            assert set(comments) == set(mart.columns), name
            for column, text in mart.columns.items():
                assert comments[column] == text and text, f"{name}.{column}"
        invocation = json.loads((built["target"] / "run_results.json").read_text())["metadata"]["invocation_id"]
        assert {r[0] for r in con.execute("select invocation_id from marts._published").fetchall()} == {invocation}
    finally:
        con.close()


def _old_client_python() -> Path:
    python = OLD_CLIENT_VENV / "bin" / "python"
    probe = (
        subprocess.run([str(python), "-c", "import duckdb; print(duckdb.__version__)"], capture_output=True, text=True)
        if python.exists()
        else None
    )
    if probe is None or probe.returncode != 0 or probe.stdout.strip() != OLD_CLIENT:
        shutil.rmtree(OLD_CLIENT_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(OLD_CLIENT_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"duckdb=={OLD_CLIENT}"],
            check=True,
        )
    return python


def test_duckdb_1x_client_reads_every_mart_and_its_comments(built):
    python = _old_client_python()
    script = textwrap.dedent("""
        import json, sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        out = {"client": duckdb.__version__, "marts": {}}
        for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' "
                                   "and table_name <> '_published' order by 1").fetchall():
            rows = con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            con.execute(f"select * from marts.{name} limit 5").fetchall()
            comments = dict(con.execute("select column_name, comment from duckdb_columns() where schema_name = "
                                        "'marts' and table_name = ?", [name]).fetchall())
            out["marts"][name] = {"rows": rows, "commented_columns": sum(1 for c in comments.values() if c),
                                  "columns": len(comments)}
            print(f"{name}: {rows} rows, {out['marts'][name]['commented_columns']}/{len(comments)} columns commented")
        print(json.dumps(out))
    """)
    proc = subprocess.run([str(python), "-c", script, str(built["readers"])], capture_output=True, text=True)
    print(f"--- DuckDB {OLD_CLIENT} client output ---\n{proc.stdout}{proc.stderr}")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["client"] == OLD_CLIENT
    assert {name: m["rows"] for name, m in result["marts"].items()} == built["counts"]
    assert all(m["commented_columns"] == m["columns"] > 0 for m in result["marts"].values())


def _refused(built, build_dir: Path, match: str) -> None:
    before = _fingerprint(built["readers"])
    with pytest.raises(pub.PublishError, match=match):
        pub.publish(built["working"], built["readers"], build_dir=build_dir)
    assert _fingerprint(built["readers"]) == before, "a refused publish changed the readers' file"
    assert not list(built["dir"].glob("plg_marts.duckdb.tmp-*"))


def _hand_made_record(built, tmp_path: Path, edit) -> Path:
    record_dir = tmp_path / "record"
    record_dir.mkdir()
    shutil.copy(built["target"] / "manifest.json", record_dir / "manifest.json")
    record = json.loads((built["target"] / "run_results.json").read_text())
    edit(record)
    (record_dir / "run_results.json").write_text(json.dumps(record))
    return record_dir


def test_refuses_a_skipped_mart_or_a_failed_test(built, tmp_path):
    def edit(record):
        for r in record["results"]:
            if r["unique_id"] == "model.plg_analytics.fct_mrr":
                r["status"] = "skipped"
            if r["unique_id"].startswith("test.plg_analytics.unique_dim_accounts"):
                r["status"] = "fail"

    _refused(
        built,
        _hand_made_record(built, tmp_path, edit),
        r"did not complete successfully: 2 nodes not successful: .*(fct_mrr skipped|unique_dim_accounts)",
    )


def test_refuses_a_partial_build_and_a_record_that_is_not_a_build(built, tmp_path):
    def partial(record):
        record["results"] = [r for r in record["results"] if r["unique_id"] != "model.plg_analytics.rpt_funnel"]

    _refused(built, _hand_made_record(built, tmp_path, partial), "did not build every public mart.*rpt_funnel")

    def compile_only(record):
        record["args"]["which"] = "compile"

    shutil.rmtree(tmp_path / "record")
    _refused(built, _hand_made_record(built, tmp_path, compile_only), "records a `dbt compile`, not a build")


def test_refuses_after_a_build_killed_midway(built, tmp_path):
    env = build_env(built["working"])
    dbt = dbt_executable()
    cmd = [
        dbt,
        "run",
        "--select",
        "path:models/marts",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(tmp_path / "killed_target"),
        "--log-path",
        str(tmp_path / "killed_logs"),
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    done = 0
    for line in proc.stdout:  # kill once two marts were rebuilt: the working file is half rebuilt
        if " OK created " in line:
            done += 1
            if done == 2:
                os.killpg(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert done == 2 and proc.returncode == -signal.SIGKILL
    # the last complete build's record is still there, but the working file changed after it
    _refused(built, built["target"], "changed after the recorded build")
