"""FIT decoding speed: loadwatch against fitparse, fitdecode and garmin-fit-sdk; file -> summary
before and after.

Usage::

    LOADWATCH_CORPUS=../shared/corpus python benchmarks/fit_decode.py \\
        [--base ../wt/base] [--suunto Suunto-Ambit-3-Peak-without-final-lap.fit] [--repeat 5]

Every figure is CPU time (``time.process_time``), measured in this one process over the same
bytes already in memory, so that ratios hold on a loaded machine. Four parts:

* **corpus**: the FIT files of the corpus (``fit/`` and, beside it, ``corpus-exports``) that
  every installed decoder reads without an error; each decoder reads them all once (the
  references) or ``--repeat`` times, best pass shown (loadwatch). Records per second count the
  record messages loadwatch finds in those files, the same count for every decoder.
* **one-hour run**: a generated one-hour run at one record a second
  (:func:`loadwatch.samples.fitwrite.write_activity_fit`).
* **a definition before every record**: the Suunto Ambit 3 file given with ``--suunto``, else
  a generated one written as it is (9,250 records, a definition before each).
* **file -> summary**: bytes to the summaries the cache keeps, loadwatch before this change
  (the ``--base`` worktree, e.g. ``git worktree add ../wt/base 106bc2a``) against now, each
  run in a child process by this script (``--summary-worker``), on the one-hour run and the
  corpus. Without ``--base`` this part is left out, and says so.

The references are fitparse, fitdecode and garmin-fit-sdk as a user calls them (defaults:
checksums checked, values scaled). ``pip install -e '.[bench]'`` installs the two that
loadwatch does not need; a missing one is named and left out.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from loadwatch.ingest.readers import fitfast
from loadwatch.samples.fitwrite import write_activity_fit

Files = list[tuple[str, bytes]]
Decoder = Callable[[bytes], object]
ROOT = Path(__file__).resolve().parents[1]


def _fitparse(data: bytes) -> object:
    import fitparse

    return list(fitparse.FitFile(io.BytesIO(data)).get_messages())


def _fitdecode(data: bytes) -> object:
    import fitdecode

    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        return list(reader)


def _garmin(data: bytes) -> object:
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    if errors:
        raise errors[0]
    return messages


def _loadwatch(data: bytes) -> object:
    decoded = fitfast.decode(data)
    if decoded.stop is not None:
        raise decoded.stop
    return decoded


REFERENCES: dict[str, tuple[str, Decoder]] = {
    "fitparse": ("fitparse", _fitparse),
    "fitdecode": ("fitdecode", _fitdecode),
    "garmin-fit-sdk": ("garmin_fit_sdk", _garmin),
}


def _installed() -> dict[str, Decoder]:
    """The references that can be imported; the others are named as missing."""
    found = {}
    for label, (module, decode) in REFERENCES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            print(f"  {label} is not installed: left out (pip install -e '.[bench]')")
            continue
        found[label] = decode
    return found


def _corpus_files(folder: Path) -> Files:
    roots = [folder / "fit", folder.parent / "corpus-exports"]
    paths = sorted(
        p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix.lower() == ".fit"
    )
    return [(p.name, p.read_bytes()) for p in paths]


def _reads(decode: Decoder, data: bytes) -> bool:
    try:
        decode(data)
    except Exception:
        return False
    return True


def _cpu(decode: Decoder, files: Files, repeat: int) -> float:
    """The best of ``repeat`` passes over ``files``, CPU seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _, data in files:
            decode(data)
        best = min(best, time.process_time() - start)
    return best


def _compare(title: str, files: Files, decoders: dict[str, Decoder], repeat: int) -> None:
    """Each decoder over ``files``: CPU, records per second, ms per file, loadwatch's ratio."""
    records = sum(fitfast.decode(data).content.records for _, data in files)
    print(f"{title}: {len(files)} files, {records:,} records")
    seconds = {label: _cpu(decode, files, 1) for label, decode in decoders.items()}
    seconds["loadwatch"] = _cpu(_loadwatch, files, repeat)
    ours = seconds["loadwatch"]
    for label, cpu in seconds.items():
        ratio = "" if label == "loadwatch" else f"  loadwatch is {cpu / ours:6.1f}x faster"
        print(
            f"  {label:<15} {cpu:8.3f} s CPU {records / cpu:>12,.0f} records/s "
            f"{cpu * 1000 / len(files):9.2f} ms/file{ratio}"
        )


