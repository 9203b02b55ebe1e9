"""The shared export corpus (``corpus-exports``, beside the corpus) through the whole pipeline.

Counted like the main corpus in ``test_corpus.py``: every file of the device formats is an
activity, a duplicate, or skipped with its reason. Apple Health and Strava's bulk export are
read elsewhere; here only the folders of watches and their FIT files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loadwatch import Analysis, analyze

DEVICE_FOLDERS = (
    "polar",
    "suunto",
    "coros",
    "wahoo",
    "zwift",
    "stryd",
    "fit_running_dynamics",
    "fit_broken",
    "misc",
)
DEVICE_SUFFIXES = {".fit", ".gpx", ".tcx", ".hrm", ".sml", ".json"}


@pytest.fixture(scope="module")
def exports(corpus: Path) -> Path:
    """The export corpus beside the main one (``../shared/corpus-exports``)."""
    folder = corpus.parent / "corpus-exports"
    if not folder.is_dir():
        pytest.skip("the shared corpus-exports folder is not beside the corpus")
    return folder


def _device_files(exports: Path) -> set[str]:
    return {
        p.relative_to(exports).as_posix()
        for name in DEVICE_FOLDERS
        for p in (exports / name).rglob("*")
        if p.suffix.lower() in DEVICE_SUFFIXES
    }


@pytest.fixture(scope="module")
def result(exports: Path) -> Analysis:
    """One analysis of the whole export corpus."""
    return analyze(exports, timezone="UTC")


def test_every_device_file_is_read_or_skipped_with_a_reason(
    result: Analysis, exports: Path
) -> None:
    """Each Polar, Suunto and FIT file is an activity, a duplicate, or skipped with a reason."""
    read = {s.split("#", 1)[0] for s in result.timeline["source"]}
    duplicates = {d.source.split("#", 1)[0] for d in result.duplicates}
    skipped = {s.source: s.reason for s in result.skipped}
    assert _device_files(exports) <= read | duplicates | set(skipped)
    assert all(reason.strip() for reason in skipped.values())
    assert not [r for r in skipped.values() if "loadwatch bug" in r]


def test_polar_and_suunto_files_are_activities(result: Analysis, exports: Path) -> None:
    """No .hrm, .sml or Polar/Suunto JSON file is lost: each is an activity of the timeline."""
    device = {f for f in _device_files(exports) if f.endswith((".hrm", ".sml", ".json"))}
    assert len(device) == 8
    assert device <= set(result.timeline["source"])
    sports = dict(zip(result.timeline["source"], result.timeline["sport"], strict=True))
    assert sports["polar/AlexanderFabisch__slither/running.json"] == "running"
