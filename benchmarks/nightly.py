"""Benchmark of the nightly rerun: cold run, warm rerun, and a rerun with one new file.

Usage: ``python benchmarks/nightly.py [--runs 500] [--keep DIR]``

Generates a history of one-hour 1 Hz FIT runs, then times ``loadwatch analyze HISTORY --out
OUT`` as the nightly job runs it (a fresh process each time, with its own cache):

1. cold: an empty cache, every file parsed and every output drawn;
2. warm: nothing new;
3. one new file: the next day's run added.

Targets (issue 3, this 2-core machine): the rerun with one new file within 2 s of wall time and
within 5% of the cold run's.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        history, out, cache = work / "history", work / "out", work / "cache.sqlite3"
        print(f"writing {args.runs} one-hour runs at 1 Hz ...", flush=True)
        started = time.perf_counter()
        make_history(history, args.runs)
        print(f"  {time.perf_counter() - started:.1f} s")
        cache.unlink(missing_ok=True)
        command = [sys.executable, "-m", "loadwatch", "analyze", str(history), "--out", str(out)]
        command += ["--cache", str(cache), "--timezone", "UTC", "--quiet"]

        cold = timed(command)
        warm = timed(command)
        extra = history / "new" / "tomorrow.fit"
        extra.parent.mkdir(exist_ok=True)
        extra.write_bytes(one_hour_run(args.runs))
        one_new = timed(command)
        # The same without --out: the analysis alone, without drawing charts or pages.
        table_only = [c for c in command if c not in ("--out", str(out))]
        extra2 = history / "new" / "day-after.fit"
        extra2.write_bytes(one_hour_run(args.runs + 1))
        one_new_table = timed(table_only)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import loadwatch.cli"], check=True)
        startup = time.perf_counter() - started

    print(f"history: {args.runs} runs, {args.runs * 3601:,} records")
    print(f"cold run:               {cold:6.2f} s")
    print(f"warm rerun, no changes: {warm:6.2f} s  ({warm / cold:6.1%} of cold)")
    print(f"rerun with 1 new file:  {one_new:6.2f} s  ({one_new / cold:6.1%} of cold)")
    print(f"  same, without --out:  {one_new_table:6.2f} s  ({one_new_table / cold:6.1%} of cold)")
    print(f"python + imports alone: {startup:6.2f} s  ({startup / cold:6.1%} of cold)")
    for target, met in (
        ("rerun with 1 new file <= 2 s", one_new <= 2.0),
        ("rerun with 1 new file <= 5% of cold", one_new <= 0.05 * cold),
    ):
        print(f"target {target}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
