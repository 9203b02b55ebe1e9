"""Benchmark of the nightly rerun: cold run, warm rerun, and a rerun with one new file.

Usage: ``python benchmarks/nightly.py [--runs 500] [--repeat 3] [--keep DIR]``

Generates a history of one-hour 1 Hz FIT runs, then times ``loadwatch analyze HISTORY --out
OUT`` as the nightly job runs it (a fresh process each time, with its own cache):

1. cold: an empty cache, every file parsed and every output drawn;
2. warm: nothing new;
3. one new file: the next day's run added (and the same without ``--out``);

each round starts from an empty cache, and the medians of the rounds are shown.

Targets (issue 3, this 2-core machine): the rerun with one new file within 2 s of wall time and
within 5% of the cold run's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import make_history, one_hour_run


def timed(command: list[str]) -> float:
    """Wall time of a command, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500, help="runs in the history")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the medians are shown")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        history, out, cache = work / "history", work / "out", work / "cache.sqlite3"
        print(f"writing {args.runs} one-hour runs at 1 Hz ...", flush=True)
        started = time.perf_counter()
        make_history(history, args.runs)
        print(f"  {time.perf_counter() - started:.1f} s")
        command = [sys.executable, "-m", "loadwatch", "analyze", str(history), "--out", str(out)]
        command += ["--cache", str(cache), "--timezone", "UTC", "--quiet"]
        # The same without --out: the analysis alone, without drawing charts or pages.
        table_only = [c for c in command if c not in ("--out", str(out))]
        added = history / "new"
        added.mkdir(exist_ok=True)
        day = args.runs
        for _ in range(args.repeat):
            cache.unlink(missing_ok=True)
            times.setdefault("cold", []).append(timed(command))
            times.setdefault("warm", []).append(timed(command))
            for name, run in (("one_new", command), ("one_new_table", table_only)):
                (added / f"day-{day}.fit").write_bytes(one_hour_run(day))
                day += 1
                times.setdefault(name, []).append(timed(run))
            times.setdefault("startup", []).append(
                timed([sys.executable, "-c", "import loadwatch.cli"])
            )
            times.setdefault("python", []).append(timed([sys.executable, "-c", "pass"]))

    median = {name: statistics.median(values) for name, values in times.items()}
    cold = median["cold"]
    print(
        f"history: {args.runs} runs, {args.runs * 3601:,} records; medians of {args.repeat} rounds"
    )
    for name, label in (
        ("cold", "cold run"),
        ("warm", "warm rerun, no changes"),
        ("one_new", "rerun with 1 new file"),
        ("one_new_table", "  same, without --out"),
        ("startup", "python + imports alone"),
        ("python", "python alone"),
    ):
        spread = f"{min(times[name]):.2f}-{max(times[name]):.2f}"
        share = "" if name == "cold" else f"  ({median[name] / cold:6.1%} of cold)"
        print(f"{label + ':':<24}{median[name]:6.2f} s  [{spread}]{share}")
    for target, met in (
        ("rerun with 1 new file <= 2 s", median["one_new"] <= 2.0),
        ("rerun with 1 new file <= 5% of cold", median["one_new"] <= 0.05 * cold),
    ):
        print(f"target {target}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
