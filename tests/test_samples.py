"""The sample generator and its FIT, GPX and TCX writers."""

from __future__ import annotations

import gzip
import io
import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fitparse
import gpxpy
import numpy as np
import pytest

from loadwatch.samples import generate
from loadwatch.samples._extras import week_stats
from loadwatch.samples._fitcore import _crc_nibbles
from loadwatch.samples._generate import Produced, produce
from loadwatch.samples._plan import surface
from loadwatch.samples.fitwrite import FitWriter, fit_crc, fit_timestamp, write_activity_fit
from loadwatch.samples.xmlwrite import write_gpx, write_tcx

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
START = datetime(2026, 6, 2, 5, 0, 3, tzinfo=UTC)


def _messages(data: bytes) -> list[fitparse.DataMessage]:
    """Every data message of a FIT file, with the CRCs checked."""
    return list(fitparse.FitFile(io.BytesIO(data), check_crc=True).get_messages())


def _values(data: bytes, name: str) -> list[dict[str, Any]]:
    return [m.get_values() for m in _messages(data) if m.name == name]


def _tree(folder: Path) -> dict[str, bytes]:
    """Files under ``folder`` by relative path; gzip members compared by their content."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":  # gzip bytes may differ between zlib builds
                data = gzip.decompress(data)
            files[path.relative_to(folder).as_posix()] = data
    return files


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh sample folder."""
    out = tmp_path_factory.mktemp("samples")
    generate(out)
    return out


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> list[Produced]:
    """The simulated activities behind a fresh sample folder."""
    return produce(tmp_path_factory.mktemp("produced"), 7)


def test_fit_crc_is_the_protocol_crc() -> None:
    """fit_crc gives the CRC-16 check value and matches the nibble loop on long inputs."""
    assert fit_crc(b"123456789") == 0xBB3D
    rng = np.random.default_rng(1)
    for size in (0, 1, 255, 16_383, 16_384, 16_385, 100_003):
        data = rng.integers(0, 256, size=size, dtype=np.uint8).tobytes()
        assert fit_crc(data) == _crc_nibbles(data)
        assert fit_crc(data, 0xBEEF) == _crc_nibbles(data, 0xBEEF)


def test_fit_round_trips_known_values() -> None:
    """Records, laps, session and events read back through fitparse within scale rounding."""
    elapsed = np.array([0.0, 1.0, 2.0, 3.0, 10.0, 11.0])
    distance = np.array([0.0, 2.85, 5.71, 8.56, 11.42, 1004.27])
    speed = np.array([2.85, 2.853, 2.861, 2.857, 2.856, 2.9])
    hr = np.array([101.0, 104.0, np.nan, 109.0, 111.0, 140.0])
    cadence = np.array([170.0, 171.5, 172.25, 169.0, np.nan, 175.0])
    lat = np.array([52.5279, 52.52791, 52.52793, np.nan, 52.52797, 52.5288])
    lon = np.array([13.4318, 13.43182, 13.43185, np.nan, 13.4319, 13.4325])
    altitude = np.array([48.0, 48.2, 48.3, 48.5, 47.9, 51.0])
    data = write_activity_fit(
        start=START,
        elapsed_s=elapsed,
        distance_m=distance,
        speed_mps=speed,
        hr_bpm=hr,
        cadence_spm=cadence,
        lat=lat,
        lon=lon,
        altitude_m=altitude,
        sub_sport="street",
        pauses=[(3.5, 9.5)],
        utc_offset_s=7200,
    )
    assert data[8:12] == b".FIT"
    records = _values(data, "record")
    assert [r["timestamp"] for r in records] == [
        START.replace(tzinfo=None) + timedelta(seconds=s) for s in elapsed
    ]
    for i, record in enumerate(records):
        assert record["distance"] == pytest.approx(distance[i], abs=0.0051)
        assert record["enhanced_speed"] == pytest.approx(speed[i], abs=0.00051)
        assert record["enhanced_altitude"] == pytest.approx(altitude[i], abs=0.1001)
        if np.isnan(hr[i]):
            assert record["heart_rate"] is None
        else:
            assert record["heart_rate"] == hr[i]
        if np.isnan(cadence[i]):
            assert record["cadence"] is None
        else:  # strides per minute plus 1/128ths
            strides = record["cadence"] + record["fractional_cadence"]
            assert 2 * strides == pytest.approx(cadence[i], abs=1 / 64)
        if np.isnan(lat[i]):
            assert record["position_lat"] is None
        else:
            assert record["position_lat"] * 180 / 2**31 == pytest.approx(lat[i], abs=1e-7)
            assert record["position_long"] * 180 / 2**31 == pytest.approx(lon[i], abs=1e-7)
    (file_id,) = _values(data, "file_id")
    assert file_id["type"] == "activity"
    assert file_id["manufacturer"] == "garmin"
    assert file_id["time_created"] == START.replace(tzinfo=None)
    events = [(e["event"], e["event_type"]) for e in _values(data, "event")]
    timer = [("timer", "start"), ("timer", "stop_all")]
    assert events == timer * 2
    laps = _values(data, "lap")
    assert len(laps) == 2  # auto-lap at 1 km
    assert sum(lap["total_distance"] for lap in laps) == pytest.approx(1004.27, abs=0.02)
    (session,) = _values(data, "session")
    assert session["sport"] == "running"
    assert session["sub_sport"] == "street"
    assert session["total_distance"] == pytest.approx(1004.27, abs=0.0051)
    assert session["total_elapsed_time"] == 11.0
    assert session["total_timer_time"] == 5.0  # six seconds paused
    assert session["max_heart_rate"] == 140
    (activity,) = _values(data, "activity")
    assert activity["local_timestamp"] == START.replace(tzinfo=None) + timedelta(
        hours=2, seconds=11
    )


