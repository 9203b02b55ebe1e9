"""Cold and warm imports of generated histories, this code against a base checkout in one run.

Usage::

    python benchmarks/cold_import.py [--histories fit:1000 gpx:100 mixed:1000 fit:5000]
        [--warm-only fit:5000] [--base DIR] [--jobs 1 2] [--keep DIR]

Each history is one-hour 1 Hz runs, one a day (:func:`history.write_history`): ``fit`` all FIT,
``gpx`` all GPX (as a phone's Strava export), ``mixed`` every tenth run GPX; every year's folder
also holds a README, a CSV of notes and a photo, which are not activities. For this checkout
and, with ``--base``, another one (the code before a change: ``git worktree add DIR 106bc2a``),
each imported with ``PYTHONPATH`` in a fresh process, ``loadwatch analyze HISTORY --format
json`` runs:

1. cold, ``--no-cache``, with each ``--jobs`` value (everything parsed; not for the histories
   of ``--warm-only``);
2. with an empty cache (a new user's first run: everything parsed, hashed and stored);
3. with that cache again (warm: nothing new);

then, in a process of its own, the warm scan alone (:func:`loadwatch.ingest.scan.scan` with the
cache, before any pandas work), timed in-process, with the SQL statements it ran.

Reported per run: wall time; CPU time (user + system) of the whole process tree, split into the
command's own process and its worker processes (sampled from ``/proc`` every 20 ms); the
workers' idle share (their lifetime not spent on the CPU: waiting for work, or for a core on a
loaded machine); the peak memory of the tree (the sum of proportional set sizes, PSS, which
splits shared pages between processes); and the load average before the run. The machine may be
shared: CPU times and ratios measured in the same run are the figures to compare, wall times
only on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import write_history

_TICK = os.sysconf("SC_CLK_TCK")
HISTORIES = {"fit": 0, "gpx": 1, "mixed": 10}

#: The warm scan alone, timed inside its process: ``argv`` is the folder and the cache.
_WARM_SCAN = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.scan import scan
imported, imported_cpu = time.perf_counter(), time.process_time()
statements = []
with Cache(sys.argv[2]) as cache:
    cache._db.set_trace_callback(statements.append)
    found = scan(sys.argv[1], cache=cache, jobs=2)
print(json.dumps({
    "import_s": imported - started, "import_cpu_s": imported_cpu - cpu,
    "scan_s": time.perf_counter() - imported, "scan_cpu_s": time.process_time() - imported_cpu,
    "queries": len(statements), "activities": len(found.summaries),
}))
"""


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                text = Path(f"/proc/{entry.name}/stat").read_text(encoding="ascii")
                parents.setdefault(int(text.rsplit(")", 1)[1].split()[1]), []).append(
                    int(entry.name)
                )
            except (OSError, ValueError, IndexError):
                continue
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _sched_s(pid: int) -> tuple[float, float] | None:
    """CPU seconds of one process so far, and seconds it waited for a core while ready to run
    (``/proc/PID/schedstat``); None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/schedstat").read_text(encoding="ascii").split()
    except OSError:
        return None
    return int(fields[0]) / 1e9, int(fields[1]) / 1e9


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process, in kB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class _Sampler(threading.Thread):
    """Samples a process tree until told to stop: peak PSS, and each worker's CPU and life."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_pss_kb = pid, 0
        self.workers: dict[int, list[float]] = {}  # pid -> [first seen, last seen, cpu, wait]
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree = _tree(self.pid)
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(pid) for pid in tree))
            now = time.perf_counter()
            for pid in tree[1:]:
                sched = _sched_s(pid)
                if sched is not None:
                    seen = self.workers.setdefault(pid, [now, now, *sched])
                    seen[1:] = [now, *sched]
            self.done.wait(0.02)


