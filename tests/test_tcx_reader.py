"""Tests for the TCX reader: the shared corpus of real files and small hand-written documents."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    UnsupportedFileError,
)
from loadwatch.ingest.activity import SAMPLE_COLUMNS, Activity
from loadwatch.ingest.geo import haversine_m
from loadwatch.ingest.readers import read_activities
from loadwatch.ingest.readers.tcx import read_tcx

M_PER_DEG_LON_EQUATOR = 111_319.4908

# What each corpus file must give: the sports of its activities, in order, or the error.
EXPECTED: dict[str, tuple[str, ...] | type[LoadwatchError]] = {
    "runpandas-basic.tcx": ("running",),
    "runpandas-malformed.tcx": CorruptFileError,  # root element missing, xsi prefix unbound
    "runpandas-run.tcx": ("running",),
    "runpandas-run_garmin.tcx": ("running",),
    "runpandas-stopped_example.tcx": ("running",),
}

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def trackpoint(
    time: str | None,
    lat: float | None = None,
    lon: float | None = None,
    *,
    distance: float | None = None,
    hr: float | None = None,
    cadence: float | None = None,
    run_cadence: float | None = None,
    speed: float | None = None,
) -> str:
    """One ``<Trackpoint>``; speed and run cadence go into an ``ns3:TPX`` extension."""
    parts = ["<Trackpoint>"]
    if time is not None:
        parts.append(f"<Time>{time}</Time>")
    if lat is not None and lon is not None:
        parts.append(
            f"<Position><LatitudeDegrees>{lat}</LatitudeDegrees>"
            f"<LongitudeDegrees>{lon}</LongitudeDegrees></Position>"
        )
    if distance is not None:
        parts.append(f"<DistanceMeters>{distance}</DistanceMeters>")
    if hr is not None:
        parts.append(f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>")
    if cadence is not None:
        parts.append(f"<Cadence>{cadence}</Cadence>")
    if speed is not None or run_cadence is not None:
        parts.append("<Extensions><ns3:TPX>")
        if speed is not None:
            parts.append(f"<ns3:Speed>{speed}</ns3:Speed>")
        if run_cadence is not None:
            parts.append(f"<ns3:RunCadence>{run_cadence}</ns3:RunCadence>")
        parts.append("</ns3:TPX></Extensions>")
    parts.append("</Trackpoint>")
    return "".join(parts)


def lap(
    start: str, *tracks: list[str], seconds: float | None = None, metres: float | None = None
) -> str:
    """A ``<Lap>`` with optional totals and one ``<Track>`` per list of trackpoints."""
    totals = ""
    if seconds is not None:
        totals += f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds>"
    if metres is not None:
        totals += f"<DistanceMeters>{metres}</DistanceMeters>"
    body = "".join(f"<Track>{''.join(points)}</Track>" for points in tracks)
    return f'<Lap StartTime="{start}">{totals}{body}</Lap>'


def activity_xml(
    *laps: str,
    sport: str = "Running",
    activity_id: str = "2026-03-02T07:00:00Z",
    notes: str | None = None,
    creator: str | None = None,
) -> str:
    """An ``<Activity>`` element with its laps, notes and creator."""
    extra = f"<Notes>{notes}</Notes>" if notes else ""
    if creator:
        extra += f'<Creator xsi:type="Device_t"><Name>{creator}</Name></Creator>'
    return f'<Activity Sport="{sport}"><Id>{activity_id}</Id>{"".join(laps)}{extra}</Activity>'


def tcx_text(*activities: str, body: str | None = None) -> str:
    """A complete TCX document around the given activities (or any other body)."""
    inner = body if body is not None else f"<Activities>{''.join(activities)}</Activities>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{TCX_NS}" xmlns:ns3="{AX_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{inner}</TrainingCenterDatabase>\n"
    )


def read_tmp(tmp_path: Path, text: str | bytes, name: str = "activity.tcx") -> list[Activity]:
    """Write a document into ``tmp_path`` and read it back with the TCX reader."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return read_tcx(path.read_bytes(), str(path))


