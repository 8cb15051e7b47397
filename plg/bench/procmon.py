"""Run a command and measure it: wall time and peak RSS of its whole process tree.

The peak is sampled with psutil every ``interval`` seconds (default 0.2 s): at
each sample the RSS of the root process and of every descendant alive at that
moment is summed, and the maximum of those sums is kept. A process that ends
between two samples is skipped (its memory is no longer held).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import psutil


def tree_rss_bytes(root_pid: int) -> int:
    """RSS of ``root_pid`` plus all its descendants right now, in bytes (0 when it has ended)."""
    try:
        root = psutil.Process(root_pid)
        processes = [root, *root.children(recursive=True)]
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue  # ended (or became a zombie) since the tree was listed
    return total


class TreeRssSampler:
    """Background thread that keeps the peak tree RSS of a process."""

    def __init__(self, root_pid: int, interval: float = 0.2):
        self.root_pid = root_pid
        self.interval = interval
        self.peak_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = tree_rss_bytes(self.root_pid)
            self.samples += 1
            if rss > self.peak_bytes:
                self.peak_bytes = rss
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    """The outcome of one measured command."""

    argv: list[str]
    returncode: int
    seconds: float
    peak_rss_bytes: int | None
    output_tail: list[str] = field(default_factory=list)

    @property
    def peak_rss_mb(self) -> float | None:
        return None if self.peak_rss_bytes is None else round(self.peak_rss_bytes / 2**20, 1)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_measured(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike | None = None,
    log_file: str | os.PathLike | None = None,
    interval: float = 0.2,
    tail_lines: int = 40,
    echo_prefix: str | None = None,
) -> Measured:
    """Run ``argv``; return wall seconds, peak tree RSS and the last output lines.

    stdout and stderr are merged, written to ``log_file`` when given, and the
    last ``tail_lines`` lines kept (for error messages). When ``echo_prefix`` is
    set, each output line is also echoed (prefixed) as a progress line.
    """
    tail: deque[str] = deque(maxlen=tail_lines)
    log = open(log_file, "w", encoding="utf-8") if log_file else None
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        with TreeRssSampler(proc.pid, interval) as sampler:
            assert proc.stdout is not None
            for line in proc.stdout:
                tail.append(line.rstrip("\n"))
                if log:
                    log.write(line)
                if echo_prefix is not None:
                    print(f"{echo_prefix}{line.rstrip()}", flush=True)
            proc.wait()
        seconds = time.perf_counter() - start
    finally:
        if log:
            log.close()
    return Measured(list(argv), proc.returncode, seconds, sampler.peak_bytes, list(tail))
