"""The attack suite's runner: the CLI in a subprocess, timed, its process tree's memory probed.

Each hostile input must finish in under :data:`WALL_S` seconds and :data:`PEAK_MB` MB peak,
counting the whole process tree (worker processes of ``--jobs`` included): the resident memory
of the process and of every descendant is polled from ``/proc`` and summed, and each process's
own high-water mark (``VmHWM``) is taken too, so that a peak between two polls is not missed for
a single process. The seconds are CPU seconds of the tree (``RUSAGE_CHILDREN``: the CLI and
the workers it reaped), which a machine shared by others does not inflate as it does wall time;
a run that blocks (uses no CPU) is caught by the wall-time limit, :data:`HANG_S`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

#: Every hostile input finishes within this (CPU seconds of the process tree)...
WALL_S = 10.0
#: ...and a run still going after this many seconds of wall time is stopped as a hang.
HANG_S = 90.0
#: ...and this peak memory of the whole process tree (MB).
PEAK_MB = 500.0
_ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Run:
    """What one CLI run did."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    cpu_s: float

    def json(self) -> dict[str, Any]:
        """The JSON report on stdout."""
        return json.loads(self.stdout)  # type: ignore[no-any-return]

    def skipped(self) -> dict[str, str]:
        """Each skipped label and its reason."""
        return {entry["source"]: entry["reason"] for entry in self.json()["skipped"]}


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from ``/proc/<pid>/task/*/children``."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in task.read_text().split())
            except (OSError, ValueError):
                continue
    return found


def run_cli(*args: str, timeout: float = HANG_S) -> Run:
    """Run ``python -m loadwatch analyze ARGS --format json --no-cache`` and probe it."""
    command = [sys.executable, "-m", "loadwatch", "analyze", *args]
    command += ["--format", "json", "--no-cache", "--as-of", "2025-06-01"]
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "MPLBACKEND": "Agg"}
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    peak_kb = 0
    highs: dict[int, int] = {}
    with _drained(process) as output:
        while process.poll() is None:
            if time.perf_counter() - started > timeout:
                process.kill()
                pytest.fail(f"still running after {timeout:.0f} s: {' '.join(args)}")
            tree = _tree(process.pid)
            peak_kb = max(peak_kb, sum(_status_kb(pid, "VmRSS") for pid in tree))
            for pid in tree:
                highs[pid] = max(highs.get(pid, 0), _status_kb(pid, "VmHWM"))
            time.sleep(0.01)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak_kb = max(peak_kb, *highs.values(), 0)
    return Run(process.returncode, output[0], output[1], seconds, peak_kb / 1024, cpu)


class _drained:
    """Read a process's stdout and stderr in threads, so that a full pipe never blocks it."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        import threading

        self.process = process
        self.output = ["", ""]
        self.threads = [
            threading.Thread(target=self._read, args=(index, stream), daemon=True)
            for index, stream in enumerate((process.stdout, process.stderr))
        ]

    def _read(self, index: int, stream: Any) -> None:
        self.output[index] = stream.read()

    def __enter__(self) -> list[str]:
        for thread in self.threads:
            thread.start()
        return self.output

    def __exit__(self, *exc: object) -> None:
        self.process.wait()
        for thread in self.threads:
            thread.join()


def folder_digest(folder: Path) -> str:
    """A digest of every entry under ``folder`` (names, types, sizes, times, regular files'
    bytes), to show that a run left it unchanged."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest.update(f"{path}|{info.st_mode}|{info.st_size}|{info.st_mtime_ns}".encode())
        if path.is_file() and not path.is_symlink() and info.st_size < 64 * 1024 * 1024:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def assert_bounded(run: Run, *, code: int = 0) -> None:
    """The run ended as it should: its exit code, no traceback, within time and memory."""
    assert run.code == code, run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.cpu_s < WALL_S, f"{run.cpu_s:.1f} s of CPU ({run.seconds:.1f} s of wall time)"
    assert run.peak_mb < PEAK_MB, f"{run.peak_mb:.0f} MB"


@pytest.fixture
def attack(tmp_path: Path) -> Path:
    """A folder for one hostile input."""
    folder = tmp_path / "watched"
    folder.mkdir()
    return folder