def _run(seconds: float, every: float = 1.0, *, redefine: bool = False) -> bytes:
    """A generated run: ``seconds`` long, a record every ``every`` seconds."""
    elapsed = np.arange(0.0, seconds, every)
    rng = np.random.default_rng(15)
    speed = 3.0 + 0.3 * np.sin(elapsed / 60) + rng.normal(0, 0.05, elapsed.size)
    distance = np.cumsum(speed * every)
    return write_activity_fit(
        start=datetime(2024, 5, 1, 7, tzinfo=UTC),
        elapsed_s=elapsed,
        distance_m=distance,
        speed_mps=speed,
        hr_bpm=140 + 10 * np.sin(elapsed / 300),
        cadence_spm=170 + rng.normal(0, 2, elapsed.size),
        lat=48.0 + distance / 111_000,
        lon=np.full(elapsed.size, 11.0),
        altitude_m=500 + 20 * np.sin(elapsed / 500),
        redefine_records=redefine,
    )


# --- file -> summary, in a child process per version --------------------------------------


def _summary_worker(paths: list[str], repeat: int) -> None:
    """Print the CPU seconds of bytes -> summaries for ``paths`` (the child's side)."""
    try:
        from loadwatch.ingest.summarise import summarise_source as summarise_file
    except ImportError:  # before this change: activities with frames, then summaries
        from loadwatch.ingest.readers import read_source
        from loadwatch.ingest.summary import summarise

        def summarise_file(data: bytes, format: str, source: str) -> list[object]:
            return [summarise(activity) for activity in read_source(data, format, source)]

    from loadwatch.errors import LoadwatchError

    files = [(path, Path(path).read_bytes()) for path in paths]

    def once(data: bytes, name: str) -> None:
        with contextlib.suppress(LoadwatchError):
            summarise_file(data, "fit", name)

    for name, data in files:
        once(data, name)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for name, data in files:
            once(data, name)
        best = min(best, time.process_time() - start)
    print(json.dumps({"cpu_s": best}))


def _summary_cpu(root: Path, paths: list[str], repeat: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "Agg"}
    argv = [sys.executable, __file__, "--summary-worker", "--repeat", str(repeat), *paths]
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["cpu_s"])


def _summaries(base: Path | None, sets: dict[str, list[str]], repeat: int) -> None:
    print("file -> summary (bytes to the summaries the cache keeps), CPU per pass, best of")
    if base is None:
        print("  left out: give --base, a worktree of loadwatch before this change")
        return
    for label, paths in sets.items():
        before = _summary_cpu(base, paths, repeat)
        now = _summary_cpu(ROOT, paths, repeat)
        each = 1000 / len(paths)
        print(
            f"  {label:<28} before {before * each:8.2f} ms/file   now {now * each:8.2f} "
            f"ms/file   {before / now:5.2f}x faster"
        )


def main() -> None:
    """Run every decoder over the corpus and the generated files, and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", help="the shared corpus folder [LOADWATCH_CORPUS]")
    parser.add_argument("--base", type=Path, help="a worktree of loadwatch before this change")
    parser.add_argument("--suunto", type=Path, help="Suunto-Ambit-3-Peak-without-final-lap.fit")
    parser.add_argument("--repeat", type=int, default=5, help="passes of loadwatch (best shown)")
    parser.add_argument("--summary-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.summary_worker:
        _summary_worker(options.paths, options.repeat)
        return
    folder = options.corpus or os.environ.get("LOADWATCH_CORPUS")
    if not folder:
        sys.exit("give the corpus folder (--corpus or LOADWATCH_CORPUS)")
    print(f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}, CPU time")
    references = _installed()
    decoders = [*references.values(), _loadwatch]
    corpus = [(n, d) for n, d in _corpus_files(Path(folder)) if all(_reads(f, d) for f in decoders)]
    _compare("corpus FIT files every decoder reads", corpus, references, options.repeat)
    hour = _run(3600.0)
    _compare("one-hour run, 1 Hz (generated)", [("hour.fit", hour)], references, options.repeat)
    if options.suunto:
        suunto = [(options.suunto.name, options.suunto.read_bytes())]
    else:
        suunto = [("9,250 records, each defined (generated)", _run(9250.0, redefine=True))]
    _compare(f"a definition before every record: {suunto[0][0]}", suunto, {}, options.repeat)
    with tempfile.TemporaryDirectory() as temporary:
        hour_path = Path(temporary) / "hour.fit"
        hour_path.write_bytes(hour)
        roots = [Path(folder) / "fit", Path(folder).parent / "corpus-exports"]
        every = [str(p) for root in roots if root.is_dir() for p in sorted(root.rglob("*.fit"))]
        sets = {"one-hour run": [str(hour_path)], "corpus (every FIT file)": every}
        _summaries(options.base, sets, options.repeat)


if __name__ == "__main__":
    main()