def test_fit_writer_without_positions_and_with_legacy_fields() -> None:
    """A treadmill-like file (no GPS) with 16-bit speed and altitude parses cleanly."""
    n = 120
    data = write_activity_fit(
        start=START,
        elapsed_s=np.arange(n, dtype=float),
        distance_m=np.arange(n) * 3.0,
        speed_mps=np.full(n, 3.0),
        altitude_m=np.full(n, -10.0),
        sport="running",
        sub_sport="treadmill",
        enhanced=False,
    )
    records = _values(data, "record")
    assert len(records) == n
    assert "position_lat" not in records[0]
    assert records[5]["speed"] == pytest.approx(3.0)
    assert records[5]["altitude"] == pytest.approx(-10.0)
    assert _values(data, "session")[0]["sub_sport"] == "treadmill"


def test_fit_writer_recycles_local_types_and_writes_raw_messages() -> None:
    """More layouts than the 16 local types, raw messages and strings all read back."""
    writer = FitWriter()
    writer.add("file_id", {"type": "activity", "manufacturer": 1, "time_created": START})
    for i in range(20):  # each a different layout
        fields = {"timestamp": fit_timestamp(START) + i, "event": "timer", "event_type": "start"}
        if i % 2:
            fields["data"] = i
        writer.add_raw(0xFF00 + i, [(0, "uint16", i), (1, "string", f"m{i}")])
        writer.add("event", fields)
    data = writer.to_bytes()
    messages = _messages(data)
    assert sum(m.name == "event" for m in messages) == 20
    unknown = [m for m in messages if m.name.startswith("unknown")]
    assert len(unknown) == 20
    assert unknown[3].get_values()["unknown_1"] == "m3"


def test_fit_writer_refuses_values_out_of_range() -> None:
    """A heart rate a uint8 cannot hold, or an unknown field, is a ValueError."""
    with pytest.raises(ValueError, match="heart_rate"):
        write_activity_fit(start=START, elapsed_s=[0.0, 1.0], hr_bpm=[150.0, 300.0])
    with pytest.raises(ValueError, match="no field"):
        FitWriter().add("record", {"power_watts": 200})
    with pytest.raises(ValueError, match="time zone"):
        write_activity_fit(start=datetime(2026, 6, 2), elapsed_s=[0.0])


def test_gpx_writer_escapes_and_parses_with_gpxpy() -> None:
    """Names are escaped; times, positions, heart rate and stride cadence read back."""
    data = write_gpx(
        start=START,
        elapsed_s=[0.0, 3.0, 7.0],
        lat=[52.5, 52.50003, 52.50007],
        lon=[13.4, 13.40001, 13.40002],
        altitude_m=[40.0, 40.4, 41.0],
        hr_bpm=[140.0, 142.0, np.nan],
        cadence_spm=[170.0, 172.0, 174.0],
        name='Run <with> "friends" & co',
        activity_type="trail_running",
    )
    gpx = gpxpy.parse(data.decode())
    track: Any = gpx.tracks[0]  # gpxpy types some fields as None
    assert track.name == 'Run <with> "friends" & co'
    assert track.type == "trail_running"
    points = track.segments[0].points
    assert [p.time for p in points] == [START + timedelta(seconds=s) for s in (0, 3, 7)]
    assert points[1].latitude == pytest.approx(52.50003)
    assert points[2].elevation == pytest.approx(41.0)
    ns = "{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}"
    first = points[0].extensions[0]
    assert first.find(f"{ns}hr").text == "140"
    assert first.find(f"{ns}cad").text == "85"
    assert points[2].extensions[0].find(f"{ns}hr") is None


