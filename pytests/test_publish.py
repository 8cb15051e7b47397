"""Readers are never locked out and never see a half-built state (plg.publish).

The build writes a working file; plg.publish swaps a complete copy of the public marts into the
readers' file. These tests use a synthetic working file (every public mart holds rows tagged with
a build version) and separate processes for the build and the readers, as in production:

- a reader holding a connection open during a build + publish keeps seeing the old complete state,
  fresh readers see the old or the new complete state, never a mix, and nobody is blocked;
- a build killed with SIGKILL midway leaves the readers' file intact and the next build recovers
  the working file (DuckDB WAL) and publishes without manual steps;
- a publish killed with SIGKILL midway leaves the readers' file intact; the next publish removes
  the stale temp file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from plg import publish as pub
from plg.dbt_runner import dbt_executable

ROOT = Path(__file__).resolve().parents[1]
ROWS = {1: 1000, 2: 1500, 3: 2000}  # rows per mart for each build version


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# A "build": rewrites every public mart of the working file with `version`, one mart at a time
# (slowly, writes left in the WAL), then publishes. It touches the marker file halfway.
BUILD_SCRIPT = textwrap.dedent(
    """
    import sys, time, duckdb
    from pathlib import Path
    from plg import publish as pub
    working, readers, version, delay, marker, do_publish = sys.argv[1:7]
    version, delay = int(version), float(delay)
    rows = {rows}
    con = duckdb.connect(working)
    con.execute("set checkpoint_threshold = '1GB'")  # keep the writes in the WAL, like a build mid-way
    con.execute("create schema if not exists analytics_marts")
    con.execute("create schema if not exists analytics_intermediate")
    for i, mart in enumerate(pub.PUBLIC_MARTS):
        con.execute(
            f"create or replace table analytics_marts.{{mart}} as "
            f"select {{version}} as build_version, range as row_id from range({{rows[version]}})"
        )
        if i == len(pub.PUBLIC_MARTS) // 2:
            Path(marker).write_text("halfway")
        time.sleep(delay)
    con.execute(
        f"create or replace table analytics_intermediate.int_clock as "
        f"select date '2026-06-{{10 + version}}' as as_of_date"
    )
    con.close()
    if do_publish == "1":
        pub.publish(Path(working), Path(readers), check_build=False)  # synthetic: no dbt build record
    """
).format(rows=ROWS)

# A reader: checks that every mart and _published show one complete build version.
# mode "hold": one connection kept open for the whole run; mode "fresh": a new connection per read.
READER_SCRIPT = textwrap.dedent(
    """
    import json, sys, time, duckdb
    from plg import publish as pub
    readers, mode, seconds, stop_file = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    rows = {rows}
    from pathlib import Path
    seen, errors, reads = [], [], 0
    def read(con):
        con.execute("begin transaction")
        versions = set()
        for mart in pub.PUBLIC_MARTS:
            lo, hi, n = con.execute(
                f"select min(build_version), max(build_version), count(*) from marts.{{mart}}"
            ).fetchone()
            if lo != hi or n != rows[lo]:
                errors.append(f"{{mart}}: versions {{lo}}..{{hi}}, {{n}} rows")
            versions.add(lo)
        published = dict(con.execute("select mart_name, row_count from marts._published").fetchall())
        con.execute("commit")
        if len(versions) != 1:
            errors.append(f"mixed versions {{sorted(versions)}}")
        v = versions.pop()
        if published != {{m: rows[v] for m in pub.PUBLIC_MARTS}}:
            errors.append(f"_published does not match version {{v}}")
        return v
    deadline = time.time() + seconds
    con = duckdb.connect(readers, read_only=True) if mode == "hold" else None
    while time.time() < deadline and not Path(stop_file).exists():
        if mode == "fresh":
            con = duckdb.connect(readers, read_only=True)
        v = read(con)
        reads += 1
        if not seen or seen[-1] != v:
            seen.append(v)
        if mode == "fresh":
            con.close()
        time.sleep(0.02)
    if con is not None and mode == "hold":
        v = read(con)
        if seen[-1] != v:
            seen.append(v)
        con.close()
    print(json.dumps({{"seen": seen, "errors": errors[:5], "reads": reads}}))
    """
).format(rows=ROWS)


def _build(tmp_path: Path, version: int, delay: float = 0.0, publish: bool = True) -> subprocess.Popen:
    working, readers = tmp_path / "plg.duckdb", tmp_path / "plg_marts.duckdb"
    marker = tmp_path / f"halfway-{version}"
    marker.unlink(missing_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            BUILD_SCRIPT,
            str(working),
            str(readers),
            str(version),
            str(delay),
            str(marker),
            "1" if publish else "0",
        ],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _reader(tmp_path: Path, mode: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            READER_SCRIPT,
            str(tmp_path / "plg_marts.duckdb"),
            mode,
            str(seconds),
            str(tmp_path / "stop"),
        ],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen, timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout: {out}\nstderr: {err}"
    return out


def _readers_state(readers: Path) -> tuple[int, int]:
    """(build version, rows) of the readers' file, asserting it is one complete state."""
    con = duckdb.connect(str(readers), read_only=True)
    try:
        versions = set()
        for mart in pub.PUBLIC_MARTS:
            lo, hi, n = con.execute(
                f"select min(build_version), max(build_version), count(*) from marts.{mart}"
            ).fetchone()
            assert lo == hi and n == ROWS[lo], f"{mart} is not one complete build: {lo}..{hi}, {n} rows"
            versions.add(lo)
        assert len(versions) == 1, f"mixed builds in the readers' file: {versions}"
        published = dict(con.execute("select mart_name, row_count from marts._published").fetchall())
        v = versions.pop()
        assert published == dict.fromkeys(pub.PUBLIC_MARTS, ROWS[v])
        return v, ROWS[v]
    finally:
        con.close()


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not path.exists():
        assert proc.poll() is None, f"process ended before {path.name}: {proc.communicate()}"
        assert time.time() < deadline, f"timed out waiting for {path}"
        time.sleep(0.01)


