"""The streaming GPX and TCX paths against the readers they replace, in one process, CPU time.

Usage::

    python benchmarks/xml_readers.py [--files 20] [--rounds 3] [--base 106bc2a] [--cold 1000]

For one-hour runs at 1 Hz (generated as Strava writes GPX and Garmin writes TCX) and for every
GPX and TCX file of ``LOADWATCH_CORPUS`` and the export corpus beside it, prints the CPU ms per
file and points per second of:

* GPX: ``read_gpx`` (the streaming path, gpxpy for what it declines), ``read_gpx_reference``
  (gpxpy for every file), and today's reader: ``gpx.py`` as it was at ``--base`` (a commit),
  loaded from git into this process beside the new one;
* TCX: ``read_tcx`` (streaming), ``read_tcx_reference`` (the tree) and ``tcx.py`` at ``--base``;

with the ratios, each reader run on the same files in turn, ``--rounds`` times, the best
round kept (the machine is shared: the least disturbed round is the closest to the cost).
Then, with ``--cold N``, a cold ``loadwatch analyze --no-cache --jobs 1`` of N generated GPX
runs, in CPU seconds of the whole process tree (:func:`cold_import.measure`).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_import import measure
from gpx_import import _gpx, _tcx

from loadwatch.ingest.readers.gpx import read_gpx, read_gpx_reference
from loadwatch.ingest.readers.tcx import read_tcx, read_tcx_reference

ROOT = Path(__file__).resolve().parent.parent
Reader = Callable[[bytes, str], list[object]]


def _base_module(commit: str, name: str) -> ModuleType:
    """``loadwatch/ingest/readers/<name>.py`` as it was at ``commit``, imported beside today's."""
    path = f"loadwatch/ingest/readers/{name}.py"
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module_name = f"loadwatch.ingest.readers._base_{name}"
    spec = importlib.util.spec_from_loader(module_name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    exec(compile(source, f"{commit}:{path}", "exec"), module.__dict__)
    return module


def _points(reader: Reader, data: bytes) -> int:
    """Samples a reader gives for a file (0 when it cannot read it)."""
    try:
        activities = reader(data, "bench")
        return sum(len(activity.samples) for activity in activities)  # type: ignore[attr-defined]
    except Exception:
        return 0


def _cpu_ms(reader: Reader, files: list[bytes], rounds: int) -> float:
    """The best round's CPU ms per file."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for data in files:
            try:
                reader(data, "bench")
            except Exception:
                continue
        best = min(best, time.process_time() - start)
    return best / len(files) * 1000


def _compare(label: str, readers: dict[str, Reader], files: list[bytes], rounds: int) -> None:
    """Print ms per file, points per second and ratios to the first reader (the new one)."""
    points = sum(_points(next(iter(readers.values())), data) for data in files)
    print(f"{label}: {len(files)} files, {points:,} points")
    results = {name: _cpu_ms(reader, files, rounds) for name, reader in readers.items()}
    new = next(iter(results.values()))
    for name, ms in results.items():
        rate = points / len(files) / (ms / 1000) if ms else float("inf")
        print(f"  {name:<28} {ms:8.1f} ms/file {rate:12,.0f} points/s   x{ms / new:5.2f}")
    print()


def _corpus_files(suffix: str) -> list[bytes]:
    """Every file with this suffix in the corpus and the export corpus, if they are there."""
    corpus = os.environ.get("LOADWATCH_CORPUS")
    if not corpus:
        return []
    found: list[bytes] = []
    for folder in (Path(corpus), Path(corpus).parent / "corpus-exports"):
        if folder.is_dir():
            found += [p.read_bytes() for p in sorted(folder.rglob(f"*{suffix}")) if p.is_file()]
    return found


def _cold(runs: int) -> None:
    """A cold analyze of ``runs`` generated one-hour GPX runs, one process, no cache."""
    scratch = Path(tempfile.mkdtemp(prefix="loadwatch-xml-"))
    try:
        for day in range(runs):
            (scratch / f"run-{day:04d}.gpx").write_bytes(_gpx(day))
        args = [sys.executable, "-m", "loadwatch", "analyze", str(scratch), "--no-cache"]
        args += ["-q", "--format", "json", "--timezone", "UTC", "--jobs", "1"]
        figures = measure(args, dict(os.environ))
        print(
            f"cold analyze of {runs:,} one-hour GPX runs (--jobs 1, --no-cache): "
            f"{figures['cpu_s']:.1f} s CPU, {figures['wall_s']:.1f} s wall, "
            f"{figures['maxrss_mb']:.0f} MB peak RSS"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    """Generate the files, time each reader on them and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20, help="one-hour files per format")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds, best kept")
    parser.add_argument("--base", default="106bc2a", help="the commit of today's readers")
    parser.add_argument("--cold", type=int, default=0, help="GPX runs for a cold analyze")
    options = parser.parse_args()
    base_gpx = _base_module(options.base, "gpx")
    base_tcx = _base_module(options.base, "tcx")
    gpx_readers: dict[str, Reader] = {
        "read_gpx (streaming)": read_gpx,  # type: ignore[dict-item]
        "read_gpx_reference (gpxpy)": read_gpx_reference,  # type: ignore[dict-item]
        f"gpx.py at {options.base}": base_gpx.read_gpx,
    }
    tcx_readers: dict[str, Reader] = {
        "read_tcx (streaming)": read_tcx,  # type: ignore[dict-item]
        "read_tcx_reference (tree)": read_tcx_reference,  # type: ignore[dict-item]
        f"tcx.py at {options.base}": base_tcx.read_tcx,
    }
    print(f"CPU time (time.process_time), best of {options.rounds} rounds; load {os.getloadavg()}")
    print()
    _compare(
        "GPX, one-hour runs", gpx_readers, [_gpx(d) for d in range(options.files)], options.rounds
    )
    _compare(
        "TCX, one-hour runs", tcx_readers, [_tcx(d) for d in range(options.files)], options.rounds
    )
    corpus_gpx, corpus_tcx = _corpus_files(".gpx"), _corpus_files(".tcx")
    if corpus_gpx:
        _compare("GPX, corpus and exports", gpx_readers, corpus_gpx, options.rounds)
    if corpus_tcx:
        _compare("TCX, corpus and exports", tcx_readers, corpus_tcx, options.rounds)
    if options.cold:
        _cold(options.cold)


if __name__ == "__main__":
    main()
