"""Benchmark of the nightly rerun: cold run, warm rerun with nothing new, rerun with one new file.

Usage::

    python benchmarks/nightly.py [--runs 1000 5000] [--kinds fit gpx mixed] [--repeat 3]
        [--base /work/wt/base-i15-reuse] [--work DIR]

Generates histories of one-hour 1 Hz runs (FIT, GPX, or both in turn: "mixed"), then runs
``loadwatch analyze HISTORY --out OUT --cache CACHE --quiet`` as the nightly job does, in a fresh
process each time, with this checkout's code and with the code of ``--base`` (today's code: a
worktree of main at 106bc2a), each with its own cache and output folder:

1. cold: an empty cache, every file parsed and every output drawn;
2. warm: nothing new (the median of ``--repeat`` reruns, after one rerun that settles the cache
   and, with this checkout's code, remembers the answer);
3. one new file: the next day's run added, then analysed (median of ``--repeat`` rounds).

For each it prints wall time, CPU time (user + system of the child, from ``wait4``) and the
child's peak memory (max RSS), and the ratio of this checkout's to the base's. Files are given
modification times an hour old, as a sync tool that keeps the source's times leaves them. Each
code's modules are compiled to bytecode first, as an installed package's are.

Targets (issue 15, CPU time on this 2-core machine): warm rerun with nothing new <= 0.3 s at
1,000 runs and <= 0.6 s at 5,000; one new file with ``--out`` <= 1.2 s at 1,000 runs; peak memory
as today or lower.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import FIRST_DAY, one_hour_gpx, one_hour_run

HERE = Path(__file__).resolve().parent.parent
DEFAULT_BASE = Path("/work/wt/base-i15-reuse")
AN_HOUR_AGO = time.time() - 3600


@dataclasses.dataclass(frozen=True)
class Measure:
    """One process: wall and CPU seconds, peak memory in MB."""

    wall_s: float
    cpu_s: float
    peak_mb: float


def run_file(kind: str, index: int) -> tuple[str, bytes]:
    """The suffix and bytes of run ``index`` of a history of ``kind``."""
    gpx = kind == "gpx" or (kind == "mixed" and index % 2 == 1)
    return (".gpx", one_hour_gpx(index)) if gpx else (".fit", one_hour_run(index))


def add_run(folder: Path, kind: str, index: int) -> None:
    """Write run ``index`` into ``folder/YYYY/MM/``, dated an hour ago."""
    day = FIRST_DAY + timedelta(days=index)
    suffix, data = run_file(kind, index)
    path = folder / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y-%m-%d-%H-%M}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))


def history(work: Path, kind: str, runs: int) -> Path:
    """A history of ``runs`` runs of ``kind`` in ``work`` (kept there for the next time)."""
    folder = work / f"{kind}-{runs}"
    done = folder / "COMPLETE"
    if not done.is_file():
        print(f"writing {runs} one-hour {kind} runs ...", flush=True)
        for index in range(runs):
            add_run(folder, kind, index)
        done.write_text("")
        os.utime(done, (AN_HOUR_AGO, AN_HOUR_AGO))
    return folder


def measured(command: list[str], env: dict[str, str]) -> Measure:
    """Run ``command`` (which must succeed) and measure it with ``wait4``."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        env=env,
        cwd="/",  # python -m imports the current folder's loadwatch before PYTHONPATH's
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode not in (0, 3):
        raise RuntimeError(f"{command} failed: {errors.decode(errors='replace')}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(values: list[Measure]) -> Measure:
    """The median of each figure."""
    return Measure(
        statistics.median(m.wall_s for m in values),
        statistics.median(m.cpu_s for m in values),
        max(m.peak_mb for m in values),
    )


def bench_code(
    code: Path, folder: Path, scratch: Path, kind: str, first_new: int, repeat: int
) -> dict[str, Measure]:
    """Cold, warm and one-new-file figures of the code in ``code`` on a copy of ``folder``'s
    history (new files are added to ``folder`` itself and removed after)."""
    name = code.name
    cache, out = scratch / f"{name}.sqlite3", scratch / f"out-{name}"
    # An installed package has its bytecode compiled (pip does it): so does the measured code,
    # whatever this shell says (PYTHONDONTWRITEBYTECODE would make each run compile loadwatch's
    # modules again, about 0.1 s of CPU).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "loadwatch")], check=True)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(code),
        "MPLBACKEND": "Agg",
        "XDG_CACHE_HOME": str(scratch / f"xdg-{name}"),
        "XDG_CONFIG_HOME": str(scratch / f"xdg-{name}"),
        "XDG_DATA_HOME": str(scratch / f"xdg-{name}"),
    }
    command = [sys.executable, "-m", "loadwatch", "analyze", str(folder), "--out", str(out)]
    command += ["--cache", str(cache), "--timezone", "UTC", "--quiet"]
    figures = {"cold": measured(command, env)}
    measured(command, env)  # settles the cache (and, with the new code, remembers the answer)
    figures["warm"] = median([measured(command, env) for _ in range(repeat)])
    added: list[Path] = []
    news = []
    for index in range(first_new, first_new + repeat):
        before = set(folder.rglob("*"))
        add_run(folder, kind, index)
        added.extend(set(folder.rglob("*")) - before)
        news.append(measured(command, env))
    figures["one new file"] = median(news)
    for path in sorted(added, reverse=True):
        if path.is_file():
            path.unlink()
        else:
            path.rmdir()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--kinds", nargs="+", default=["fit", "gpx", "mixed"])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are shown")
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="today's code")
    parser.add_argument("--work", type=Path, help="keep the histories in this folder")
    args = parser.parse_args()
    codes = [HERE] + ([args.base] if (args.base / "loadwatch").is_dir() else [])
    if len(codes) == 1:
        print(f"no base code at {args.base}: this checkout alone is measured")
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        for kind in args.kinds:
            for runs in args.runs:
                folder = history(work, kind, runs)
                results = {}
                for code in codes:
                    with tempfile.TemporaryDirectory() as scratch:
                        results[code] = bench_code(
                            code, folder, Path(scratch), kind, runs + 10, args.repeat
                        )
                report(kind, runs, results, codes)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def report(
    kind: str, runs: int, results: dict[Path, dict[str, Measure]], codes: list[Path]
) -> None:
    """One table per history: each step, each code, and the ratio of this checkout's to base."""
    print(f"\n{kind.upper()} history, {runs} runs")
    print(f"{'':<14}{'code':<8}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}")
    for step in ("cold", "warm", "one new file"):
        for code in codes:
            m = results[code][step]
            label = "this" if code == HERE else "base"
            print(f"{step:<14}{label:<8}{m.wall_s:8.2f}{m.cpu_s:8.2f}{m.peak_mb:9.0f}")
        if len(codes) == 2:
            new, old = results[codes[0]][step], results[codes[1]][step]
            print(
                f"{'':<14}{'ratio':<8}{new.wall_s / old.wall_s:8.2f}{new.cpu_s / old.cpu_s:8.2f}"
                f"{new.peak_mb / old.peak_mb:9.2f}"
            )


if __name__ == "__main__":
    main()
