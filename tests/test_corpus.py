"""The whole real-file corpus through the whole pipeline, as `loadwatch analyze` sees it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from loadwatch import Analysis, analyze
from loadwatch.cli import cli
from loadwatch.render.data import to_json

ACTIVITY_SUFFIXES = {".fit", ".gpx", ".tcx"}


@pytest.fixture(scope="module")
def result(corpus: Path) -> Analysis:
    """One analysis of the whole corpus, shared by the tests below."""
    return analyze(corpus, timezone="UTC")


def _base(label: str) -> str:
    """The file a label refers to (multisport and multi-track files add ``#n``)."""
    return label.split("#", 1)[0]


def test_every_file_is_read_or_skipped_with_a_reason(result: Analysis, corpus: Path) -> None:
    """Each FIT, GPX and TCX file is an activity, a duplicate, or skipped with a reason."""
    files = {
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.suffix.lower() in ACTIVITY_SUFFIXES
    }
    read = {_base(s) for s in result.timeline["source"]}
    duplicates = {_base(d.source) for d in result.duplicates}
    skipped = {s.source: s.reason for s in result.skipped}
    assert files == read | duplicates | {_base(source) for source in skipped}
    assert all(reason.strip() for reason in skipped.values())
    assert not [r for r in skipped.values() if "loadwatch bug" in r]


def test_known_traps(result: Analysis) -> None:
    """The corpus README's traps: recovered, skipped with their reason, or not running."""
    skipped = {s.source: s.reason for s in result.skipped}
    not_activities = ("Settings.fit", "MonitoringFile.fit", "WeightScaleSingleUser.fit")
    for name in not_activities:
        assert "not an activity" in skipped[f"fit/{name}"]
    assert "timestamp" in skipped["gpx/cerknicko-without-times.gpx"]
    assert "route" in skipped["gpx/route.gpx"]
    sports = dict(zip(result.timeline["source"], result.timeline["sport"], strict=True))
    for recovered in (
        "fit/nick.fit",
        "fit/coros-pace-2-cycling-misaligned-fields.fit",
        "fit/strava-android-app-201.10-b1218918.fit",
    ):
        assert recovered in sports
    assert sports["fit/event_timestamp.fit"] == "swimming"
    assert sports["fit/garmin-fr935-cr.fit"] == "swimming"
    assert sports["fit/20170518-191602-1740899583.fit"] == "other"  # indoor rowing
    multisport = {s: sp for s, sp in sports.items() if s.startswith("fit/activity-large-fenxi2")}
    assert "running" in multisport.values() and "cycling" in multisport.values()
    warnings = {w.source for w in result.warnings}
    assert "fit/nick.fit" in warnings
    assert any(source.startswith("fit/invalid/activity-filecrc") for source in warnings) or (
        "fit/invalid/activity-filecrc.fit" in {d.source for d in result.duplicates}
    )


def test_one_strava_run_exported_three_times_counts_once(result: Analysis) -> None:
    """The TCX (12.0 km) and two GPX (12.6 km, 6 s later) of one run: one run in the week."""
    duplicates = {d.source: d.duplicate_of for d in result.duplicates}
    for gpx in ("gpx/runpandas-stopped_example.gpx", "gpx/runpandas-strava_export.gpx"):
        assert duplicates[gpx] == "tcx/runpandas-stopped_example.tcx"
    week = result.weeks.loc[pd.Timestamp("2021-01-04")]
    assert week["runs"] == 1
    assert week["distance_km"] == pytest.approx(12.008, abs=0.001)


def test_weeks_add_up_to_the_runs(result: Analysis) -> None:
    """Weekly distance is the sum of the running activities' distance."""
    runs = result.timeline[result.timeline["sport"] == "running"]
    assert result.weeks["distance_km"].sum() == pytest.approx(runs["distance_km"].sum())
    assert result.weeks["runs"].sum() == len(runs)


def test_json_report_is_valid(result: Analysis) -> None:
    """The JSON report of the corpus is strict JSON (no NaN) and lists every skipped file."""
    data = json.loads(to_json(result))
    assert len(data["skipped"]) == len(result.skipped)
    assert len(data["activities"]) == len(result.timeline)


def test_cli_on_the_corpus_exits_0(corpus: Path) -> None:
    """`loadwatch analyze` over a folder full of broken files still succeeds."""
    outcome = CliRunner().invoke(cli, ["analyze", str(corpus / "tcx"), "--timezone", "UTC"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "runpandas-malformed.tcx" in outcome.stderr


def test_every_apple_health_file_is_read_or_skipped(corpus: Path) -> None:
    """The shared exports' Apple Health files: each export.xml (zipped or not) gives its
    workouts or is skipped with a reason; route GPX files belong to their export.xml."""
    apple = corpus.parent / "corpus-exports" / "apple_health"
    if not apple.is_dir():
        pytest.skip("the shared exports (corpus-exports) are not beside the corpus")
    result = analyze(apple, timezone="UTC")
    seen = [
        *(_base(s) for s in result.timeline["source"]),
        *(_base(d.source) for d in result.duplicates),
        *(s.source for s in result.skipped),
    ]
    candidates = [
        p
        for p in apple.rglob("*")
        if p.is_file()
        and (
            p.suffix.lower() in {*ACTIVITY_SUFFIXES, ".zip"}
            or (p.suffix == ".xml" and b"HealthData" in p.read_bytes()[:400])
        )
    ]
    for path in candidates:
        label = path.relative_to(apple).as_posix()
        if path.parent.name == "workout-routes" and (path.parent.parent / "export.xml").exists():
            assert label not in seen  # the route of a workout, never an activity of its own
            continue
        assert any(s == label or s.startswith(f"{label}/") for s in seen), label
    assert all(reason.strip() for reason in (s.reason for s in result.skipped))
    workouts = result.timeline[result.timeline["source"].str.contains("export")]
    assert len(workouts) == 10  # 8 + 1 + 1 workouts; the copies of them are duplicates
    skipped = {s.source: s.reason for s in result.skipped}
    assert "without workouts" in skipped["AlekSi__applehealth/testdata.xml"]
    assert len([p for p in candidates if p.suffix == ".xml"]) == 5