def check_activity(activity: Activity, source: str) -> None:
    """The invariants every activity the reader returns must satisfy."""
    samples = activity.samples
    assert tuple(samples.columns) == SAMPLE_COLUMNS
    assert str(samples["time"].dt.tz) == "UTC"
    assert samples["time"].is_monotonic_increasing
    assert activity.format == "tcx"
    assert activity.source == source
    assert activity.start <= samples["time"].iloc[0].to_pydatetime()
    distance = samples["distance_m"].dropna()
    assert (distance.diff().dropna() >= 0).all()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_expected_outcome(corpus: Path, name: str) -> None:
    """Every corpus TCX is read into the expected sports or refused with the expected error."""
    data = (corpus / "tcx" / name).read_bytes()
    expected = EXPECTED[name]
    if isinstance(expected, tuple):
        activities = read_tcx(data, name)
        assert tuple(activity.sport for activity in activities) == expected
        for activity in activities:
            check_activity(activity, name)
    else:
        with pytest.raises(expected) as raised:
            read_tcx(data, name)
        assert raised.value.path == name


def test_corpus_lists_every_tcx_file(corpus: Path) -> None:
    """The expectations above cover exactly the TCX files in the corpus."""
    assert {path.name for path in (corpus / "tcx").glob("*.tcx")} == set(EXPECTED)


def test_malformed_file_is_corrupt_and_names_the_line(corpus: Path) -> None:
    """runpandas-malformed.tcx is refused, with the line and reason of the XML fault."""
    data = (corpus / "tcx" / "runpandas-malformed.tcx").read_bytes()
    with pytest.raises(CorruptFileError, match=r"line 4653, column 6 \(unbound prefix\)"):
        read_tcx(data, "runpandas-malformed.tcx")


def test_corpus_totals_and_metadata_come_from_laps_and_creator(corpus: Path) -> None:
    """runpandas-basic: timer and distance are its laps' sums; Notes, Creator and Id are used."""
    data = (corpus / "tcx" / "runpandas-basic.tcx").read_bytes()
    (activity,) = read_tcx(data, "basic.tcx")
    assert activity.timer_s == pytest.approx(1992.78, abs=0.01)
    assert activity.distance_m == pytest.approx(4689.24, abs=0.01)
    assert activity.name == "Aerobics"
    assert activity.device == "Forerunner 410 Software Version 2.20"
    assert activity.start == datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC)
    assert activity.activity_type == "running"


def test_corpus_garmin_run_cadence_is_doubled(corpus: Path) -> None:
    """Forerunner 620 RunCadence (70 at the start, laps averaging 84) becomes steps/min."""
    data = (corpus / "tcx" / "runpandas-run_garmin.tcx").read_bytes()
    (activity,) = read_tcx(data, "run_garmin.tcx")
    first = activity.samples.iloc[0]
    assert (first["cadence_spm"], first["hr_bpm"]) == (140.0, 112.0)
    assert first["speed_mps"] == pytest.approx(1.185, abs=1e-3)
    assert first["distance_m"] == pytest.approx(2.53, abs=1e-2)
    assert 160 <= activity.samples["cadence_spm"].median() <= 190


def test_totals_from_several_laps(tmp_path: Path) -> None:
    """timer_s and distance_m are the sums of the laps' TotalTimeSeconds and DistanceMeters."""
    text = tcx_text(
        activity_xml(
            lap(
                "2026-03-02T07:00:00Z",
                [
                    trackpoint("2026-03-02T07:00:00Z", 0, 0),
                    trackpoint("2026-03-02T07:10:00Z", 0, 0.01),
                ],
                seconds=600,
                metres=1500,
            ),
            lap(
                "2026-03-02T07:10:00Z",
                [trackpoint("2026-03-02T07:15:00Z", 0, 0.02)],
                seconds=300.5,
                metres=800.25,
            ),
        )
    )
    (activity,) = read_tmp(tmp_path, text)
    assert (activity.timer_s, activity.distance_m) == (900.5, 2300.25)


