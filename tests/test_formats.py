"""The format registry: one entry per format, and a new format is one reader plus one entry."""

from __future__ import annotations

import dataclasses
import enum
import gzip
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from factories import activity

import loadwatch
from loadwatch.errors import UnsupportedFileError
from loadwatch.ingest import formats
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.formats import FORMATS, FileFormat, Format
from loadwatch.ingest.readers import READER_VERSIONS, read_source
from loadwatch.ingest.sources import Source, iter_sources
from loadwatch.ingest.summary import summarise
from loadwatch.ingest.usable import drop_duplicates

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
#: The formats files are named as (with suffixes), but the last: what messages name.
ALL_BUT_TOY = "FIT, GPX, TCX, Suunto SML"


def _problems(entries: tuple[FileFormat, ...]) -> list[str]:
    """What is wrong with a registry: the invariants every entry of it must keep."""
    problems = []
    names = [entry.format for entry in entries]
    if len(set(names)) != len(names):
        problems.append(f"a format has several entries: {names}")
    suffixes = [suffix for entry in entries for suffix in entry.suffixes]
    if len(set(suffixes)) != len(suffixes):
        problems.append(f"a suffix belongs to several formats: {suffixes}")
    problems += [
        f"suffix {suffix!r} is not lower-case with its dot"
        for suffix in suffixes
        if not (suffix.startswith(".") and suffix == suffix.lower() and len(suffix) > 1)
    ]
    problems += [
        f"{entry.label}: version {entry.version!r} is not a positive integer"
        for entry in entries
        if type(entry.version) is not int or entry.version < 1
    ]
    ranks = [entry.rank for entry in entries]
    if len(set(ranks)) != len(ranks):
        problems.append(f"two formats share a duplicate rank: {ranks}")
    labels = [entry.label for entry in entries]
    if len(set(labels)) != len(labels) or not all(labels):
        problems.append(f"labels are empty or shared: {labels}")
    return problems


def test_every_format_has_exactly_one_entry() -> None:
    """Each Format member is in the registry once, and nothing else is."""
    assert sorted(entry.format for entry in FORMATS) == sorted(Format)
    assert all(isinstance(entry.format, Format) for entry in FORMATS)


def test_the_registry_keeps_its_invariants() -> None:
    """Suffixes and ranks do not clash; versions are positive integers."""
    assert _problems(FORMATS) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"suffixes": (".fit",)}, "a suffix belongs to several formats"),
        ({"rank": 0}, "share a duplicate rank"),
        ({"version": 0}, "is not a positive integer"),
        ({"version": True}, "is not a positive integer"),
        ({"suffixes": ("GPX",)}, "is not lower-case with its dot"),
    ],
)
def test_the_invariant_check_catches_a_bad_entry(change: dict[str, Any], problem: str) -> None:
    """The check above fails on a clashing or badly declared entry (so it can fail at all)."""
    bad = dataclasses.replace(_toy_entry(rank=7), **change)
    assert any(problem in text for text in _problems((*FORMATS, bad)))


def test_reader_versions_are_the_registry_s() -> None:
    """READER_VERSIONS, which the cache reads, holds each entry's version and nothing else."""
    assert {entry.format: entry.version for entry in FORMATS} == READER_VERSIONS
    assert formats.reader_versions() == READER_VERSIONS


def _sample_files() -> Iterator[tuple[FileFormat, Path]]:
    """The first file of each format's suffixes in sample_data."""
    for entry in FORMATS:
        for suffix in entry.suffixes:
            for path in sorted(SAMPLE_DATA.rglob(f"*{suffix}"))[:1]:
                yield entry, path


@pytest.mark.parametrize(
    ("entry", "path"), [pytest.param(*pair, id=pair[1].name) for pair in _sample_files()]
)
def test_each_format_is_told_and_read_by_its_own_entry(entry: FileFormat, path: Path) -> None:
    """A sample file passes its format's sniff test only, and its reader tags it that format."""
    head = path.read_bytes()[: formats.SNIFF_BYTES]
    assert [other.format for other in FORMATS if other.sniff(head)] == [entry.format]
    assert formats.recognise(head) is entry
    activities = entry.read(path.read_bytes(), path.name)
    assert activities
    assert {a.format for a in activities} == {entry.format}


def test_lookup_by_format_or_its_string() -> None:
    """find() takes a Format member or its string; archives and unknown names give None."""
    assert formats.find(Format.GPX) is formats.find("gpx")
    assert formats.find("gpx") is not None
    assert [formats.find(name) for name in ("gzip", "zip", "kml", None)] == [None] * 4


def test_described_names_the_formats_in_registry_order() -> None:
    """The words every message uses, built from the labels."""
    assert formats.described() == f"{ALL_BUT_TOY} or Polar HRM"
    assert formats.described("and") == f"{ALL_BUT_TOY} and Polar HRM"
    assert formats.described("nor", xml=True) == "GPX, TCX nor Suunto SML"


def test_duplicates_keep_the_lowest_rank_and_unknown_formats_rank_last() -> None:
    """FIT over TCX over GPX, and a format loadwatch does not read after all of them."""
    assert sorted(FORMATS, key=lambda e: formats.duplicate_rank(e.format))[0].format == "fit"
    ranks = [formats.duplicate_rank(name) for name in ("fit", "tcx", "gpx", "kml")]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == 4


