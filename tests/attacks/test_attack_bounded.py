"""Bounded work per input (issue 13 #5-#8, #16): each hostile file is refused or read within
the suite's time and memory limits, listed with its reason, and the folder is left unchanged."""

from __future__ import annotations

from pathlib import Path

import hostile
import pytest
from conftest import assert_bounded, folder_digest, run_cli

MB = hostile.MB


def _run(folder: Path, *args: str) -> dict[str, str]:
    """Run the CLI on ``folder``; check it was bounded and left the folder as it was."""
    before = folder_digest(folder)
    run = run_cli(str(folder), *args)
    assert_bounded(run)
    assert folder_digest(folder) == before
    return run.skipped()


def test_a_distance_counter_of_4e9_m_is_set_aside_without_resampling(attack: Path) -> None:
    """A small TCX claiming 4e9 m is set aside as not believable, not resampled every 20 m."""
    (attack / "far.tcx").write_bytes(hostile.tcx_claiming_4e9_m())
    assert _run(attack)["far.tcx"].startswith("is not believable: 4,000,000.0 km at")


def test_finite_huge_numbers_are_not_a_bug(attack: Path) -> None:
    """A distance counter from -1e308 to 1e308 is set aside with a reason, not as a bug (its
    span is no distance: the 20 s left are a fragment)."""
    (attack / "huge.tcx").write_bytes(hostile.tcx_huge_finite())
    assert _run(attack)["huge.tcx"] == "is too short to be a run (20.0 s, 0 m)"


def test_lap_totals_of_1e308_are_not_believable(attack: Path) -> None:
    """Laps of 1.7e308 s and m (1 m/s, a believable speed) are set aside, not added to a week."""
    (attack / "laps.tcx").write_bytes(hostile.tcx_huge_lap_totals())
    assert _run(attack)["laps.tcx"].startswith("is not believable: it lasts forever")


def test_zip_of_60_members_of_255_mb(attack: Path) -> None:
    """60 members of 255 MB, declared honestly, are each refused unread."""
    (attack / "export.zip").write_bytes(hostile.zip_of_bombs(60, 255 * MB))
    skipped = _run(attack)
    assert skipped["export.zip/00.fit"] == "is 255 MB, too large for an activity"
    assert len(skipped) == 60


def test_zip_of_members_lying_about_their_size(attack: Path) -> None:
    """60 members of 255 MB declaring 1 kB are read no further than they declare."""
    (attack / "liar.zip").write_bytes(hostile.zip_of_bombs(60, 255 * MB, declared=1000))
    skipped = _run(attack)
    assert skipped["liar.zip/00.fit"].startswith("cannot be read from its archive (Bad CRC-32")


def test_archive_work_is_capped(attack: Path) -> None:
    """60 honest members of 60 MB each stop the archive once it has decompressed its share."""
    (attack / "heavy.zip").write_bytes(hostile.zip_of_bombs(60, 60 * MB))
    skipped = _run(attack)
    assert skipped["heavy.zip"].startswith("decompresses to more than 256 MB")
    assert "a zip bomb?" in skipped["heavy.zip"]


def test_nested_42_zip(attack: Path) -> None:
    """A 34 kB 42.zip-style archive (4 x 16 x 255 MB) is passed over member by member."""
    (attack / "42.zip").write_bytes(hostile.nested_42())
    skipped = _run(attack)
    assert skipped["42.zip/0.zip/00.fit"] == "is 255 MB, too large for an activity"


def test_overlapping_entries_are_refused(attack: Path) -> None:
    """60 entries pointing at the bytes of one 255 MB member: the archive is refused whole."""
    (attack / "overlap.zip").write_bytes(hostile.overlapping(60, 255 * MB))
    assert _run(attack) == {
        "overlap.zip": "has entries that overlap one another (a zip bomb's trick); not read"
    }


def test_fit_with_a_definition_before_every_record(attack: Path) -> None:
    """A FIT defining its record layout before each of its 600,000 records is refused."""
    (attack / "defs.fit").write_bytes(hostile.fit(600_000, define_every_record=True))
    assert "defines its messages more than 200,000 times" in _run(attack)["defs.fit"]


def test_chained_copies_of_one_fit(attack: Path) -> None:
    """64 chained copies of one FIT file are refused."""
    (attack / "chain.fit").write_bytes(hostile.fit(7_200) * 64)
    assert _run(attack)["chain.fit"].startswith("chains more than 8 FIT files")


def test_fit_with_too_many_records(attack: Path) -> None:
    """A FIT of 300,000 records (over three days at 1 Hz) is refused."""
    (attack / "long.fit").write_bytes(hostile.fit(300_000))
    assert _run(attack)["long.fit"].startswith("holds more than 200,000 points")


@pytest.mark.parametrize(
    ("name", "build"), [("big.gpx", hostile.gpx_points), ("big.tcx", hostile.tcx_points)]
)
def test_xml_with_too_many_points(attack: Path, name: str, build: object) -> None:
    """A GPX or TCX of 500,000 points is refused before it is parsed."""
    (attack / name).write_bytes(build(500_000))  # type: ignore[operator]
    assert _run(attack)[name].startswith("holds 500,000 points, more than the 200,000")


@pytest.mark.parametrize("name", ["big.gpx", "big.tcx"])
def test_xml_of_a_million_points_is_too_large(attack: Path, name: str) -> None:
    """A 1e6-point GPX or TCX (78 and 110 MB) is refused by its size, unread."""
    build = hostile.gpx_points if name.endswith("gpx") else hostile.tcx_points
    (attack / name).write_bytes(build(1_000_000))
    assert _run(attack)[name].endswith("MB, too large for an activity file")


def test_many_empty_files(attack: Path) -> None:
    """20,000 empty files (one named like an activity) are passed over quickly, with --jobs 2
    (benchmarks/hostile.py measures 100,000)."""
    for n in range(20_000):
        (attack / f"{n}").touch()
    (attack / "run.fit").touch()
    assert _run(attack, "--jobs", "2") == {"run.fit": "is empty"}