def measure(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a command; its wall and CPU time (own and workers'), worker idle share, peak PSS."""
    load = float(Path("/proc/loadavg").read_text(encoding="ascii").split()[0])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
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
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    workers_cpu = sum(cpu for _, _, cpu, _ in sampler.workers.values())
    waits = sum(wait for _, _, _, wait in sampler.workers.values())
    lives = sum(last - first for first, last, _, _ in sampler.workers.values())
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "own_cpu_s": cpu - workers_cpu,
        "workers_cpu_s": workers_cpu,
        "queued": waits / lives if lives > 0.1 else float("nan"),
        "idle": max(0.0, 1 - (workers_cpu + waits) / lives) if lives > 0.1 else float("nan"),
        "pss_mb": sampler.peak_pss_kb / 1024,
        "load": load,
    }


def _row(name: str, figures: dict[str, float], base: dict[str, float] | None) -> str:
    ratio = f"{figures['wall_s'] / base['wall_s']:5.2f}x" if base else ""
    cpu_ratio = f"{figures['cpu_s'] / base['cpu_s']:5.2f}x" if base else ""
    idle = "" if figures["idle"] != figures["idle"] else f"{figures['idle']:4.0%}"
    queued = "" if figures["queued"] != figures["queued"] else f"{figures['queued']:4.0%}"
    return (
        f"  {name:<30} {figures['wall_s']:6.2f}s {figures['cpu_s']:6.2f}s "
        f"{figures['own_cpu_s']:6.2f}s {figures['workers_cpu_s']:6.2f}s {queued:>5} {idle:>5} "
        f"{figures['pss_mb']:6.0f} MB  load {figures['load']:4.1f}  {ratio:>6} {cpu_ratio:>6}"
    )


def run_code(
    name: str, code: Path, folder: Path, scratch: Path, jobs: list[int], cold: bool = True
) -> dict[str, dict[str, float]]:
    """Every run of one checkout on one history; returns the figures by run."""
    env = {**os.environ, "PYTHONPATH": str(code), "XDG_CACHE_HOME": str(scratch / "xdg")}
    base = [sys.executable, "-m", "loadwatch", "analyze", str(folder), "--format", "json"]
    base += ["-q", "--timezone", "UTC", "--as-of", "2099-01-01"]
    cache = scratch / f"cache-{name}.sqlite3"
    cache.unlink(missing_ok=True)
    runs: list[tuple[str, list[str]]] = [
        (f"cold --no-cache --jobs {n}", ["--no-cache", "--jobs", str(n)]) for n in jobs if cold
    ]
    runs += [
        (f"empty cache --jobs {jobs[-1]}", ["--cache", str(cache), "--jobs", str(jobs[-1])]),
        (f"warm --jobs {jobs[-1]}", ["--cache", str(cache), "--jobs", str(jobs[-1])]),
    ]
    figures = {label: measure(base + extra, env) for label, extra in runs}
    done = subprocess.run(
        [sys.executable, "-c", _WARM_SCAN, str(folder), str(cache)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures["warm scan alone"] = json.loads(done.stdout)
    return figures


def main() -> None:
    """Generate the histories, run both checkouts on each and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--histories", nargs="+", default=["fit:1000", "gpx:100", "mixed:1000", "fit:5000"]
    )
    parser.add_argument("--base", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument(
        "--warm-only",
        nargs="*",
        default=["fit:5000"],
        help="histories run without the --no-cache runs  [default: fit:5000]",
    )
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="loadwatch-cold-"))
    here = Path(__file__).resolve().parent.parent
    codes = [("this", here)] + ([("base", options.base.resolve())] if options.base else [])
    print(f"{os.cpu_count()} CPU cores, Python {sys.version.split()[0]}; this: {here}")
    try:
        for spec in options.histories:
            kind, runs = spec.split(":")
            folder = (options.keep or scratch) / f"{kind}{runs}"
            write_history(folder, int(runs), HISTORIES[kind])
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            print(f"\n{spec}: {int(runs):,} one-hour runs ({size / 1e6:.0f} MB) in {folder}")
            print(
                f"  {'':<30} {'wall':>7} {'CPU':>7} {'own':>7} {'workers':>7} "
                f"{'queue':>5} {'idle':>5} "
                f"{'PSS':>9}  {'':9}  {'wall':>6} {'CPU':>6} vs base"
            )
            results = {
                name: run_code(
                    name, code, folder, scratch, options.jobs, spec not in options.warm_only
                )
                for name, code in codes
            }
            for name, figures in results.items():
                print(f" {name}")
                for label, row in figures.items():
                    if label == "warm scan alone":
                        continue
                    other = results.get("base") if name == "this" else None
                    print(_row(label, row, other[label] if other else None))
                if spec not in options.warm_only:
                    first, last = (
                        f"cold --no-cache --jobs {n}" for n in (options.jobs[0], options.jobs[-1])
                    )
                    ratio = figures[last]["wall_s"] / figures[first]["wall_s"]
                    print(f"  wall of {last} / {first}: {ratio:.2f}")
                warm = figures["warm scan alone"]
                print(
                    f"  warm scan alone: imports {warm['import_cpu_s']:.3f}s CPU, scan "
                    f"{warm['scan_cpu_s']:.3f}s CPU ({warm['scan_s']:.3f}s wall), "
                    f"{warm['queries']} SQL statements, {warm['activities']} activities"
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
