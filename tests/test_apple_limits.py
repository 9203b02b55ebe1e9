"""The limits of a streamed Apple Health export that no hostile file can reach in moments: the
export's and its routes' bytes outside an archive, heart-rate readings, the parts of one
workout, the route files of one workout (each lowered here to be reached)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from loadwatch.errors import UnsupportedFileError
from loadwatch.ingest import exports, sources
from loadwatch.ingest.limits import ArchiveBudget, TooMuchWork
from loadwatch.ingest.readers import _applexml, read_streamed
from loadwatch.model import Skipped

APPLE = ("apple-health", "export.xml")
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
WHEN = 'startDate="2025-03-03 07:00:00 +0000" endDate="2025-03-03 07:30:00 +0000"'
HR = '<Record type="HKQuantityTypeIdentifierHeartRate" unit="count/min" {when} value="150"/>\n'
ROUTE = (
    '<?xml version="1.0"?><gpx version="1.1" creator="Apple Health Export" '
    'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
    '<trkpt lat="48.8" lon="2.3"><time>2025-03-03T07:00:00Z</time></trkpt>'
    '<trkpt lat="48.81" lon="2.3"><time>2025-03-03T07:05:00Z</time></trkpt>'
    "</trkseg></trk></gpx>"
)


def _workout(inner: str = "") -> str:
    return f'<Workout workoutActivityType="HKWorkoutActivityTypeRunning" {WHEN}>{inner}</Workout>\n'


def _routes(*paths: str) -> str:
    refs = "".join(f'<FileReference path="{path}"/>' for path in paths)
    return f"<WorkoutRoute>{refs}</WorkoutRoute>"


def _export(body: str) -> bytes:
    return (HEAD + body + "</HealthData>\n").encode()


def _read_on_disk(folder: Path, body: str) -> list[object]:
    (folder / "export.xml").write_bytes(_export(body))
    return list(read_streamed(exports.on_disk(folder / "export.xml"), "apple-health", "x"))


def test_heart_rate_readings_past_the_limit_refuse_the_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More heart-rate readings than the limit refuse the export, saying so."""
    monkeypatch.setattr(_applexml, "MAX_APPLE_HR_READINGS", 3)
    body = HR.format(when=WHEN) * 4 + _workout()
    with pytest.raises(UnsupportedFileError, match="heart-rate readings, more than loadwatch"):
        _applexml.collect(io.BytesIO(_export(body)), "export.xml")
    assert len(_applexml.collect(io.BytesIO(_export(body[len(HR) :])), "x").hr_time) == 3


def test_a_workout_of_too_many_parts_refuses_the_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workout holding more elements than the limit (inline locations) is refused while it
    is parsed, before it is held whole."""
    monkeypatch.setattr(_applexml, "MAX_APPLE_ELEMENT_PARTS", 5)
    location = '<Location date="2025-03-03 07:00:00 +0000" latitude="48.8" longitude="2.3"/>'
    body = _workout(f"<WorkoutRoute>{location * 10}</WorkoutRoute>")
    with pytest.raises(UnsupportedFileError, match="has a workout or record of more than"):
        _applexml.collect(io.BytesIO(_export(body)), "export.xml")


def test_a_workout_keeps_its_first_distinct_route_files() -> None:
    """A route file named twice is read once; past the limit, route files are not read."""
    names = [f"/workout-routes/route_{n}.gpx" for n in range(12)]
    body = _workout(_routes(names[0], *names))
    found = _applexml.collect(io.BytesIO(_export(body)), "export.xml")
    assert found.workouts[0].routes == names[: _applexml.MAX_APPLE_ROUTES]


def test_an_export_on_disk_growing_past_its_limit_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export.xml outside an archive is read no further than its limit, whatever its size
    said when discovery saw it."""
    monkeypatch.setattr(exports, "MAX_APPLE_EXPORT_BYTES", 300)
    with pytest.raises(TooMuchWork, match="more than loadwatch reads from one Apple Health"):
        _read_on_disk(tmp_path, HR.format(when=WHEN) * 10 + _workout())


def test_route_files_read_again_and_again_stop_at_their_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Route files outside an archive add up, every workout that names one reading it again;
    past their limit the export stops, saying why."""
    (tmp_path / "workout-routes").mkdir()
    (tmp_path / "workout-routes" / "route_1.gpx").write_text(ROUTE)
    body = _workout(_routes("/workout-routes/route_1.gpx"))
    assert len(_read_on_disk(tmp_path, body * 3)) == 3
    monkeypatch.setattr(exports, "MAX_APPLE_ROUTE_BYTES", 2 * len(ROUTE))
    with pytest.raises(TooMuchWork, match="names route files adding up to more than"):
        _read_on_disk(tmp_path, body * 3)


def test_a_route_file_past_its_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A route file larger than a route is left out, counted by the bytes read."""
    (tmp_path / "route.gpx").write_text(ROUTE)
    monkeypatch.setattr(exports, "MAX_ROUTE_BYTES", 100)
    assert exports.on_disk(tmp_path / "export.xml").nearby("route.gpx") is None


def test_an_export_larger_than_its_limit_is_skipped_unread(tmp_path: Path) -> None:
    """An export.xml larger than 16 GB (sparse here) is skipped by its size, before hashing."""
    with (tmp_path / "export.xml").open("wb") as handle:
        handle.write(_export(_workout()))
        handle.truncate(17 * 1024**3)
    (skipped,) = sources.sources_in_file(tmp_path / "export.xml", "export.xml")
    assert isinstance(skipped, Skipped)
    assert skipped.reason == (
        "is larger than 16 GB, more than loadwatch reads from one Apple Health export "
        "(years of a watch make a few GB)"
    )


def test_a_zipped_export_past_its_archives_budget_is_a_zip_bomb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a zip, the export's bytes and its routes' are spent from the archive's budget
    (here without the export's own ratio); past it, the export stops as a zip bomb."""
    body = (HR.format(when=WHEN) * 100 + _workout(_routes("/workout-routes/route_1.gpx"))) * 3
    with zipfile.ZipFile(tmp_path / "export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", _export(body))
        archive.writestr("apple_health_export/workout-routes/route_1.gpx", ROUTE)
    monkeypatch.setattr(exports, "MAX_APPLE_ZIP_RATIO", 0)
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        info = archive.getinfo("apple_health_export/export.xml")
        budget = ArchiveBudget(10**6)
        assert len(list(read_streamed(exports.in_zip(archive, info, budget), *APPLE))) == 3
        assert budget.spent == info.file_size + 3 * len(ROUTE)
        budget = ArchiveBudget(info.file_size + len(ROUTE))
        with pytest.raises(TooMuchWork, match=r"^decompresses to more than 0 MB, more than"):
            list(read_streamed(exports.in_zip(archive, info, budget), *APPLE))


def test_an_export_without_an_end_of_tag_is_refused() -> None:
    """More than 64 kB without a '>' (a tag or a text held whole) refuses the export."""
    records = HR.format(when=WHEN) * (1_200_000 // len(HR))  # past the first read, 1 MB
    for body in (" " * (70 * 1024), records + " " * (70 * 1024) + "<x/>"):
        with pytest.raises(UnsupportedFileError, match="has more than 64 kB without an end of"):
            _applexml.collect(io.BytesIO(_export(body)), "export.xml")
    assert not _applexml.collect(io.BytesIO(_export(records + " " * 60_000)), "x").workouts