def test_exact_values_from_a_hand_written_run(tmp_path: Path) -> None:
    """Time, position, distance, hr, speed and run cadence are read as written."""
    points = [
        trackpoint("2026-03-02T07:00:00Z", 0, 10, distance=0, hr=150, speed=3.2, run_cadence=85),
        trackpoint(
            "2026-03-02T07:05:00Z", 0, 10.009, distance=1001.5, hr=160, speed=3.4, run_cadence=86
        ),
    ]
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points), notes="Tempo", creator="FR"))
    (activity,) = read_tmp(tmp_path, text)
    samples = activity.samples
    assert samples["distance_m"].tolist() == [0.0, 1001.5]
    assert samples["hr_bpm"].tolist() == [150.0, 160.0]
    assert samples["speed_mps"].tolist() == [3.2, 3.4]
    assert samples["cadence_spm"].tolist() == [170.0, 172.0]
    assert samples["lon"].tolist() == [10.0, 10.009]
    assert (activity.name, activity.device, activity.sub_sport) == ("Tempo", "FR", None)
    assert activity.warnings == ()


def test_distance_computed_from_positions_without_crossing_track_breaks(tmp_path: Path) -> None:
    """No DistanceMeters: distance comes from positions, 1 km within 0.5 %, none across tracks."""
    east = 1000 / M_PER_DEG_LON_EQUATOR
    first = [
        trackpoint("2026-03-02T07:00:00Z", 0, 10),
        trackpoint("2026-03-02T07:05:00Z", 0, 10 + east),
    ]
    second = [
        trackpoint("2026-03-02T07:20:00Z", 0, 11),
        trackpoint("2026-03-02T07:25:00Z", 0, 11 + east),
    ]
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", first, second)))
    (activity,) = read_tmp(tmp_path, text)
    distance = activity.samples["distance_m"].tolist()
    assert distance[1] == pytest.approx(1000.0, rel=0.005)
    assert distance[2] == distance[1]
    assert distance[3] == pytest.approx(distance[1] + float(haversine_m(0, 11, 0, 11 + east)))


def test_trackpoint_whose_time_goes_backwards_is_dropped(tmp_path: Path) -> None:
    """A trackpoint stamped before the ones it follows is dropped, not moved back in time.

    Moved back, it would add a detour there and back to the distance computed from positions.
    """
    east = 1000 / M_PER_DEG_LON_EQUATOR
    points = [trackpoint(f"2026-03-02T07:{k:02d}:00Z", 0, 10 + k * east) for k in range(10)]
    points[9] = trackpoint("2026-03-02T07:01:30Z", 0, 10 + 9 * east)
    points[5] = trackpoint("2026-03-02T07:02:30Z", 0, 10 + 5 * east)
    (activity,) = read_tmp(tmp_path, tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points))))
    samples = activity.samples
    assert samples["time"].dt.minute.tolist() == [0, 1, 2, 3, 4, 6, 7, 8]
    assert samples["distance_m"].iloc[-1] == pytest.approx(8000.0, rel=0.005)
    assert activity.warnings == ("2 points with times going backwards were dropped",)


def test_laps_in_the_wrong_order_are_put_in_order(tmp_path: Path) -> None:
    """Laps concatenated in the wrong order are put in time order whole, none dropped."""
    east = 1000 / M_PER_DEG_LON_EQUATOR
    first = [trackpoint(f"2026-03-02T07:0{k}:00Z", 0, 10 + k * east) for k in range(5)]
    second = [trackpoint(f"2026-03-02T07:1{k}:00Z", 0, 11 + k * east) for k in range(5)]
    laps = (lap("2026-03-02T07:10:00Z", second), lap("2026-03-02T07:00:00Z", first))
    (activity,) = read_tmp(tmp_path, tcx_text(activity_xml(*laps)))
    samples = activity.samples
    assert samples["time"].dt.minute.tolist() == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]
    assert samples["distance_m"].iloc[-1] == pytest.approx(8000.0, rel=0.005)
    assert activity.warnings == (
        "track segments were recorded out of time order; put in order by their times",
    )


