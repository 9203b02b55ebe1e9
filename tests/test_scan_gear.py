"""Strava's activities.csv is found and read by scan, in its one walk, and cached like any file."""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import gpx

from loadwatch.analysis import analyze
from loadwatch.ingest import cache as cache_module
from loadwatch.ingest import gear as gear_module
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.cache_codec import decode_outcomes, encode_outcomes
from loadwatch.ingest.gear import GearTable
from loadwatch.ingest.scan import INLINE_FILES, scan
from loadwatch.model import FileWarning

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
HEADER = "Activity ID,Activity Type,Activity Gear,Filename"


def _csv(gear: str, files: list[str]) -> str:
    rows = [f"{n},Run,{gear},{file}" for n, file in enumerate(files)]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An unpacked export (strava/, with activities.csv) and a zip export, two runs each."""
    root = tmp_path / "runs"
    (root / "strava" / "activities").mkdir(parents=True)
    for n in range(2):
        start = MONDAY + timedelta(days=n)
        (root / "strava" / "activities" / f"{n}.gpx").write_text(gpx(start, minutes=30))
    (root / "strava" / "activities.csv").write_text(
        _csv("Pegasus", ["activities/0.gpx", "activities/1.gpx"])
    )
    with zipfile.ZipFile(root / "export_9.zip", "w") as archive:
        for n in range(2, 4):
            start = MONDAY + timedelta(days=n)
            archive.writestr(f"activities/{n}.gpx", gpx(start, minutes=30))
        archive.writestr(
            "activities.csv", _csv("Zip Shoe", ["activities/2.gpx", "./activities/3.gpx"])
        )
    return root


EXPECTED = {
    "strava/activities/0.gpx": "Pegasus",
    "strava/activities/1.gpx": "Pegasus",
    "export_9.zip/activities/2.gpx": "Zip Shoe",
    "export_9.zip/activities/3.gpx": "Zip Shoe",
}


@pytest.fixture
def csv_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The label of every activities.csv actually parsed."""
    calls: list[str] = []
    real = gear_module.parse_activities_csv

    def spy(data: bytes, source: str) -> GearTable:
        calls.append(source)
        return real(data, source)

    monkeypatch.setattr(gear_module, "parse_activities_csv", spy)
    return calls


