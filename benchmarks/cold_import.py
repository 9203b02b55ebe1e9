"""Cold import: time ``loadwatch analyze`` on 1,000 one-hour runs recorded at 1 Hz, as FIT.

Usage::

    python benchmarks/cold_import.py [--runs 1000] [--jobs 2 1] [--keep DIR]

The history (one run a day, each 3,600 records with distance, speed, heart rate, cadence,
position and altitude, written with :mod:`loadwatch.samples.fitwrite`) goes into a temporary
folder, or ``--keep DIR`` (reused when it already holds the files). Then ``loadwatch analyze``
runs in a fresh process for each ``--jobs`` value: with ``--no-cache`` (everything parsed),
then with an empty cache (the first run of a new user, which also hashes and stores every
file), then again with that cache (nothing to parse).

Reported per run: wall time; CPU time of all its processes (user + system: other work on the
machine makes the wall time grow, not this); and the peak memory of the whole process tree
(the command and its worker processes), sampled every 20 ms from ``/proc``: the sum of
resident set sizes (RSS, which counts pages the processes share once per process) and the
sum of proportional set sizes (PSS, which splits shared pages between them: the memory the
tree really takes).
``ru_maxrss`` is the largest single process's peak, from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from loadwatch.samples.fitwrite import write_activity_fit

SECONDS = 3600
FIRST_DAY = datetime(2023, 1, 2, 6, 30, tzinfo=UTC)


def _one_run(day: int) -> bytes:
    """A one-hour run on ``day``: 1 Hz samples that wander like real ones."""
    rng = np.random.default_rng(day)
    elapsed = np.arange(float(SECONDS))
    pace = 2.6 + 0.5 * rng.random()  # m/s, varies run to run
    speed = np.clip(pace + np.cumsum(rng.normal(0, 0.02, SECONDS)) * 0.1, 1.5, 5.5)
    distance = np.cumsum(speed)
    heading = np.cumsum(rng.normal(0, 0.02, SECONDS))
    north, east = np.cumsum(speed * np.cos(heading)), np.cumsum(speed * np.sin(heading))
    return write_activity_fit(
        start=FIRST_DAY + timedelta(days=day),
        elapsed_s=elapsed,
        distance_m=distance,
        speed_mps=speed,
        hr_bpm=np.clip(120 + 30 * (speed - 2) + rng.normal(0, 2, SECONDS), 60, 200).round(),
        cadence_spm=np.clip(150 + 8 * speed + rng.normal(0, 2, SECONDS), 120, 200),
        lat=47.37 + north / 111_195,
        lon=8.54 + east / 75_000,
        altitude_m=410 + 15 * np.sin(distance / 900) + rng.normal(0, 0.3, SECONDS),
    )


def _write(folder: Path, day: int) -> None:
    path = folder / f"{FIRST_DAY.year}" / f"run-{day:04d}.fit"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_one_run(day))


def generate(folder: Path, runs: int) -> float:
    """Write the history into ``folder`` (unless it is there already); returns seconds spent."""
    if len(list(folder.rglob("*.fit"))) == runs:
        return 0.0
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor() as pool:
        list(pool.map(_write, [folder] * runs, range(runs), chunksize=20))
    return time.perf_counter() - start


def _children(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text(encoding="ascii")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _memory_kb(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process, in kB (0 when it is gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines()
        fields = dict(line.split(":", 1) for line in rollup if ":" in line)
    except OSError:
        return 0, 0
    return int(fields.get("Rss", "0 kB").split()[0]), int(fields.get("Pss", "0 kB").split()[0])


class _Sampler(threading.Thread):
    """Samples the memory of a process tree until told to stop; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = self.peak_pss = self.peak_processes = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree = _children(self.pid)
            sizes = [_memory_kb(pid) for pid in tree]
            self.peak_rss = max(self.peak_rss, sum(rss for rss, _ in sizes))
            self.peak_pss = max(self.peak_pss, sum(pss for _, pss in sizes))
            self.peak_processes = max(self.peak_processes, len(tree))
            self.done.wait(0.02)


def measure(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a command; its wall time, peak memory of its process tree, and exit code."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    sampler = _Sampler(process.pid)
    sampler.start()
    _, errors = process.communicate()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{errors.decode(errors='replace')}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime - cpu_before,
        "rss_mb": sampler.peak_rss / 1024,
        "pss_mb": sampler.peak_pss / 1024,
        "maxrss_mb": max(usage.ru_maxrss, before) / 1024,  # the largest process so far
        "processes": sampler.peak_processes,
    }


def main() -> None:
    """Generate the history, run the cold imports and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="one-hour runs to generate")
    parser.add_argument("--jobs", type=int, nargs="+", default=[os.cpu_count() or 1, 1])
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="loadwatch-cold-"))
    folder = options.keep or scratch / "history"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        seconds = generate(folder, options.runs)
        size = sum(p.stat().st_size for p in folder.rglob("*.fit"))
        print(
            f"{options.runs:,} one-hour runs at 1 Hz ({options.runs * SECONDS:,} records, "
            f"{size / 1e6:.0f} MB of FIT) in {folder}"
            + (f", written in {seconds:.1f} s" if seconds else ", reused")
        )
        print(f"{os.cpu_count()} CPU cores, Python {sys.version.split()[0]}")
        print()
        print(
            f"{'loadwatch analyze':<34} {'wall':>7} {'CPU':>7} "
            f"{'RSS sum':>9} {'PSS sum':>9} {'max RSS':>9}"
        )
        for jobs in options.jobs:
            base = [sys.executable, "-m", "loadwatch", "analyze", str(folder), "--format", "json"]
            base += ["-q", "--timezone", "UTC", "--jobs", str(jobs)]
            env = {**os.environ, "XDG_CACHE_HOME": str(scratch / f"cache-{jobs}")}
            cache = ["--cache", str(scratch / f"cache-{jobs}.sqlite3")]
            for label, extra in (
                ("--no-cache", ["--no-cache"]),
                ("empty cache", cache),
                ("cache, second run", cache),
            ):
                figures = measure(base + extra, env)
                print(
                    f"--jobs {jobs}, {label:<24} "
                    f"{figures['wall_s']:6.1f}s {figures['cpu_s']:6.1f}s "
                    f"{figures['rss_mb']:6.0f} MB {figures['pss_mb']:6.0f} MB "
                    f"{figures['maxrss_mb']:6.0f} MB  ({figures['processes']:.0f} processes)"
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
