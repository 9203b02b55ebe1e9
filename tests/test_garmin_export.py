"""Garmin's "export your data" archive: FIT files in nested zips, and the account's summaries.

No real archive was at hand: the export is built here from its documented layout
(``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip`` holding the FIT files,
``DI_CONNECT/DI-Fitness/<user>_0_summarizedActivities.json`` listing every activity, distances
in centimetres and times in milliseconds).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from loadwatch import analyze
from loadwatch.cli import cli
from loadwatch.errors import CorruptFileError, EmptyActivityError, NotAnActivityError
from loadwatch.ingest import formats
from loadwatch.ingest.readers.garminsummary import read_garmin_summary
from loadwatch.samples.fitwrite import write_activity_fit

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
UPLOADED = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
SUMMARY = "DI_CONNECT/DI-Fitness/runner@example.com_0_summarizedActivities.json"


def _fit_run(start: datetime, minutes: int) -> tuple[bytes, float]:
    """A FIT run at 3 m/s and its distance in metres."""
    elapsed = np.arange(0.0, minutes * 60.0, 1.0)
    distance = elapsed * 3.0
    data = write_activity_fit(
        start=start, elapsed_s=elapsed, distance_m=distance, speed_mps=np.full(elapsed.size, 3.0)
    )
    return data, float(distance[-1])


def _entry(start: datetime, minutes: float, metres: float, kind: str = "running") -> dict[str, Any]:
    """One summarizedActivitiesExport entry as Garmin writes it (ms, cm)."""
    return {
        "activityId": int(start.timestamp()),
        "name": "Berlin Running",
        "activityType": kind,
        "sportType": "RUNNING" if kind == "running" else "GENERIC",
        "startTimeGmt": start.timestamp() * 1000.0,
        "startTimeLocal": (start.timestamp() + 3600) * 1000.0,
        "duration": minutes * 60_000.0,
        "distance": metres * 100.0,
        "elevationGain": 1200.0,
    }


def _summary(*entries: dict[str, Any]) -> bytes:
    return json.dumps([{"summarizedActivitiesExport": list(entries)}], indent=2).encode()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """An export zip: two runs with their FIT file, one (typed in by hand) only in the summary."""
    first, first_m = _fit_run(START, 30)
    second, second_m = _fit_run(START + timedelta(days=2), 40)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as uploaded:
        uploaded.writestr("runner_12345.fit", first)
        uploaded.writestr("runner_12346.fit", second)
    summary = _summary(
        _entry(START, 30, first_m),
        _entry(START + timedelta(days=2, seconds=1), 40, second_m),
        _entry(START + timedelta(days=4), 50, 10_000.0),  # its file is missing
    )
    path = tmp_path / "garmin-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(UPLOADED, inner.getvalue())
        archive.writestr(SUMMARY, summary)
        archive.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", b'{"userName": "x"}')
    return path


def test_export_counts_each_run_once_and_the_file_less_one_from_its_summary(export: Path) -> None:
    """FIT files in nested zips are read; the summary adds only the run without a file."""
    result = analyze(export, timezone="UTC")
    timeline = result.timeline
    assert len(timeline) == 3
    assert sorted(timeline["format"]) == ["fit", "fit", "garmin_summary"]
    summary_only = timeline[timeline["format"] == "garmin_summary"].iloc[0]
    assert summary_only["distance_km"] == pytest.approx(10.0)
    assert summary_only["duration_s"] == pytest.approx(3000.0)
    duplicates = {d.duplicate_of.split("#")[0] for d in result.duplicates}
    assert duplicates == {
        f"garmin-export.zip/{UPLOADED}/runner_12345.fit",
        f"garmin-export.zip/{UPLOADED}/runner_12346.fit",
    }
    assert not result.skipped


def test_the_cli_reads_the_export(export: Path) -> None:
    """`loadwatch analyze` on the export zip counts three runs."""
    outcome = CliRunner().invoke(
        cli, ["analyze", str(export), "--format", "json", "--timezone", "UTC"]
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert len(json.loads(outcome.stdout)["activities"]) == 3


def test_summary_entry_units_and_fields() -> None:
    """Centimetres and milliseconds become metres and seconds; name, sport and ascent are kept."""
    (run,) = read_garmin_summary(_summary(_entry(START, 30, 5000.0)), "summary.json")
    assert run.start == START
    assert run.timer_s == 1800.0
    assert run.distance_m == pytest.approx(5000.0)
    assert run.ascent_m == pytest.approx(12.0)
    assert run.sport == "running"
    assert run.name == "Berlin Running"
    assert "only its totals" in run.warnings[0]
    assert run.samples["time"].iloc[-1] - run.samples["time"].iloc[0] == timedelta(minutes=30)


def test_entries_without_start_or_totals_are_left_out() -> None:
    """An entry without a start, or without duration and distance, gives no activity."""
    good = _entry(START, 30, 5000.0, kind="cycling")
    no_start = {**good, "startTimeGmt": None}
    nothing = {**good, "duration": 0, "distance": None}
    (ride,) = read_garmin_summary(_summary(good, no_start, nothing), "s.json")
    assert ride.sport == "cycling"
    with pytest.raises(EmptyActivityError):
        read_garmin_summary(_summary(no_start, nothing), "s.json")


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (_summary(_entry(START, 30, 5000.0))[:60], CorruptFileError, "JSON is broken"),
        (
            _summary(_entry(START, 30, 5000.0)).replace(b"Berlin", b"M\xfcnchen"),
            CorruptFileError,
            "UTF-8",
        ),
        (b'[{"summarizedActivitiesExport": []}]', NotAnActivityError, "without any"),
        (b'{"summarizedActivitiesExport": []}', CorruptFileError, "no list"),
    ],
)
def test_invalid_summaries_are_refused_with_their_reason(
    data: bytes, error: type[Exception], words: str
) -> None:
    """Truncated, wrongly encoded or empty summaries raise the error that says why."""
    with pytest.raises(error, match=words):
        read_garmin_summary(data, "bad.json")


def test_summary_is_sniffed_by_content() -> None:
    """The summary is told by its opening key, other JSON lists are not."""
    assert formats.recognise(_summary(_entry(START, 1, 1.0))) is formats.find("garmin_summary")
    assert formats.recognise(b'[{"userName": 1}]') is None