def test_publish_copies_every_public_mart_with_published_table(tmp_path):
    _finish(_build(tmp_path, 1))
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (1, ROWS[1])
    con = duckdb.connect(str(tmp_path / "plg_marts.duckdb"), read_only=True)
    as_of, published_at = con.execute("select max(as_of_date), max(published_at) from marts._published").fetchone()
    con.close()
    assert str(as_of) == "2026-06-11"
    assert published_at is not None
    assert not list(tmp_path.glob("plg_marts.duckdb.tmp-*")), "temp file left behind"


def test_missing_mart_publishes_nothing(tmp_path):
    _finish(_build(tmp_path, 1))
    con = duckdb.connect(str(tmp_path / "plg.duckdb"))
    con.execute("drop table analytics_marts.rpt_funnel")
    con.close()
    with pytest.raises(pub.PublishError, match="rpt_funnel"):
        pub.publish(tmp_path / "plg.duckdb", tmp_path / "plg_marts.duckdb", check_build=False)
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (1, ROWS[1])  # untouched
    assert not list(tmp_path.glob("plg_marts.duckdb.tmp-*"))


def test_reader_open_during_build_is_not_blocked_and_sees_complete_states(tmp_path):
    _finish(_build(tmp_path, 1))
    holder = _reader(tmp_path, "hold", seconds=60)
    fresh = _reader(tmp_path, "fresh", seconds=60)
    time.sleep(1.0)  # both readers are in
    build = _build(tmp_path, 2, delay=0.1)
    _finish(build)  # the build and the publish succeed while readers hold the readers' file
    time.sleep(1.0)
    (tmp_path / "stop").write_text("stop")
    held, fresh_result = json.loads(_finish(holder)), json.loads(_finish(fresh))
    assert held["errors"] == [] and fresh_result["errors"] == []
    assert held["reads"] > 0 and fresh_result["reads"] > 0
    # the open connection keeps the old complete state; new readers move from old to new, never back
    assert held["seen"] == [1]
    assert fresh_result["seen"] == [1, 2]
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (2, ROWS[2])


