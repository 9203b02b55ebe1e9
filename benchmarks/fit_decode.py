"""FIT decoding speed: fitparse against loadwatch's fast decoder, on the corpus FIT files.

Usage::

    LOADWATCH_CORPUS=../shared/corpus python benchmarks/fit_decode.py [--repeat 5] [--per-file]

Both run in this one process over the same bytes, already in memory. Two measures:

* decode: bytes to messages (file ids, sessions, record columns...), the part fitparse does;
  fitparse runs as loadwatch runs it (checksums checked, values left raw);
* read_fit: bytes to :class:`~loadwatch.ingest.activity.Activity` objects with their samples.

Records per second count the record messages each decoder read (the fast decoder reads on
where fitparse gives up on one corpus file, so it also reports the time ratio on the same
files). fitparse runs once (it takes several seconds); the fast decoder runs ``--repeat``
times and its first (cold) and best passes are shown.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.readers import _fitparsed, fit, fitfast

Files = list[tuple[str, bytes]]


def _corpus(argument: str | None) -> Path:
    folder = argument or os.environ.get("LOADWATCH_CORPUS")
    if not folder:
        sys.exit("give the corpus folder (--corpus or LOADWATCH_CORPUS)")
    return Path(folder) / "fit"


def _load(folder: Path) -> Files:
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".fit")
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in paths]


def _fitparse_decode(name: str, data: bytes) -> int:
    try:
        return _fitparsed.read_with_fitparse(data, name).content.records
    except LoadwatchError:
        return 0


def _fast_decode(name: str, data: bytes) -> int:
    try:
        return fitfast.decode(data).content.records
    except Exception:  # a broken first header: no records
        return 0


def _reader(decoder: fit.Decoder) -> Callable[[str, bytes], int]:
    def read(name: str, data: bytes) -> int:
        try:
            return sum(len(a.samples) for a in fit.read_fit(data, name, decoder=decoder))
        except LoadwatchError:
            return 0

    return read


def _run(files: Files, work: Callable[[str, bytes], int]) -> tuple[float, int, dict[str, float]]:
    """Seconds for all files, records (or samples) counted, and seconds per file."""
    per_file: dict[str, float] = {}
    count = 0
    start = time.perf_counter()
    for name, data in files:
        t0 = time.perf_counter()
        count += work(name, data)
        per_file[name] = time.perf_counter() - t0
    return time.perf_counter() - start, count, per_file


def _line(label: str, seconds: float, count: int, unit: str) -> str:
    rate = count / seconds if seconds > 0 else float("inf")
    return f"  {label:<34} {count:>9,} {unit}  {seconds:8.3f} s  {rate:>12,.0f} {unit}/s"


def _compare(
    title: str,
    files: Files,
    reference: Callable[[str, bytes], int],
    fast: Callable[[str, bytes], int],
    repeat: int,
    unit: str,
    per_file: bool,
) -> float:
    print(title)
    ref_s, ref_n, ref_files = _run(files, reference)
    print(_line("fitparse 1.2.0 (as loadwatch runs it)", ref_s, ref_n, unit))
    runs = [_run(files, fast) for _ in range(repeat)]
    first = runs[0]
    best = min(runs, key=lambda run: run[0])
    print(_line("loadwatch fast decoder, first pass", first[0], first[1], unit))
    print(_line(f"loadwatch fast decoder, best of {repeat}", best[0], best[1], unit))
    ratio = (best[1] / best[0]) / (ref_n / ref_s)
    print(f"  ratio: {ratio:.0f}x the {unit}/s, {ref_s / best[0]:.0f}x less time on the same files")
    if per_file:
        for name, seconds in sorted(ref_files.items(), key=lambda item: -item[1]):
            fast_s = best[2][name]
            print(f"    {name:<58} {seconds * 1000:9.1f} ms {fast_s * 1000:8.2f} ms")
    return ratio


def main() -> None:
    """Run both decoders over the corpus and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="the shared corpus folder [LOADWATCH_CORPUS]")
    parser.add_argument("--repeat", type=int, default=5, help="passes of the fast decoder")
    parser.add_argument("--per-file", action="store_true", help="show each file's times")
    options = parser.parse_args()
    files = _load(_corpus(options.corpus))
    size = sum(len(data) for _, data in files)
    print(f"{len(files)} FIT files, {size / 1e6:.1f} MB, Python {sys.version.split()[0]}")
    print()
    _compare(
        "decode (bytes -> messages)",
        files,
        _fitparse_decode,
        _fast_decode,
        options.repeat,
        "records",
        options.per_file,
    )
    print()
    _compare(
        "read_fit (bytes -> activities with samples)",
        files,
        _reader("fitparse"),
        _reader("fast"),
        options.repeat,
        "samples",
        options.per_file,
    )


if __name__ == "__main__":
    main()