def test_tcx_writer_parses_with_elementtree() -> None:
    """Laps, trackpoints, TPX speed and run cadence are where the TCX schema puts them."""
    n = 400
    data = write_tcx(
        start=START,
        elapsed_s=np.arange(n) * 2.0,
        distance_m=np.arange(n) * 6.0,
        speed_mps=np.full(n, 3.0),
        hr_bpm=np.full(n, 150.0),
        cadence_spm=np.full(n, 172.0),
        lat=np.linspace(52.5, 52.52, n),
        lon=np.full(n, 13.4),
        altitude_m=np.full(n, 35.0),
        notes="Tempo & hills",
    )
    ns = {
        "t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2",
        "x": "http://www.garmin.com/xmlschemas/ActivityExtension/v2",
    }
    root = ET.fromstring(data)
    activity = root.find("t:Activities/t:Activity", ns)
    assert activity is not None
    assert activity.get("Sport") == "Running"
    assert activity.findtext("t:Id", namespaces=ns) == "2026-06-02T05:00:03.000Z"
    assert activity.findtext("t:Notes", namespaces=ns) == "Tempo & hills"
    assert activity.findtext("t:Creator/t:Name", namespaces=ns) == "Forerunner 235"
    laps = activity.findall("t:Lap", ns)
    assert len(laps) == 3  # 2,394 m with auto-lap every 1 km
    total = sum(float(lap.findtext("t:DistanceMeters", namespaces=ns) or 0) for lap in laps)
    assert total == pytest.approx(2394.0)
    points = activity.findall(".//t:Trackpoint", ns)
    assert len(points) == n
    assert points[1].findtext("t:Time", namespaces=ns) == "2026-06-02T05:00:05Z"
    assert points[1].findtext("t:Extensions/x:TPX/x:RunCadence", namespaces=ns) == "86"
    assert points[1].findtext("t:Extensions/x:TPX/x:Speed", namespaces=ns) == "3.000"


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    """Generating twice gives byte-identical folders."""
    again = tmp_path / "again"
    generate(again)
    first = {p.relative_to(generated): p.read_bytes() for p in generated.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_committed_sample_data_is_a_fresh_generation(generated: Path) -> None:
    """sample_data/ is exactly what the generator writes (regenerate rather than edit it)."""
    committed, fresh = _tree(SAMPLE_DATA), _tree(generated)
    assert sorted(committed) == sorted(fresh), "run: python -m loadwatch.samples sample_data"
    changed = [name for name in fresh if committed[name] != fresh[name]]
    assert not changed, f"regenerate with python -m loadwatch.samples sample_data: {changed}"


def test_sample_folder_is_small_and_mixed(generated: Path) -> None:
    """The folder stays small and holds every format, gzipped ones and unrelated files."""
    files = [p for p in generated.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 5_000_000
    names = [p.name for p in files]
    for ending in (".fit", ".fit.gz", ".gpx", ".gpx.gz", ".tcx", ".jpg", ".csv", "README.txt"):
        assert any(name.endswith(ending) for name in names), ending


def test_every_sample_activity_file_reads(generated: Path) -> None:
    """All FIT files pass fitparse's CRC check, GPX parse with gpxpy, TCX with ElementTree."""
    broken = []
    for path in sorted(p for p in generated.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        name = path.name.removesuffix(".gz")
        try:
            if name.endswith(".fit"):
                assert _values(data, "session")
            elif name.endswith(".gpx") and "routes" not in path.parts:
                points = gpxpy.parse(data.decode()).tracks[0].segments[0].points
                assert all(p.time is not None for p in points)
            elif name.endswith(".tcx"):
                assert ET.fromstring(data).find(".//{*}Trackpoint") is not None
        except fitparse.FitParseError:
            broken.append(path.relative_to(generated).as_posix())
    assert broken == ["garmin/2026-08/2026-08-19-18-31-53.fit"]


def test_duplicate_is_the_same_run_seconds_apart(generated: Path, produced: list[Produced]) -> None:
    """The run exported twice has a FIT and a GPX that start seconds apart."""
    (twin,) = [p for p in produced if len(p.paths) == 2]
    fit_path, gpx_path = (generated / name for name in twin.paths)
    (session,) = _values(fit_path.read_bytes(), "session")
    gpx = gpxpy.parse(gzip.decompress(gpx_path.read_bytes()).decode())
    first = gpx.tracks[0].segments[0].points[0].time
    gap = first - session["start_time"].replace(tzinfo=UTC)
    assert timedelta(seconds=1) <= gap <= timedelta(seconds=10)
    assert gpx.length_2d() == pytest.approx(session["total_distance"], rel=0.03)


def test_weeks_tell_the_intended_story(produced: list[Produced]) -> None:
    """Distance, run-count and heart-rate jumps above 10 % fall exactly in the designed weeks."""
    weeks = week_stats(produced)
    assert [w.week for w in weeks] == list(range(1, 17))
    distance, frequency, intensity = set(), set(), set()
    for before, now in itertools.pairwise(weeks):
        if now.km > 1.1 * before.km:
            distance.add(now.week)
        if now.runs > before.runs:
            frequency.add(now.week)
        if now.mean_hr > 1.1 * before.mean_hr:
            intensity.add(now.week)
    assert distance == {3, 10, 15}
    assert frequency == {5, 11, 15}
    assert intensity == {7}
    for week in (2, 4, 9, 11, 12, 13, 16):  # growth, but under 10 %
        assert 1.0 < weeks[week - 1].km / weeks[week - 2].km < 1.09
    assert weeks[0].km_by_surface["road"] >= 0.9 * weeks[0].km
    assert {surface(p.planned) for p in produced if p.counted} == {
        "road",
        "trail",
        "track",
        "treadmill",
        "unknown",
    }
    midnight = [p for p in produced if p.local_start.hour == 0]
    assert [(p.local_start.weekday(), p.start.weekday()) for p in midnight] == [(0, 6)]
