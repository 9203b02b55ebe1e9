"""Hostile inputs of issue 13 (#5-#8), timed through the CLI with the process tree's peak memory.

Usage::

    python benchmarks/hostile.py [--code PATH] [--limit-s 30] [--limit-mb 2000] [CASE...]

Builds each input in a temporary folder (with ``tests/attacks/hostile.py``), runs
``python -m loadwatch analyze FOLDER --format json --no-cache`` with ``PYTHONPATH=--code`` (this
checkout by default; point it at an older checkout to measure before a fix), and prints the
wall seconds, the peak resident memory of the whole process tree (worker processes
included), polled from ``/proc`` every 10 ms, and the CPU seconds it used (which a loaded
machine does not inflate as it does the wall time). A run past ``--limit-s`` or ``--limit-mb`` is
killed and shown as ``>``, so that measuring an unbounded version does not take the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "attacks"))
import hostile  # noqa: E402

MB = hostile.MB


def _write(name: str, build: Callable[[], bytes]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).write_bytes(build())

    return make


def _empty_files(folder: Path) -> None:
    for n in range(100_000):
        (folder / f"{n}.fit").touch()


CASES: dict[str, Callable[[Path], None]] = {
    "5: TCX claiming 4e9 m": _write("far.tcx", hostile.tcx_claiming_4e9_m),
    "16: TCX laps of 1.7e308 s and m": _write("laps.tcx", hostile.tcx_huge_lap_totals),
    "6: 42.zip (4 x 16 x 255 MB)": _write("42.zip", hostile.nested_42),
    "6: 60 members of 255 MB": _write("m.zip", lambda: hostile.zip_of_bombs(60, 255 * MB)),
    "6: 60 overlapping entries, 200 MB": _write("o.zip", lambda: hostile.overlapping(60, 200 * MB)),
    "7: FIT, a definition per record": _write(
        "d.fit", lambda: hostile.fit(600_000, define_every_record=True)
    ),
    "7: FIT, 64 chained copies": _write("c.fit", lambda: hostile.fit(36_000) * 64),
    "7: GPX of 1e6 points": _write("p.gpx", lambda: hostile.gpx_points(1_000_000)),
    "7: TCX of 1e6 points": _write("p.tcx", lambda: hostile.tcx_points(1_000_000)),
    "7: GPX of 500,000 points": _write("h.gpx", lambda: hostile.gpx_points(500_000)),
    "8: 100,000 empty files (--jobs 2)": _empty_files,
    "apple: export.xml of 4 GB in a 5 MB zip": _write(
        "export.zip", lambda: hostile.apple_zip(hostile.apple_bomb())
    ),
    "apple: the same, nested (60 kB)": _write(
        "backup.zip", lambda: hostile.apple_zip_nested(hostile.apple_bomb())
    ),
    "apple: export.xml of 4 GB of spaces": _write(
        "export.zip", lambda: hostile.apple_zip(hostile.apple_bomb(unit=b" " * 4096))
    ),
    "apple: export.xml with entities in its DTD": _write(
        "export.xml", lambda: hostile.apple_with_dtd('<!ENTITY a "AAAA"><!ENTITY b "&a;&a;">')
    ),
}


def _tree_kb(pid: int) -> int:
    total, queue = 0, [pid]
    while queue:
        current = queue.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS"))
            for task in Path(f"/proc/{current}/task").glob("*/children"):
                queue.extend(int(child) for child in task.read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measure(folder: Path, code: Path, limit_s: float, limit_mb: float) -> str:
    """Run the CLI on ``folder``; ``seconds  peak MB`` (``>`` where it was stopped)."""
    env = {**os.environ, "PYTHONPATH": str(code), "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "loadwatch", "analyze", str(folder), "--format", "json"]
    command += ["--no-cache", "--jobs", "2"]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed below; a pipe would block)
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=errors, env=env, cwd=tempfile.gettempdir()
    )
    peak = 0.0
    stopped = ""
    while process.poll() is None:
        peak = max(peak, _tree_kb(process.pid) / 1024)
        elapsed = time.perf_counter() - started
        if elapsed > limit_s or peak > limit_mb:
            stopped = ">"
            subprocess.run(["pkill", "-KILL", "-P", str(process.pid)], check=False)
            process.kill()
            process.wait()
            break
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    errors.seek(0)
    tail = errors.read().decode(errors="replace")
    errors.close()
    traceback = "  TRACEBACK" if "Traceback" in tail else ""
    return (
        f"{stopped}{seconds:7.1f} s {stopped}{peak:7.0f} MB {cpu:6.1f} s of CPU  "
        f"exit {process.returncode}{traceback}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose loadwatch runs")
    parser.add_argument("--limit-s", type=float, default=30.0)
    parser.add_argument("--limit-mb", type=float, default=2000.0)
    parser.add_argument("cases", nargs="*", help="case names starting with these (default all)")
    args = parser.parse_args()
    print(f"loadwatch from {args.code}")
    for name, make in CASES.items():
        if args.cases and not any(name.startswith(prefix) for prefix in args.cases):
            continue
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp) / "watched"
            folder.mkdir()
            make(folder)
            print(
                f"{name:38s} {measure(folder, args.code, args.limit_s, args.limit_mb)}", flush=True
            )


if __name__ == "__main__":
    main()