def test_analysis_walks_the_folder_once_and_reads_each_csv_once(
    folder: Path, csv_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One analysis lists the folder once, parses each activities.csv once, and every run
    gets its gear (from the folder's csv and from the zip's)."""
    walks: list[str] = []
    real_walk = os.walk

    def walk(top: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        walks.append(str(top))
        return real_walk(top, *args, **kwargs)

    monkeypatch.setattr(os, "walk", walk)
    result = analyze(folder, timezone="UTC", config=None)
    assert walks == [str(folder)]
    assert sorted(csv_reads) == ["export_9.zip/activities.csv", "strava/activities.csv"]
    assert dict(zip(result.timeline["source"], result.timeline["gear"], strict=True)) == EXPECTED
    assert [(s.name, s.runs) for s in result.shoes] == [("Pegasus", 2), ("Zip Shoe", 2)]


def test_an_unchanged_csv_comes_from_the_cache_and_a_changed_one_is_read_again(
    folder: Path, tmp_path: Path, csv_reads: list[str]
) -> None:
    """A nightly rerun parses no activities.csv; editing one re-reads that one only."""
    with Cache(tmp_path / "cache.sqlite3") as cache:
        first = scan(folder, cache=cache)
        assert len(csv_reads) == 2
        csv_reads.clear()
        again = scan(folder, cache=cache)
        assert csv_reads == []
        assert again.gear == first.gear
        assert dict(again.gear.gear) == EXPECTED
        (folder / "strava" / "activities.csv").write_text(_csv("Novablast", ["activities/1.gpx"]))
        changed = scan(folder, cache=cache)
    assert csv_reads == ["strava/activities.csv"]
    assert changed.gear.gear["strava/activities/1.gpx"] == "Novablast"
    assert "strava/activities/0.gpx" not in changed.gear.gear
    assert changed.gear.gear["export_9.zip/activities/2.gpx"] == "Zip Shoe"


def test_a_moved_csv_takes_its_new_folder(folder: Path, tmp_path: Path) -> None:
    """Cached by content, a csv moved with its activities still matches them by path."""
    with Cache(tmp_path / "cache.sqlite3") as cache:
        scan(folder, cache=cache)
        (folder / "strava").rename(folder / "2026")
        moved = scan(folder, cache=cache)
    assert moved.gear.gear["2026/activities/0.gpx"] == "Pegasus"
    assert not any(label.startswith("strava/") for label in moved.gear.gear)


def test_a_new_gear_reader_reads_csvs_and_zips_again_but_not_activity_files(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    """Bumping GEAR_VERSION re-reads activities.csv and zip exports; plain GPX files stay cached
    (so a cache from before gear was read in the scan gives a zip its gear on the next run)."""
    with Cache(tmp_path / "cache.sqlite3") as cache:
        scan(folder, cache=cache)
        monkeypatch.setattr(cache_module, "GEAR_VERSION", cache_module.GEAR_VERSION + 1)
        parsed.clear()
        found = scan(folder, cache=cache)
    assert parsed == ["export_9.zip", "strava/activities.csv"]
    assert dict(found.gear.gear) == EXPECTED


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00garbage\x00\x81\n\x01\x02", "has no 'Activity Gear' column"),
        (b"Activity ID,Activity Gear\n1,Pegasus\n", "has no 'Filename' column"),
        (
            f'{HEADER}\n1,Run,Pegasus,activities/0.gpx\n2,Run,"{"x" * 200_000}",a.gpx\n'.encode(),
            "is not valid CSV after 1 rows (field larger than field limit",
        ),
    ],
)
def test_an_odd_csv_is_a_warning_not_a_crash(
    folder: Path, content: bytes, problem: str, tmp_path: Path
) -> None:
    """An activities.csv that cannot be used is a warning naming it; the runs are all read,
    cached or not."""
    (folder / "strava" / "activities.csv").write_bytes(content)
    with Cache(tmp_path / "cache.sqlite3") as cache:
        for _ in range(2):
            result = analyze(folder, timezone="UTC", config=None, cache=cache)
            assert len(result.timeline) == 4
            assert result.skipped == []
            csv_warnings = [w for w in result.warnings if w.source == "strava/activities.csv"]
            assert len(csv_warnings) == 1 and csv_warnings[0].message.startswith(problem)


def test_a_damaged_zip_gives_no_gear_and_is_skipped_once(folder: Path) -> None:
    """A cut-off zip export is skipped by discovery (with why), and gives no gear warning."""
    data = (folder / "export_9.zip").read_bytes()
    (folder / "export_9.zip").write_bytes(data[: len(data) // 3])
    result = analyze(folder, timezone="UTC", config=None)
    assert [s.source for s in result.skipped] == ["export_9.zip"]
    assert not any(w.source.startswith("export_9.zip") for w in result.warnings)
    assert list(result.timeline["gear"]) == ["Pegasus", "Pegasus"]


def test_a_zip_export_scanned_on_its_own(folder: Path) -> None:
    """Scanning the zip itself reads its activities.csv, labels relative to the zip's name."""
    gear = scan(folder / "export_9.zip").gear
    assert dict(gear.gear) == {k: v for k, v in EXPECTED.items() if k.startswith("export_9")}


def test_zip_exports_in_subfolders_and_nested_folders(tmp_path: Path) -> None:
    """A zip in a subfolder, with the csv in a folder of the zip, matches its members' labels;
    a csv whose files are not there gives gear to nothing and no warning."""
    root = tmp_path / "runs"
    (root / "exports").mkdir(parents=True)
    with zipfile.ZipFile(root / "exports" / "old.zip", "w") as archive:
        archive.writestr("export/activities/5.gpx", gpx(MONDAY, minutes=30))
        archive.writestr("export/activities.csv", _csv("Trail", ["activities/5.gpx"]))
    (root / "activities.csv").write_text(_csv("Ghost", ["activities/missing.gpx"]))
    result = analyze(root, timezone="UTC", config=None)
    assert list(result.timeline["source"]) == ["exports/old.zip/export/activities/5.gpx"]
    assert list(result.timeline["gear"]) == ["Trail"]
    assert result.warnings == []


def test_worker_processes_give_the_same_gear(tmp_path: Path) -> None:
    """Whether a csv or zip is read here or in a worker process, the scan's gear is the same."""
    root = tmp_path / "runs"
    root.mkdir()
    names = [f"{n:02d}.gpx" for n in range(INLINE_FILES + 4)]
    for n, name in enumerate(names):
        (root / name).write_text(gpx(MONDAY + timedelta(days=n), minutes=20))
    (root / "activities.csv").write_text(_csv("Near", names))
    with zipfile.ZipFile(root / "zz.zip", "w") as archive:
        archive.writestr("activities/9.gpx", gpx(MONDAY - timedelta(days=9), minutes=20))
        archive.writestr("activities.csv", _csv("Far", ["activities/9.gpx"]))
    single = scan(root, jobs=1)
    assert scan(root, jobs=2).gear == single.gear
    assert dict(single.gear.gear) == {
        **dict.fromkeys(names, "Near"),
        "zz.zip/activities/9.gpx": "Far",
    }


def test_csv_problems_follow_the_activity_warnings(folder: Path) -> None:
    """analyze lists a csv's problem after the activity files' own warnings, as before."""
    (folder / "strava" / "activities.csv").write_text("")
    result = analyze(folder, timezone="UTC", config=None)
    assert result.warnings[-1] == FileWarning("strava/activities.csv", "is empty")


def test_the_codec_keeps_gear_tables_and_refuses_odd_ones() -> None:
    """A gear table round-trips (rows in order, problem kept); one that is not text does not
    decode, so the cache treats it as not cached."""
    tables = [
        GearTable("/activities.csv", (("activities/1.gpx", "Pegasus"), ("a/2.fit", "Bike"))),
        GearTable("", problem="is empty"),
    ]
    assert decode_outcomes(encode_outcomes(tables)) == tables
    for odd in ({"rows": [["a.gpx"]]}, {"rows": [["a.gpx", 3]]}, {"problem": 7}):
        entry = {"source": "", "rows": [], "problem": None, **odd}
        blob = zlib.compress(json.dumps({"encoding": 2, "outcomes": [{"gear": entry}]}).encode())
        with pytest.raises(ValueError, match="gear table"):
            decode_outcomes(blob)
