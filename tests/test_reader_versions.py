"""A reader or summary change that alters results comes with a version bump, or the cache lies.

The cache keeps what each file gave under ``parser_version()``, built from ``READER_VERSIONS``
(each format's ``version`` in loadwatch/ingest/formats.py) and ``SUMMARY_VERSION``
(loadwatch/ingest/summary.py). Forget to bump
one after changing what a reader or ``summarise()`` gives, and every user keeps the old numbers
for the files they already have. So this test reads fixed files, ``sample_data/`` and (with
``LOADWATCH_CORPUS``) the shared corpus, as loadwatch does, and compares what each file gives
with ``tests/reader_fingerprints.json``: per format, the parser version of the record and, per
file, a digest of its bytes and one of its outcome. A file whose bytes are unchanged must give
the same outcome under the same version.

After bumping a version (or when the inputs changed), record again with:
``LOADWATCH_UPDATE_FINGERPRINTS=1 LOADWATCH_CORPUS=../shared/corpus python -m pytest
tests/test_reader_versions.py``. Recording refuses to store a changed outcome under an unchanged
version, so that re-recording cannot hide a forgotten bump.

Numbers are rounded to a fixed resolution per unit (cm, ms, 0.01 bpm, about 0.1 m of latitude)
so that floating-point noise between platforms does not count, while any real change does. A
file that cannot be read counts by its error's class, not its wording: the wording carries the
XML or FIT library's own message, which may vary between versions of Python and fitparse.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.activity import RUNNING_DYNAMICS
from loadwatch.ingest.cache import parser_version
from loadwatch.ingest.readers import READER_VERSIONS, read_source
from loadwatch.ingest.sources import Source, iter_sources
from loadwatch.ingest.summary import ActivitySummary, Histogram, summarise

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"
RECORD = Path(__file__).resolve().parent / "reader_fingerprints.json"
UPDATE = "LOADWATCH_UPDATE_FINGERPRINTS"
RERECORD = (
    f"{UPDATE}=1 LOADWATCH_CORPUS=../shared/corpus python -m pytest tests/test_reader_versions.py"
)
# Input sets, recorded apart so that the sample part runs (and can be re-recorded) without
# the corpus.
SETS = ("sample_data", "corpus")

# Decimal places kept, by unit.
_METRES = 2
_SECONDS = 3
_BPM = 2
_SPEED = 4  # histogram bins are multiples of 0.01 m/s
_DEGREES = 6  # about 0.1 m; the track is float32 (about 0.4 m) anyway


@dataclasses.dataclass(frozen=True)
class Fingerprint:
    """What one activity file is (a digest of its bytes) and what it gave (one of its outcome)."""

    bytes: str
    outcome: str


def _fixed(value: float, decimals: int) -> int | None:
    """``value`` in units of 10**-decimals, as an integer (None when not a number)."""
    return round(value * 10**decimals) if math.isfinite(value) else None


def _fixed_array(values: np.ndarray, decimals: int) -> list[int | None]:
    scaled = np.rint(np.asarray(values, dtype="float64") * 10**decimals)
    return [int(v) if math.isfinite(v) else None for v in scaled.tolist()]


def _histogram(histogram: Histogram, decimals: int) -> dict[str, list[int | None]]:
    return {
        "values": _fixed_array(histogram.values, decimals),
        "seconds": _fixed_array(histogram.seconds, _SECONDS),
    }


def _canonical(summary: ActivitySummary) -> dict[str, Any]:
    """Every field of a summary, as plain JSON with numbers at a fixed resolution."""
    return {
        "source": summary.source,
        "format": summary.format,
        "start": summary.start.isoformat(),
        "sport": summary.sport,
        "sub_sport": summary.sub_sport,
        "activity_type": summary.activity_type,
        "name": summary.name,
        "device": summary.device,
        "has_gps": summary.has_gps,
        "samples": summary.samples,
        "distance_m": _fixed(summary.distance_m, _METRES),
        "duration_s": _fixed(summary.duration_s, _SECONDS),
        "moving_s": _fixed(summary.moving_s, _SECONDS),
        "moving_distance_m": _fixed(summary.moving_distance_m, _METRES),
        "elev_gain_m": _fixed(summary.elev_gain_m, _METRES),
        "hr_p99": _fixed(summary.hr_p99, _BPM),
        "hr": _histogram(summary.hr, _BPM),
        "speed": _histogram(summary.speed, _SPEED),
        "relative_time": summary.relative_time,
        "warnings": list(summary.warnings),
        "track_lat": _fixed_array(summary.track_lat, _DEGREES),
        "track_lon": _fixed_array(summary.track_lon, _DEGREES),
        **{name: _fixed(getattr(summary, name), 2) for name in RUNNING_DYNAMICS},
    }


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def fingerprints(root: Path) -> dict[str, dict[str, Fingerprint]]:
    """Per format, per file under ``root``: its fingerprint, read as loadwatch reads it.

    Each file goes through the reader users get (for FIT, the fast decoder with fitparse
    behind) and ``summarise()``; a bug (any exception but LoadwatchError) is let through.
    """
    found: dict[str, dict[str, Fingerprint]] = {fmt: {} for fmt in READER_VERSIONS}
    for item in iter_sources(root):
        if not isinstance(item, Source):  # discovery's verdict: no reader involved
            continue
        outcome: list[Any]
        try:
            activities = read_source(item.data, item.format, item.label)
            outcome = [_canonical(summarise(activity)) for activity in activities]
        except LoadwatchError as error:
            outcome = [{"skipped": type(error).__name__}]
        text = json.dumps(outcome, sort_keys=True, separators=(",", ":"), allow_nan=False)
        found[item.format][item.label] = Fingerprint(_digest(item.data), _digest(text.encode()))
    return found


@pytest.fixture(scope="module")
def sample_data_fingerprints() -> dict[str, dict[str, Fingerprint]]:
    """The fingerprints of the generated sample files."""
    return fingerprints(SAMPLE_DATA)


@pytest.fixture(scope="module")
def corpus_fingerprints(corpus: Path) -> dict[str, dict[str, Fingerprint]]:
    """The fingerprints of the shared corpus (skipped without it, except on CI)."""
    return fingerprints(corpus)


def _load_record() -> dict[str, Any]:
    if not RECORD.exists():
        return {}
    value = json.loads(RECORD.read_text(encoding="utf-8"))
    assert isinstance(value, dict), f"{RECORD.name} is not a JSON object"
    return value


def _write_record(record: dict[str, Any]) -> None:
    """Write the record with one line per file, so that a diff shows which files changed."""
    lines = ["{"]
    for n, set_name in enumerate(sorted(record)):
        lines.append(f"  {json.dumps(set_name)}: {{")
        formats = record[set_name]
        for m, fmt in enumerate(sorted(formats)):
            entry = formats[fmt]
            lines.append(f"    {json.dumps(fmt)}: {{")
            lines.append(f'      "parser": {json.dumps(entry["parser"])},')
            lines.append('      "files": {')
            files = sorted(entry["files"].items())
            for k, (label, print_) in enumerate(files):
                comma = "," if k < len(files) - 1 else ""
                lines.append(f"        {json.dumps(label)}: {json.dumps(print_)}{comma}")
            lines.append("      }")
            lines.append("    }" + ("," if m < len(formats) - 1 else ""))
        lines.append("  }" + ("," if n < len(record) - 1 else ""))
    lines.append("}")
    RECORD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _entry(parser: str, found: dict[str, Fingerprint]) -> dict[str, Any]:
    return {
        "parser": parser,
        "files": {label: dataclasses.asdict(print_) for label, print_ in found.items()},
    }


def _changed(recorded: dict[str, Any], found: dict[str, Fingerprint]) -> list[str]:
    """Files whose bytes are as recorded but whose outcome is not."""
    changed = []
    for label, print_ in sorted(found.items()):
        old = recorded["files"].get(label)
        if old is not None and old["bytes"] == print_.bytes and old["outcome"] != print_.outcome:
            changed.append(label)
    return changed


def _some(labels: Iterable[str], limit: int = 5) -> str:
    labels = list(labels)
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _bump_message(fmt: str, parser: str, set_name: str, changed: list[str]) -> str:
    return (
        f"{len(changed)} {fmt} file(s) of {set_name} give different results than recorded, "
        f"yet the parser version is still {parser}: users' caches would keep serving the old "
        f"results for these files ({_some(changed)}).\n"
        f"If the change is meant: bump the version of {fmt!r} in "
        "loadwatch/ingest/formats.py "
        "(or SUMMARY_VERSION in loadwatch/ingest/summary.py if the change is in summarise(), which "
        "every format goes through), then record the new results with:\n"
        f"    {RERECORD}\n"
        "(Bumping again a version you already bumped in this unreleased change is harmless.) "
        "If the change is not meant, it is a regression: fix the reader instead."
    )


@pytest.mark.parametrize("fmt", sorted(READER_VERSIONS))
@pytest.mark.parametrize("set_name", SETS)
def test_same_bytes_give_same_results_unless_version_bumped(
    request: pytest.FixtureRequest, set_name: str, fmt: str
) -> None:
    """Each file gives what the record says, under the version the record was made with."""
    found: dict[str, Fingerprint] = request.getfixturevalue(f"{set_name}_fingerprints")[fmt]
    parser = parser_version(fmt)
    record = _load_record()
    recorded = record.get(set_name, {}).get(fmt)
    if os.environ.get(UPDATE):
        if recorded is not None and recorded["parser"] == parser:
            changed = _changed(recorded, found)
            if changed:
                message = _bump_message(fmt, parser, set_name, changed)
                pytest.fail(f"not recorded: {message}", pytrace=False)
        record.setdefault(set_name, {})[fmt] = _entry(parser, found)
        _write_record(record)
        return
    if recorded is None:
        pytest.fail(
            f"{RECORD.name} holds nothing for the {fmt} files of {set_name}; record them with:\n"
            f"    {RERECORD}",
            pytrace=False,
        )
    if recorded["parser"] != parser:
        pytest.fail(
            f"the {fmt} parser version is now {parser}, but the {set_name} part of "
            f"{RECORD.name} was recorded with {recorded['parser']}; record the new results "
            f"with:\n    {RERECORD}",
            pytrace=False,
        )
    changed = _changed(recorded, found)
    if changed:
        pytest.fail(_bump_message(fmt, parser, set_name, changed), pytrace=False)
    current = {label: dataclasses.asdict(print_) for label, print_ in found.items()}
    stale = sorted(set(current) ^ set(recorded["files"])) + sorted(
        label
        for label in set(current) & set(recorded["files"])
        if current[label]["bytes"] != recorded["files"][label]["bytes"]
    )
    if stale:
        pytest.fail(
            f"the {fmt} files of {set_name} are not those recorded (added, removed or changed: "
            f"{_some(stale)}). New inputs need no version bump; record them with:\n"
            f"    {RERECORD}",
            pytrace=False,
        )


def test_record_knows_only_real_formats_and_sets() -> None:
    """The record has no entry for a format or an input set that no longer exists."""
    record = _load_record()
    assert set(record) <= set(SETS), f"{RECORD.name} has unknown sets {set(record) - set(SETS)}"
    for set_name, formats in record.items():
        unknown = set(formats) - set(READER_VERSIONS)
        assert not unknown, f"{RECORD.name} has unknown formats {unknown} under {set_name}"
