"""Mutated corpus files: reading one raises only loadwatch's own errors (issue 13, "how to
prove it"). A fixed seed, so every run tries the same files; ``LOADWATCH_FUZZ_CASES`` sets how
many (a few hundred by default, on CI too; thousands for a night's hunt)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.readers import read_activity
from loadwatch.ingest.summary import summarise

CASES = int(os.environ.get("LOADWATCH_FUZZ_CASES", "200"))
SEED = 13


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """One of: flipped bytes, a cut, random bytes inserted, a slice repeated, digits swapped."""
    kind = rng.randrange(5)
    at = rng.randrange(max(1, len(data)))
    if kind == 0:
        mutable = bytearray(data)
        for _ in range(rng.randint(1, 16)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        return bytes(mutable)
    if kind == 1:
        return data[:at]
    if kind == 2:
        return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
    if kind == 3:
        end = min(len(data), at + rng.randint(1, 4096))
        return data[:end] + data[at:end] * rng.randint(1, 8) + data[end:]
    digits = rng.choice([b"9" * 40, b"1e308", b"-1e308", b"nan", b"inf", b"0"])
    return data[:at] + digits + data[at + rng.randint(0, 8) :]


@pytest.mark.corpus
def test_mutated_corpus_files_raise_only_loadwatch_errors(corpus: Path) -> None:
    """Every mutated corpus file is read, or refused with a LoadwatchError; never another."""
    files = sorted(
        path
        for path in corpus.rglob("*")
        if path.is_file() and path.suffix.lower() in {".fit", ".gpx", ".tcx"}
    )
    assert files
    rng = random.Random(SEED)
    foreign: list[str] = []
    for case in range(CASES):
        path = files[case % len(files)]
        data = _mutate(path.read_bytes(), rng)
        try:
            activity = read_activity(data)
            summarise(activity)
        except LoadwatchError:
            continue
        except Exception as error:  # the finding: a foreign exception
            foreign.append(f"{path.name} case {case}: {type(error).__name__}: {error}")
    assert not foreign, "\n".join(foreign[:20])