def test_trackpoints_written_newest_first_are_put_in_order(tmp_path: Path) -> None:
    """A track written newest first is read whole, in time order, not cut to one point."""
    east = 1000 / M_PER_DEG_LON_EQUATOR
    points = [trackpoint(f"2026-03-02T07:{k:02d}:00Z", 0, 10 + k * east) for k in range(10)]
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points[::-1])))
    (activity,) = read_tmp(tmp_path, text)
    samples = activity.samples
    assert samples["time"].dt.minute.tolist() == list(range(10))
    assert samples["distance_m"].iloc[-1] == pytest.approx(9000.0, rel=0.005)
    assert activity.warnings == ("points were not in time order; put in order by their times",)


def test_bike_cadence_is_kept_as_rpm(tmp_path: Path) -> None:
    """On a ride, <Cadence> is crank rpm and is not doubled."""
    points = [
        trackpoint("2026-03-02T07:00:00Z", cadence=88),
        trackpoint("2026-03-02T07:05:00Z", cadence=90),
    ]
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points), sport="Biking"))
    (activity,) = read_tmp(tmp_path, text)
    assert (activity.sport, activity.activity_type) == ("cycling", "biking")
    assert activity.samples["cadence_spm"].tolist() == [88.0, 90.0]


def test_several_activities_and_an_untimed_one_dropped(tmp_path: Path) -> None:
    """Each <Activity> is one activity; one without timed trackpoints is dropped."""
    timed = [trackpoint("2026-03-02T07:00:00Z"), trackpoint("2026-03-02T07:05:00Z")]
    text = tcx_text(
        activity_xml(lap("2026-03-02T07:00:00Z", timed)),
        activity_xml(lap("2026-03-03T07:00:00Z", [trackpoint(None)]), activity_id="x"),
        activity_xml(lap("2026-03-04T07:00:00Z", timed), sport="Other"),
    )
    activities = read_tmp(tmp_path, text)
    assert [activity.sport for activity in activities] == ["running", "other"]


def test_laps_without_trackpoints_are_empty(tmp_path: Path) -> None:
    """An activity with laps but no trackpoints cannot be placed in a week."""
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", seconds=600, metres=1500)))
    with pytest.raises(EmptyActivityError, match="no trackpoints"):
        read_tmp(tmp_path, text)


def test_trackpoints_without_time_are_empty(tmp_path: Path) -> None:
    """Trackpoints without any time give the 'no timestamps' error."""
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", [trackpoint(None, 0, 0)])))
    with pytest.raises(EmptyActivityError, match="has no timestamps"):
        read_tmp(tmp_path, text)


@pytest.mark.parametrize("activity_id", ["my run", "2026-03-09T07:00:00Z", "2026-02-20T07:00:00Z"])
def test_start_falls_back_to_first_lap_when_id_is_not_the_start(
    tmp_path: Path, activity_id: str
) -> None:
    """An Id that is no time, after the first trackpoint or days before it gives way to the lap."""
    points = [trackpoint("2026-03-02T07:00:30Z"), trackpoint("2026-03-02T07:05:00Z")]
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points), activity_id=activity_id))
    (activity,) = read_tmp(tmp_path, text)
    assert activity.start == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("<Courses><Course><Name>Loop</Name><Track/></Course></Courses>", "courses"),
        (
            '<Workouts><Workout Sport="Running"><Name>Intervals</Name></Workout></Workouts>',
            "workouts",
        ),
    ],
)
def test_courses_and_workouts_are_not_activities(tmp_path: Path, body: str, kind: str) -> None:
    """A TCX holding only courses or workouts (plans) is not an activity."""
    with pytest.raises(NotAnActivityError, match=kind):
        read_tmp(tmp_path, tcx_text(body=body))