def test_importing_loadwatch_imports_no_reader() -> None:
    """The registry names its readers without importing them: ``import loadwatch`` stays cheap."""
    code = (
        "import sys, loadwatch\n"
        "print(sorted(m for m in sys.modules if m.startswith('loadwatch.ingest.readers.')"
        " or m.split('.')[0] in ('fitparse', 'gpxpy')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


# -- a toy format, registered for one test at a time ---------------------------------------------


class _Toy(enum.StrEnum):
    """Stands in for the member a real format would add to loadwatch.ingest.formats.Format."""

    TOY = "toy"


def read_toy(data: bytes, source: str) -> list[Activity]:
    """A toy reader: ``TOY1 <start> <minutes>``, one run at 3 m/s per line."""
    runs = []
    for line in data.decode("ascii").splitlines():
        _, start, minutes = line.split()
        runs.append(activity(start, minutes=float(minutes), fmt="toy", source=source))
    if not runs:
        raise UnsupportedFileError("holds no toy run", path=source)
    return runs


def _toy_reader() -> formats.Reader:
    return read_toy


def _toy_entry(rank: int) -> FileFormat:
    return FileFormat(
        format=cast(Format, _Toy.TOY),
        label="TOY",
        suffixes=(".toy",),
        sniff=lambda head: head.startswith(b"TOY1 "),
        load_reader=_toy_reader,
        version=1,
        rank=rank,
        xml=False,
        summed_distance=False,
    )


@pytest.fixture
def toy_folder(tmp_path: Path) -> Path:
    """Toy runs (one gzipped, one misnamed), a broken one and an unrelated file."""
    (tmp_path / "run.toy").write_bytes(b"TOY1 2026-06-01T07:00:00Z 30\n")
    (tmp_path / "Long.TOY.gz").write_bytes(gzip.compress(b"TOY1 2026-06-07T08:00:00Z 90\n"))
    (tmp_path / "export.dat").write_bytes(b"TOY1 2026-06-03T07:00:00Z 20\n")
    (tmp_path / "broken.toy").write_bytes(b"this is no toy")
    (tmp_path / "notes.txt").write_bytes(b"toy files begin with TOY1")
    return tmp_path


def _found(path: Path) -> dict[str, str]:
    return {
        item.label if isinstance(item, Source) else item.source: (
            item.format if isinstance(item, Source) else f"skipped: {item.reason}"
        )
        for item in iter_sources(path)
    }


def test_a_new_format_is_one_reader_and_one_entry(
    toy_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one entry added, toy files are found, read and named; without it, they are not."""
    with monkeypatch.context() as patch:
        patch.setattr(formats, "FORMATS", (*FORMATS, _toy_entry(rank=3)))
        assert _found(toy_folder) == {
            "Long.TOY.gz": "toy",
            "broken.toy": f"skipped: is not a {ALL_BUT_TOY}, Polar HRM or TOY file "
            "(its content does not match its name)",
            "export.dat": "toy",  # told by its content, as every format is
            "run.toy": "toy",
        }
        source = next(s for s in iter_sources(toy_folder) if isinstance(s, Source))
        (long_run,) = read_source(source.data, source.format, source.label)
        assert long_run.start == datetime(2026, 6, 7, 8, tzinfo=UTC)
        assert long_run.samples["distance_m"].iloc[-1] == pytest.approx(90 * 60 * 3.0)
        assert loadwatch.read_activity(toy_folder / "run.toy").format == "toy"
        with pytest.raises(UnsupportedFileError, match=f"is not a {ALL_BUT_TOY}, Polar HRM or TOY"):
            loadwatch.read_activities(b"neither toy nor anything else")
    assert formats.find("toy") is None  # nothing is left registered
    assert formats.described() == f"{ALL_BUT_TOY} or Polar HRM"
    assert _found(toy_folder) == {}  # .toy is no activity name any more: passed over quietly
    with pytest.raises(UnsupportedFileError, match="unknown format 'toy'"):
        read_source(b"TOY1 2026-06-01T07:00:00Z 30\n", "toy", "run.toy")


@pytest.mark.parametrize(("rank", "kept"), [(-1, "run.toy"), (3, "run.fit")])
def test_a_new_format_is_ranked_for_duplicates_by_its_entry(
    rank: int, kept: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One run in a FIT and a toy file: the copy of lower rank in the registry is kept."""
    monkeypatch.setattr(formats, "FORMATS", (*FORMATS, _toy_entry(rank=rank)))
    (toy,) = read_source(b"TOY1 2026-06-01T07:00:00Z 30\n", "toy", "run.toy")
    fit = activity("2026-06-01T07:00:00Z", minutes=30, fmt="fit", source="run.fit")
    survivors, dropped = drop_duplicates([summarise(fit), summarise(toy)])
    assert [s.source for s in survivors] == [kept]
    assert [(d.source, d.duplicate_of) for d in dropped] == [
        ("run.fit" if kept == "run.toy" else "run.toy", kept)
    ]
