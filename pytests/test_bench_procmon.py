"""The benchmark's process sampler (plg.bench.procmon, psutil): peak RSS of a whole process tree, exit code,
output. No timed assertion: the memory held is known (a bytearray the child fills), the time is not asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil

from plg.bench.procmon import run_measured, tree_rss_bytes

MB = 2**20
HOLD_MB = 200

# a parent whose grandchild holds HOLD_MB of touched memory until stdin closes (or, in --timed, for a while)
TREE = textwrap.dedent(f"""
    import subprocess, sys
    child = '''
    import sys, time
    block = bytearray({HOLD_MB} * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    print("ready", flush=True)
    if sys.argv[1] == "--timed":
        time.sleep(float(sys.argv[2]))
    else:
        sys.stdin.read()
    '''
    sys.exit(subprocess.call([sys.executable, "-c", child, *sys.argv[1:]]))
""")


def test_tree_rss_counts_the_descendants():
    """The tree RSS of the root counts what its child holds (the test's grandchild), plus the root's own."""
    proc = subprocess.Popen(
        [sys.executable, "-c", TREE, "--stdin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        descendants = psutil.Process(proc.pid).children(recursive=True)
        assert len(descendants) == 1  # python -c TREE (the root measured) -> python -c child (holds the block)
        held = descendants[0].memory_info().rss
        assert held >= HOLD_MB * MB
        tree = tree_rss_bytes(proc.pid)
        own = psutil.Process(proc.pid).memory_info().rss
        assert tree >= held + own - 16 * MB  # allow for pages freed between the readings
        assert tree >= HOLD_MB * MB
    finally:
        proc.stdin.close()
        proc.wait()


def test_tree_rss_of_an_ended_process_is_zero():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert tree_rss_bytes(proc.pid) == 0


def test_run_measured_peak_covers_the_tree_and_keeps_the_output(tmp_path: Path):
    log = tmp_path / "out.log"
    # the grandchild holds the block for 2 s, sampled every 0.05 s
    measured = run_measured([sys.executable, "-c", TREE, "--timed", "2"], interval=0.05, log_file=log)
    assert measured.ok and measured.returncode == 0
    assert measured.peak_rss_bytes is not None and measured.peak_rss_bytes >= HOLD_MB * MB
    assert measured.peak_rss_mb >= HOLD_MB
    assert measured.output_tail == ["ready"]
    assert log.read_text() == "ready\n"
    assert measured.seconds > 0


def test_run_measured_reports_failure_and_tail():
    code = "import sys\nfor i in range(50): print(i)\nsys.exit(3)"
    measured = run_measured([sys.executable, "-c", code], tail_lines=5, env=dict(os.environ))
    assert not measured.ok and measured.returncode == 3
    assert measured.output_tail == ["45", "46", "47", "48", "49"]
    assert measured.peak_rss_bytes is not None