def test_other_xml_is_unsupported(tmp_path: Path) -> None:
    """Well-formed XML that is not TCX is refused as unsupported."""
    with pytest.raises(UnsupportedFileError, match="root element is <gpx>"):
        read_tmp(tmp_path, '<?xml version="1.0"?><gpx version="1.1"/>')


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE TrainingCenterDatabase [\n <!ENTITY a "aaaaaaaaaa">\n'
    + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
    + f']>\n<TrainingCenterDatabase xmlns="{TCX_NS}"><Activities><Activity Sport="Running">'
    "<Id>2026-03-02T07:00:00Z</Id><Notes>&i;</Notes></Activity></Activities>"
    "</TrainingCenterDatabase>\n"
)

EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE TrainingCenterDatabase [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    f'<TrainingCenterDatabase xmlns="{TCX_NS}"><Activities><Activity Sport="Running">'
    "<Id>2026-03-02T07:00:00Z</Id><Notes>&secret;</Notes></Activity></Activities>"
    "</TrainingCenterDatabase>\n"
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused(tmp_path: Path, document: str) -> None:
    """A billion-laughs or external-entity document is refused before any expansion."""
    with pytest.raises(CorruptFileError, match="declares a DTD; loadwatch does not"):
        read_tmp(tmp_path, document)


def test_undeclared_entity_is_a_broken_file(tmp_path: Path) -> None:
    """Without a DTD an entity reference cannot be defined: it is an XML error, not expanded."""
    points = [trackpoint("2026-03-02T07:00:00Z"), trackpoint("2026-03-02T07:05:00Z")]
    text = tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points), notes="&secret;"))
    with pytest.raises(CorruptFileError, match="undefined entity"):
        read_tmp(tmp_path, text)


def test_unknown_encoding_is_refused(tmp_path: Path) -> None:
    """A declared encoding nobody knows is a clear error, not a crash."""
    text = tcx_text().replace('encoding="UTF-8"', 'encoding="UTF-89"')
    with pytest.raises(CorruptFileError, match="UTF-8"):
        read_tmp(tmp_path, text)


def test_read_activities_dispatches_to_the_tcx_reader(tmp_path: Path) -> None:
    """The public entry point sniffs a TCX file and returns the reader's activity."""
    points = [trackpoint("2026-03-02T07:00:00Z", 0, 0), trackpoint("2026-03-02T07:05:00Z", 0, 0.01)]
    path = tmp_path / "run.tcx"
    path.write_text(tcx_text(activity_xml(lap("2026-03-02T07:00:00Z", points))), encoding="utf-8")
    (activity,) = read_activities(path)
    assert (activity.format, activity.sport) == ("tcx", "running")
    assert np.isfinite(activity.samples["distance_m"]).all()


VALID = tcx_text(
    activity_xml(
        lap(
            "2026-03-02T07:00:00Z",
            [
                trackpoint("2026-03-02T07:00:00Z", 0, 10, distance=0, hr=150, run_cadence=85),
                trackpoint("2026-03-02T07:05:00Z", 0, 10.009, distance=1001, hr=160, speed=3.3),
            ],
            seconds=300,
            metres=1001,
        ),
        notes="Easy",
    )
).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_loadwatch_errors(data: bytes) -> None:
    """Whatever the bytes, the reader returns activities or raises a LoadwatchError."""
    with contextlib.suppress(LoadwatchError):
        read_tcx(data, "random.tcx")


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(VALID)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=4),
)
def test_damaged_valid_file_raises_only_loadwatch_errors(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    """A valid TCX cut short and with changed bytes is read or refused with a LoadwatchError."""
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    try:
        activities = read_tcx(bytes(data[:cut]), "damaged.tcx")
    except LoadwatchError:
        return
    for activity in activities:
        assert tuple(activity.samples.columns) == SAMPLE_COLUMNS
