"""Start-up cost of the command line: CPU time of ``loadwatch --help`` against ``python -c pass``.

Usage::

    python benchmarks/cli_startup.py [--repeat 10]

Each command runs ``--repeat`` times in a fresh process; reported are the median CPU time
(user + system, from ``getrusage(RUSAGE_CHILDREN)``: other work on the machine makes the wall
time grow, not this) of ``python -c pass`` (the interpreter alone), ``python -m loadwatch
--help``, ``python -m loadwatch analyze --help`` (which imports the analysis) and their
difference from the interpreter alone. The aim for ``loadwatch --help`` is under 0.3 s; it
imports no pandas, numpy or matplotlib (``tests/test_firstrun.py`` checks that, without timing).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(args: list[str]) -> float:
    """CPU time (user + system) of one run of ``python *args`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    repeat = parser.parse_args().repeat
    commands = {
        "python -c pass": ["-c", "pass"],
        "loadwatch --help": ["-m", "loadwatch", "--help"],
        "loadwatch analyze --help": ["-m", "loadwatch", "analyze", "--help"],
    }
    medians = {
        name: statistics.median(cpu_seconds(args) for _ in range(repeat))
        for name, args in commands.items()
    }
    bare = medians["python -c pass"]
    print(f"{'command':<26} {'CPU s':>7} {'over python':>12}   (median of {repeat})")
    for name, seconds in medians.items():
        print(f"{name:<26} {seconds:7.3f} {seconds - bare:12.3f}")
    print(f"loadwatch --help / python -c pass: {medians['loadwatch --help'] / bare:.1f}x")


if __name__ == "__main__":
    main()