def test_build_killed_midway_leaves_readers_intact_and_next_build_recovers(tmp_path):
    _finish(_build(tmp_path, 1))
    build = _build(tmp_path, 2, delay=0.2)
    _wait_for(tmp_path / "halfway-2", build)
    os.kill(build.pid, signal.SIGKILL)
    build.communicate(timeout=30)
    assert build.returncode == -signal.SIGKILL
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (1, ROWS[1])
    # the working file opens after the crash (DuckDB replays its WAL) ...
    con = duckdb.connect(str(tmp_path / "plg.duckdb"))
    versions = con.execute("select count(distinct build_version) from analytics_marts.dim_accounts").fetchone()[0]
    con.close()
    assert versions == 1
    # ... and the next build completes and publishes without manual steps
    _finish(_build(tmp_path, 3))
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (3, ROWS[3])


def test_publish_killed_midway_leaves_readers_intact_and_next_publish_cleans_up(tmp_path):
    _finish(_build(tmp_path, 1))
    _finish(_build(tmp_path, 2, publish=False))
    # a publish that SIGKILLs itself after copying a few marts (as the OOM killer or a timeout would)
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from plg import publish as pub
        calls = []
        def log(message):
            calls.append(message)
            if len(calls) == 5:
                os.kill(os.getpid(), signal.SIGKILL)
        pub._log = log
        pub.publish(Path(sys.argv[1]), Path(sys.argv[2]), check_build=False)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "plg.duckdb"), str(tmp_path / "plg_marts.duckdb")],
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert list(tmp_path.glob("plg_marts.duckdb.tmp-*")), "expected the killed publish's temp file"
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (1, ROWS[1])
    pub.publish(tmp_path / "plg.duckdb", tmp_path / "plg_marts.duckdb", check_build=False)
    assert not list(tmp_path.glob("plg_marts.duckdb.tmp-*")), "stale temp file not removed"
    assert _readers_state(tmp_path / "plg_marts.duckdb") == (2, ROWS[2])


def test_refuses_to_publish_onto_the_working_file(tmp_path):
    _finish(_build(tmp_path, 1, publish=False))
    with pytest.raises(pub.PublishError):
        pub.publish(tmp_path / "plg.duckdb", tmp_path / "plg.duckdb", check_build=False)


@pytest.mark.slow
def test_real_dbt_build_killed_midway_recovers(tmp_path):
    """The same with dbt itself: SIGKILL `dbt run` of the marts midway on a copy of the test warehouse."""
    source = os.environ.get("PLG_TEST_WAREHOUSE")
    if not source or not Path(source).exists():
        pytest.skip("PLG_TEST_WAREHOUSE not built (make test-dbt)")
    import shutil

    working, readers = tmp_path / "plg.duckdb", tmp_path / "plg_marts.duckdb"
    shutil.copy(source, working)
    pub.publish(working, readers, check_build=False)  # the copy's own build record is elsewhere
    con = duckdb.connect(str(readers), read_only=True)
    before = con.execute("select mart_name, row_count from marts._published order by 1").fetchall()
    checksum_before = con.execute("select count(*), sum(hash(account_id)) from marts.fct_conversions").fetchone()
    con.close()

    dbt = dbt_executable()
    env = dict(
        _env(),
        DBT_PROFILES_DIR=str(ROOT),
        PLG_DUCKDB_PATH=str(working),
        PLG_DUCKDB_TEMP_DIR=str(tmp_path / "tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    cmd = [
        dbt,
        "run",
        "--select",
        "path:models/marts",
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
    ]
    build = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    done = 0
    for line in build.stdout:  # kill after the second model finished: mid-way through the marts
        if " OK created " in line:
            done += 1
            if done == 2:
                os.killpg(build.pid, signal.SIGKILL)
                break
    build.wait(timeout=60)
    assert done == 2 and build.returncode == -signal.SIGKILL

    # the readers' file is exactly as before
    con = duckdb.connect(str(readers), read_only=True)
    assert con.execute("select mart_name, row_count from marts._published order by 1").fetchall() == before
    assert (
        con.execute("select count(*), sum(hash(account_id)) from marts.fct_conversions").fetchone() == checksum_before
    )
    for mart, rows in before:
        assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == rows
    con.close()

    # no manual step: the next build opens the working file (WAL replay), completes, publishes
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    pub.publish(working, readers, build_dir=tmp_path / "target")  # the rerun's record: complete, latest
    con = duckdb.connect(str(readers), read_only=True)
    after = con.execute("select mart_name, row_count from marts._published order by 1").fetchall()
    con.close()
    assert after == before  # same landing, same as-of: the rebuilt marts hold the same rows
