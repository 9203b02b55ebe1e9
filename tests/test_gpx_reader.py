"""Tests for the GPX reader: the shared corpus of real files and small hand-written documents."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import gpx
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
from loadwatch.ingest.readers._xml import _segment_blocks
from loadwatch.ingest.readers.gpx import read_gpx

# Metres per degree of longitude on the WGS84 equator: the reference for "1 km apart".
M_PER_DEG_LON_EQUATOR = 111_319.4908

# What each corpus file must give: the sports of its activities, in order, or the error.
EXPECTED: dict[str, tuple[str, ...] | type[LoadwatchError]] = {
    "Mojstrovka.gpx": EmptyActivityError,  # every time is the 1901 "no time" placeholder
    "around-visnjan-with-car.gpx": ("other",),  # a car trip, ~9 m/s, no type
    "cerknicko-jezero-no-creator.gpx": ("other",) * 7,  # 8 untyped logs, one without points
    "cerknicko-jezero-with-elevations-zero.gpx": ("other",) * 7,
    "cerknicko-jezero-without-elevations.gpx": ("other",) * 7,
    "cerknicko-jezero.gpx": ("other",) * 7,
    "cerknicko-without-times.gpx": EmptyActivityError,
    "custom_schema_locations.gpx": NotAnActivityError,  # empty document
    "default_schema_locations.gpx": NotAnActivityError,
    "first_and_last_elevation.gpx": ("other",),
    "gpx-with-node-with-comments.gpx": EmptyActivityError,  # one point: no duration
    "gpx1.0_with_all_fields.gpx": EmptyActivityError,
    "gpx1.1_with_all_fields.gpx": EmptyActivityError,
    "gpx1.1_with_extensions.gpx": NotAnActivityError,  # waypoints only
    "gpx1.1_with_extensions_without_namespaces.gpx": NotAnActivityError,
    "gpx_with_garmin_extension.gpx": NotAnActivityError,
    "korita-zbevnica.gpx": ("other", "other"),  # walking-speed logs, no type
    "route.gpx": NotAnActivityError,
    "runpandas-garmin_connect.gpx": ("running",),
    "runpandas-nike_run.gpx": ("running",),  # named "domingo corrida matutina"
    "runpandas-run.gpx": ("running",),  # TomTom, named "Running"
    "runpandas-stopped_example.gpx": ("running",),  # Strava <type>9</type>
    "runpandas-strava_export.gpx": ("running",),
    "track-with-empty-segment.gpx": ("other",),  # 32 s of movement: too little to judge
    "track-with-extremes.gpx": EmptyActivityError,
    "track-with-less-sec-time.gpx": ("running",),  # <type>run</type>
    "track-with-small-floats.gpx": EmptyActivityError,
    "track_with_dilution_errors.gpx": EmptyActivityError,
    "track_with_speed.gpx": ("other",),
    "unicode.gpx": NotAnActivityError,
    "unicode2.gpx": EmptyActivityError,  # a track with an empty segment
    "unicode_with_bom.gpx": NotAnActivityError,
    "unicode_with_bom_noencoding.gpx": NotAnActivityError,
}

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx version="1.1" creator="&lol9;" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>&lol9;</name><trkseg>
<trkpt lat="0" lon="0"><time>2026-03-02T07:00:00Z</time></trkpt>
<trkpt lat="0" lon="0.01"><time>2026-03-02T07:05:00Z</time></trkpt>
</trkseg></trk></gpx>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>&secret;</name><trkseg>
<trkpt lat="0" lon="0"><time>2026-03-02T07:00:00Z</time></trkpt>
<trkpt lat="0" lon="0.01"><time>2026-03-02T07:05:00Z</time></trkpt>
</trkseg></trk></gpx>
"""


def trkpt(
    lat: float,
    lon: float,
    time: str | None,
    *,
    ele: float | None = None,
    hr: float | None = None,
    cad: float | None = None,
    speed: float | None = None,
) -> str:
    """One ``<trkpt>``, with Garmin TrackPointExtension hr/cad when given."""
    parts = [f'<trkpt lat="{lat}" lon="{lon}">']
    if ele is not None:
        parts.append(f"<ele>{ele}</ele>")
    if time is not None:
        parts.append(f"<time>{time}</time>")
    if speed is not None:
        parts.append(f"<speed>{speed}</speed>")
    if hr is not None or cad is not None:
        parts.append("<extensions><gpxtpx:TrackPointExtension>")
        if hr is not None:
            parts.append(f"<gpxtpx:hr>{hr}</gpxtpx:hr>")
        if cad is not None:
            parts.append(f"<gpxtpx:cad>{cad}</gpxtpx:cad>")
        parts.append("</gpxtpx:TrackPointExtension></extensions>")
    parts.append("</trkpt>")
    return "".join(parts)


def track(*segments: list[str], name: str | None = None, kind: str | None = None) -> str:
    """A ``<trk>`` holding one ``<trkseg>`` per list of points."""
    head = (f"<name>{name}</name>" if name else "") + (f"<type>{kind}</type>" if kind else "")
    body = "".join(f"<trkseg>{''.join(points)}</trkseg>" for points in segments)
    return f"<trk>{head}{body}</trk>"


def gpx_text(*tracks: str, version: str = "1.1", creator: str = "loadwatch tests") -> str:
    """A complete GPX document around the given tracks."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx version="{version}" creator="{creator}" '
        f'xmlns="http://www.topografix.com/GPX/{version.replace(".", "/")}" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"{''.join(tracks)}</gpx>\n"
    )


def read_tmp(tmp_path: Path, text: str | bytes, name: str = "activity.gpx") -> list[Activity]:
    """Write a document into ``tmp_path`` and read it back with the GPX reader."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return read_gpx(path.read_bytes(), str(path))


def one_km_run(**track_options: str) -> str:
    """Two timed points 1 km apart on the equator, 5 minutes apart, with hr and cadence."""
    east = 1000 / M_PER_DEG_LON_EQUATOR
    points = [
        trkpt(0.0, 10.0, "2026-03-02T07:00:00Z", ele=12.5, hr=150, cad=85),
        trkpt(0.0, 10.0 + east, "2026-03-02T07:05:00Z", hr=160, cad=86),
    ]
    return gpx_text(track(points, **track_options))


def check_activity(activity: Activity, source: str) -> None:
    """The invariants every activity the reader returns must satisfy."""
    samples = activity.samples
    assert tuple(samples.columns) == SAMPLE_COLUMNS
    assert str(samples["time"].dt.tz) == "UTC"
    assert samples["time"].is_monotonic_increasing
    assert len(samples) >= 2
    assert activity.start == samples["time"].iloc[0].to_pydatetime()
    assert activity.format == "gpx"
    assert activity.source == source
    distance = samples["distance_m"].dropna()
    assert (distance.diff().dropna() >= 0).all()
    assert activity.timer_s is None and activity.distance_m is None and activity.ascent_m is None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_expected_outcome(corpus: Path, name: str) -> None:
    """Every corpus GPX is read into the expected sports or refused with the expected error."""
    data = (corpus / "gpx" / name).read_bytes()
    expected = EXPECTED[name]
    if isinstance(expected, tuple):
        activities = read_gpx(data, name)
        assert tuple(activity.sport for activity in activities) == expected
        for activity in activities:
            check_activity(activity, name)
    else:
        with pytest.raises(expected) as raised:
            read_gpx(data, name)
        assert raised.value.path == name


def test_corpus_lists_every_gpx_file(corpus: Path) -> None:
    """The expectations above cover exactly the GPX files in the corpus."""
    assert {path.name for path in (corpus / "gpx").glob("*.gpx")} == set(EXPECTED)


def test_file_without_times_cannot_be_placed_in_a_week(corpus: Path) -> None:
    """cerknicko-without-times (5 of 296 points timed) is an empty activity, and says why."""
    data = (corpus / "gpx" / "cerknicko-without-times.gpx").read_bytes()
    with pytest.raises(EmptyActivityError, match="cannot be placed in a week"):
        read_gpx(data, "cerknicko-without-times.gpx")


def test_untimed_hand_written_track_has_no_timestamps(tmp_path: Path) -> None:
    """A track without any time gets the plain 'no timestamps' message."""
    text = gpx_text(track([trkpt(0, 0, None), trkpt(0, 0.01, None)]))
    with pytest.raises(EmptyActivityError, match="has no timestamps"):
        read_tmp(tmp_path, text)


def test_placeholder_times_are_not_usable(corpus: Path) -> None:
    """Mojstrovka's 1901 timestamps (a device's 'no time') are named in the error."""
    data = (corpus / "gpx" / "Mojstrovka.gpx").read_bytes()
    with pytest.raises(EmptyActivityError, match="1901-12-13"):
        read_gpx(data, "Mojstrovka.gpx")


def test_route_is_not_an_activity(corpus: Path) -> None:
    """route.gpx is a planned route, refused as not a recorded activity."""
    data = (corpus / "gpx" / "route.gpx").read_bytes()
    with pytest.raises(NotAnActivityError, match="a route, not a recorded activity"):
        read_gpx(data, "route.gpx")


def test_garmin_connect_extension_hr_and_cadence(corpus: Path) -> None:
    """Garmin Connect's ns3:hr and ns3:cad are read; run cadence is doubled to steps/min."""
    data = (corpus / "gpx" / "runpandas-garmin_connect.gpx").read_bytes()
    (activity,) = read_gpx(data, "garmin_connect.gpx")
    assert activity.samples["hr_bpm"].tolist() == [120.0, 125.0, 130.0]
    assert activity.samples["cadence_spm"].tolist() == [140.0, 150.0, 160.0]
    assert activity.samples["altitude_m"].iloc[0] == pytest.approx(23.6)
    assert (activity.name, activity.device, activity.activity_type) == (
        "Foo Bar",
        "Garmin Connect",
        "running",
    )


def test_strava_type_code_and_cadence_match_the_same_run_in_tcx(corpus: Path) -> None:
    """Strava's <type>9</type> is a run; its doubled cadence matches the TCX export of that run."""
    from loadwatch.ingest.readers.tcx import read_tcx

    gpx_data = (corpus / "gpx" / "runpandas-strava_export.gpx").read_bytes()
    tcx_data = (corpus / "tcx" / "runpandas-stopped_example.tcx").read_bytes()
    (from_gpx,) = read_gpx(gpx_data, "strava.gpx")
    (from_tcx,) = read_tcx(tcx_data, "strava.tcx")
    assert (from_gpx.sport, from_gpx.activity_type, from_tcx.sport) == ("running", "9", "running")
    assert from_gpx.samples["cadence_spm"].median() == from_tcx.samples["cadence_spm"].median()
    assert 160 <= from_gpx.samples["cadence_spm"].median() <= 190
    assert from_gpx.samples["hr_bpm"].notna().all()


def test_segment_break_adds_no_distance(tmp_path: Path) -> None:
    """The jump between two segments (a pause) is not counted as distance."""
    first = [trkpt(0, 0, "2026-03-02T07:00:00Z"), trkpt(0, 0.01, "2026-03-02T07:05:00Z")]
    second = [trkpt(0, 0.5, "2026-03-02T07:30:00Z"), trkpt(0, 0.51, "2026-03-02T07:35:00Z")]
    (activity,) = read_tmp(tmp_path, gpx_text(track(first, second, kind="running")))
    step = float(haversine_m(0, 0, 0, 0.01))
    assert activity.samples["distance_m"].tolist() == pytest.approx([0, step, step, 2 * step])


def ten_km_hour(glitches: dict[int, str]) -> str:
    """A straight 10 km run north over 60 minutes, a point every 5 s, some times rewritten.

    Args:
        glitches: Point number (0 to 720; negative counts from the end) to the time it says.
    """
    text = gpx(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), minutes=60, speed=10_000 / 3600)
    parts = text.split("<time>")
    for number, time in glitches.items():
        k = number % (len(parts) - 1) + 1
        parts[k] = time + parts[k][parts[k].index("</time>") :]
    return "<time>".join(parts)


ONE_DROPPED = "1 point with a time going backwards was dropped"


@pytest.mark.parametrize(
    ("glitches", "warning"),
    [
        ({-1: "2026-03-02T07:05:00Z"}, ONE_DROPPED),  # the last point stamped at minute 5
        ({360: "2026-03-02T07:05:00Z"}, ONE_DROPPED),  # one in the middle
        (
            {360: "2026-03-02T07:10:00Z", 361: "2026-03-02T07:10:05Z"},  # two in a row
            "2 points with times going backwards were dropped",
        ),
        ({360: "2026-03-02T09:00:00Z"}, ONE_DROPPED),  # one stamped later, not earlier
        ({0: "2026-03-02T08:30:00Z"}, ONE_DROPPED),  # the first one stamped later
    ],
)
def test_a_time_going_backwards_drops_the_point_not_the_distance(
    tmp_path: Path, glitches: dict[int, str], warning: str
) -> None:
    """A glitched time drops its point: still 10 km in an hour, not a detour there and back."""
    (activity,) = read_tmp(tmp_path, ten_km_hour(glitches))
    check_activity(activity, str(tmp_path / "activity.gpx"))
    samples = activity.samples
    assert len(samples) == 721 - len(glitches)
    assert samples["distance_m"].iloc[-1] == pytest.approx(10_000, rel=0.01)
    elapsed = samples["time"].iloc[-1] - samples["time"].iloc[0]
    assert elapsed >= pd.Timedelta(minutes=59)
    assert activity.warnings == (warning,)


STRAY = "1 point stamped more than 6 hours away from the rest of the activity dropped"


@pytest.mark.parametrize(
    "glitches",
    [
        {0: "2026-02-19T07:00:00Z"},  # a first fix stamped by a stale clock, 11 days early
        {-1: "2026-03-03T09:00:00Z"},  # a last one a day late
    ],
)
def test_a_stray_point_days_away_does_not_move_the_run(
    tmp_path: Path, glitches: dict[int, str]
) -> None:
    """A point hours from the rest at either end is dropped: the run stays in its own week."""
    (activity,) = read_tmp(tmp_path, ten_km_hour(glitches))
    samples = activity.samples
    assert samples["time"].iloc[0] >= pd.Timestamp("2026-03-02T07:00:00Z")
    assert samples["time"].iloc[-1] <= pd.Timestamp("2026-03-02T08:00:00Z")
    assert samples["distance_m"].iloc[-1] == pytest.approx(10_000, rel=0.01)
    assert activity.warnings == (STRAY,)


def test_the_point_whose_time_goes_backwards_is_the_one_dropped(tmp_path: Path) -> None:
    """Of two points out of order, the later in the file goes, not the one before it."""
    seconds = [0, 10, 20, 30, 25, 40]
    points = [trkpt(0, 0.001 * k, f"2026-03-02T07:00:{s:02d}Z") for k, s in enumerate(seconds)]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running")))
    kept = activity.samples["time"].dt.second.tolist()
    assert kept == [0, 10, 20, 30, 40]
    assert activity.warnings == (ONE_DROPPED,)


def test_equal_times_are_not_backwards(tmp_path: Path) -> None:
    """Two fixes stamped with the same second are both kept, without a warning."""
    points = [
        trkpt(0, 0, "2026-03-02T07:00:00Z"),
        trkpt(0, 0.001, "2026-03-02T07:00:00Z"),
        trkpt(0, 0.002, "2026-03-02T07:00:01Z"),
    ]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running")))
    assert len(activity.samples) == 3
    assert activity.warnings == ()


def test_segments_in_the_wrong_order_are_put_in_order_whole(tmp_path: Path) -> None:
    """Segments concatenated in the wrong order are reordered, not dropped; a glitch still is."""
    first = [trkpt(0, 0.01 * k, f"2026-03-02T07:{k:02d}:00Z") for k in range(10)]
    second = [trkpt(0, 1 + 0.01 * k, f"2026-03-02T08:{k:02d}:00Z") for k in range(10)]
    second[4] = trkpt(0, 1.04, "2026-03-02T07:04:30Z")  # a glitch inside the later segment
    (activity,) = read_tmp(tmp_path, gpx_text(track(second, first, kind="running")))
    samples = activity.samples
    assert len(samples) == 19
    assert samples["lon"].iloc[0] == 0 and samples["lon"].iloc[-1] == pytest.approx(1.09)
    step = float(haversine_m(0, 0, 0, 0.01))
    assert samples["distance_m"].iloc[-1] == pytest.approx(9 * step + 9 * step, rel=1e-6)
    assert activity.warnings == (
        "track segments were recorded out of time order; put in order by their times",
        ONE_DROPPED,
    )


IN_TIME_ORDER = "points were not in time order; put in order by their times"


def test_a_track_written_newest_first_is_put_in_order(tmp_path: Path) -> None:
    """Points written newest first are a different order, not 720 glitches: all are kept."""
    text = ten_km_hour({})
    points = re.findall(r"<trkpt.*?</trkpt>", text, flags=re.S)
    head, tail = text[: text.index(points[0])], text[text.rindex(points[-1]) + len(points[-1]) :]
    (activity,) = read_tmp(tmp_path, head + "".join(reversed(points)) + tail)
    check_activity(activity, str(tmp_path / "activity.gpx"))
    samples = activity.samples
    assert len(samples) == 721
    assert samples["time"].iloc[0] == pd.Timestamp("2026-03-02T07:00:00Z")
    assert samples["time"].iloc[-1] - samples["time"].iloc[0] == pd.Timedelta(minutes=60)
    assert samples["distance_m"].iloc[-1] == pytest.approx(10_000, rel=0.01)
    assert activity.warnings == (IN_TIME_ORDER,)


def test_segments_each_written_newest_first_are_put_in_order(tmp_path: Path) -> None:
    """Two segments, each newest first and the later one first: all points, in time order."""
    first = [trkpt(0, 0.01 * k, f"2026-03-02T07:{k:02d}:00Z") for k in range(10)]
    second = [trkpt(0, 1 + 0.01 * k, f"2026-03-02T08:{k:02d}:00Z") for k in range(10)]
    text = gpx_text(track(second[::-1], first[::-1], kind="running"))
    (activity,) = read_tmp(tmp_path, text)
    samples = activity.samples
    assert samples["lon"].tolist() == pytest.approx(
        [p / 100 for p in range(10)] + [1 + p / 100 for p in range(10)]
    )
    step = float(haversine_m(0, 0, 0, 0.01))
    assert samples["distance_m"].iloc[-1] == pytest.approx(18 * step, rel=1e-6)
    assert activity.warnings == (IN_TIME_ORDER,)


@pytest.mark.parametrize(("stepped_back", "first"), [(300, "07:00"), (421, "06:00")])
def test_a_clock_stepping_back_midway_keeps_the_longer_side(
    tmp_path: Path, stepped_back: int, first: str
) -> None:
    """The clock set back an hour midway: each side is in order, so this is not a file in
    another order; the longer side is kept and the other dropped, not interleaved with it."""
    start = 721 - stepped_back
    glitches = {}
    for k in range(start, 721):
        minutes, seconds = divmod((k - start) * 5, 60)
        glitches[k] = f"2026-03-02T06:{minutes:02d}:{seconds:02d}Z"
    (activity,) = read_tmp(tmp_path, ten_km_hour(glitches))
    samples = activity.samples
    assert len(samples) == 421
    assert samples["time"].iloc[0] == pd.Timestamp(f"2026-03-02T{first}:00Z")
    assert activity.warnings == ("300 points with times going backwards were dropped",)


def test_a_clock_set_back_at_exactly_half_adds_no_phantom_leg(tmp_path: Path) -> None:
    """Two equal in-order halves are not a file in another order: one is kept, not both sorted
    into a path that runs the route twice."""
    glitches = {}
    for k in range(360, 720):  # the second half stamped an hour early
        minutes, seconds = divmod((k - 360) * 5, 60)
        glitches[k] = f"2026-03-02T06:{minutes:02d}:{seconds:02d}Z"
    text = ten_km_hour(glitches)
    text = text[: text.rindex("<trkpt")] + text[text.index("</trkseg>") :]  # 720 points, even
    (activity,) = read_tmp(tmp_path, text)
    assert activity.samples["distance_m"].iloc[-1] <= 10_000
    assert activity.warnings == ("360 points with times going backwards were dropped",)


def test_a_small_file_hours_apart_keeps_every_point(tmp_path: Path) -> None:
    """Five fixes seven hours apart: too few to tell strays from the activity, so all are kept."""
    first = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    times = [(first + timedelta(hours=7 * k)).strftime("%Y-%m-%dT%H:%M:%SZ") for k in range(5)]
    points = [trkpt(0, 0.01 * k, when) for k, when in enumerate(times)]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running")))
    assert len(activity.samples) == 5 and activity.warnings == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 50)), min_size=1, max_size=40))
def test_segments_are_ordered_by_their_median_time(points: list[tuple[int, int]]) -> None:
    """The vectorised segment medians put segments where a plain per-segment median does."""
    segments = [segment for segment, _ in points]
    seconds = np.asarray([second for _, second in points], dtype="int64")
    stamps = seconds * 1_000_000_000 + pd.Timestamp("2026-03-02", tz="UTC").value
    starts = [k for k in range(len(segments)) if k == 0 or segments[k] != segments[k - 1]]
    ends = [*starts[1:], len(segments)]
    medians = [float(np.median(stamps[a:b])) for a, b in zip(starts, ends, strict=True)]
    order = sorted(range(len(starts)), key=lambda k: medians[k])
    expected = [p for k in order for p in range(starts[k], ends[k])]
    got = _segment_blocks(np.asarray(segments), stamps)
    if order == list(range(len(starts))):
        assert got is None
    else:
        assert got is not None and got.tolist() == expected


def test_corpus_point_stamped_an_hour_early_is_dropped(corpus: Path) -> None:
    """first_and_last_elevation.gpx's last point repeats the one before, an hour earlier.

    Re-sorted by time it made a 195 km trip 390 km; dropped, the trip is what the file traces.
    """
    data = (corpus / "gpx" / "first_and_last_elevation.gpx").read_bytes()
    (activity,) = read_gpx(data, "first_and_last_elevation.gpx")
    samples = activity.samples
    assert len(samples) == 9
    assert samples["distance_m"].iloc[-1] == pytest.approx(195_497, abs=10)
    assert samples["time"].iloc[-1] - samples["time"].iloc[0] == pd.Timedelta(hours=2)
    assert ONE_DROPPED in activity.warnings


def test_one_kilometre_two_points_exact_values(tmp_path: Path) -> None:
    """Two points 1 km apart: distance within 0.5 %, hr as written, cadence doubled, UTC times."""
    (activity,) = read_tmp(tmp_path, one_km_run(name="Morning Run"))
    samples = activity.samples
    assert samples["distance_m"].iloc[-1] == pytest.approx(1000.0, rel=0.005)
    assert samples["hr_bpm"].tolist() == [150.0, 160.0]
    assert samples["cadence_spm"].tolist() == [170.0, 172.0]
    assert samples["altitude_m"].iloc[0] == 12.5 and np.isnan(samples["altitude_m"].iloc[1])
    assert samples["speed_mps"].isna().all()
    assert activity.start == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert (activity.sport, activity.name, activity.warnings) == ("running", "Morning Run", ())


def test_times_without_zone_are_utc_and_offsets_are_converted(tmp_path: Path) -> None:
    """A naive GPX time is UTC (GPX spec); a +02:00 time is converted to UTC."""
    points = [trkpt(0, 0, "2026-03-02T07:00:00"), trkpt(0, 0.01, "2026-03-02T09:05:00+02:00")]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running")))
    assert activity.samples["time"].tolist() == [
        pd.Timestamp("2026-03-02T07:00:00Z"),
        pd.Timestamp("2026-03-02T07:05:00Z"),
    ]


def test_point_speed_is_read_from_gpx_1_0(tmp_path: Path) -> None:
    """GPX 1.0's <speed> fills speed_mps."""
    points = [
        trkpt(0, 0, "2026-03-02T07:00:00Z", speed=3.1),
        trkpt(0, 0.01, "2026-03-02T07:05:00Z", speed=3.4),
    ]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running"), version="1.0"))
    assert activity.samples["speed_mps"].tolist() == [3.1, 3.4]


def test_hr_directly_inside_extensions(tmp_path: Path) -> None:
    """An <hr> written straight inside <extensions>, without namespace, is read too."""
    text = gpx_text(
        track(
            [
                '<trkpt lat="0" lon="0"><time>2026-03-02T07:00:00Z</time>'
                "<extensions><hr>141</hr><cad>88</cad></extensions></trkpt>",
                '<trkpt lat="0" lon="0.01"><time>2026-03-02T07:05:00Z</time>'
                "<extensions><hr>143</hr><cad>90</cad></extensions></trkpt>",
            ],
            kind="running",
        )
    )
    (activity,) = read_tmp(tmp_path, text)
    assert activity.samples["hr_bpm"].tolist() == [141.0, 143.0]
    assert activity.samples["cadence_spm"].tolist() == [176.0, 180.0]


def test_cycling_cadence_is_kept_as_rpm(tmp_path: Path) -> None:
    """A ride's cadence is crank rpm: not doubled."""
    (activity,) = read_tmp(tmp_path, one_km_run(kind="cycling"))
    assert activity.sport == "cycling"
    assert activity.samples["cadence_spm"].tolist() == [85.0, 86.0]


def test_run_cadence_already_in_steps_is_not_doubled(tmp_path: Path) -> None:
    """A run whose cadence already counts both feet (median 170) is left as is."""
    points = [
        trkpt(0, 0, "2026-03-02T07:00:00Z", cad=168),
        trkpt(0, 0.01, "2026-03-02T07:05:00Z", cad=172),
    ]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running")))
    assert activity.samples["cadence_spm"].tolist() == [168.0, 172.0]


@pytest.mark.parametrize(
    ("options", "sport"),
    [
        ({"kind": "trail_running"}, "running"),
        ({"kind": "9"}, "running"),
        ({"kind": "1"}, "cycling"),
        ({"kind": "hiking"}, "walking"),
        ({"name": "Afternoon Ride"}, "cycling"),
        ({"name": "Evening Walk"}, "walking"),
        ({"name": "domingo corrida matutina"}, "running"),
        ({"name": "Run to the bike shop"}, "running"),  # speed decides: 3.3 m/s for 5 min
        ({"kind": "jkljkl"}, "other"),
        ({"kind": "4"}, "other"),  # a Strava code we have no evidence for
    ],
)
def test_sport_from_type_then_name(tmp_path: Path, options: dict[str, str], sport: str) -> None:
    """The sport comes from <type>, else unambiguous name words, else speed."""
    (activity,) = read_tmp(tmp_path, one_km_run(**options))
    assert activity.sport == sport


def test_unknown_type_is_other_with_a_warning(tmp_path: Path) -> None:
    """A type loadwatch does not know counts as other, and the warning names it."""
    (activity,) = read_tmp(tmp_path, one_km_run(kind="jkljkl"))
    assert activity.activity_type == "jkljkl"
    assert any("'jkljkl'" in warning for warning in activity.warnings)


def _steady_track(speed_mps: float, minutes: int = 5) -> str:
    """A silent track (no type, no name) at a steady speed along the equator, 10 s a point."""
    step_deg = speed_mps * 10 / M_PER_DEG_LON_EQUATOR
    start = pd.Timestamp("2026-03-02T07:00:00Z")
    points = [
        trkpt(
            0, i * step_deg, (start + pd.Timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        for i in range(minutes * 6 + 1)
    ]
    return gpx_text(track(points))


def test_silent_file_at_running_speed_is_assumed_running(tmp_path: Path) -> None:
    """No type and no telling name, 3 m/s: running, with a warning saying it was assumed."""
    (activity,) = read_tmp(tmp_path, _steady_track(3.0))
    assert activity.sport == "running"
    assert any("assumed running" in warning for warning in activity.warnings)


@pytest.mark.parametrize("speed", [1.3, 9.0])
def test_silent_file_at_walking_or_driving_speed_is_other(tmp_path: Path, speed: float) -> None:
    """No sport said and a walking (1.3 m/s) or car (9 m/s) speed: other, never running."""
    (activity,) = read_tmp(tmp_path, _steady_track(speed))
    assert activity.sport == "other"
    assert any("no sport in file" in warning for warning in activity.warnings)


def test_untimed_tracks_are_dropped_when_another_has_times(tmp_path: Path) -> None:
    """Of two tracks, the untimed one is dropped silently and the timed one kept."""
    untimed = track([trkpt(1, 1, None), trkpt(1, 1.01, None)], name="planned")
    text = gpx_text(
        untimed,
        track(
            [trkpt(0, 0, "2026-03-02T07:00:00Z"), trkpt(0, 0.01, "2026-03-02T07:05:00Z")],
            name="Lunch Run",
        ),
    )
    (activity,) = read_tmp(tmp_path, text)
    assert activity.name == "Lunch Run"


def test_several_timed_tracks_give_several_activities(tmp_path: Path) -> None:
    """Each timed track is its own activity, in file order."""
    a = track(
        [trkpt(0, 0, "2026-03-02T07:00:00Z"), trkpt(0, 0.01, "2026-03-02T07:05:00Z")],
        name="Morning Run",
    )
    b = track(
        [trkpt(0, 0, "2026-03-03T07:00:00Z"), trkpt(0, 0.01, "2026-03-03T07:05:00Z")],
        name="Morning Ride",
    )
    activities = read_tmp(tmp_path, gpx_text(a, b))
    assert [activity.sport for activity in activities] == ["running", "cycling"]


def test_points_without_time_in_a_timed_track_are_left_out_with_a_warning(tmp_path: Path) -> None:
    """A few untimed points in a mostly timed track are dropped, and the warning says so."""
    points = [
        trkpt(0, 0, "2026-03-02T07:00:00Z"),
        trkpt(0, 0.005, None),
        trkpt(0, 0.01, "2026-03-02T07:05:00Z"),
    ]
    (activity,) = read_tmp(tmp_path, gpx_text(track(points, kind="running")))
    assert len(activity.samples) == 2
    assert any("1 of 3 points" in warning for warning in activity.warnings)


@pytest.mark.parametrize(
    "name",
    ["unicode.gpx", "unicode2.gpx", "unicode_with_bom.gpx", "unicode_with_bom_noencoding.gpx"],
)
def test_unicode_and_bom_corpus_files_are_decoded(corpus: Path, name: str) -> None:
    """The unicode and BOM files parse (they hold no timed track), they are never 'corrupt'."""
    data = (corpus / "gpx" / name).read_bytes()
    with pytest.raises((NotAnActivityError, EmptyActivityError)):
        read_gpx(data, name)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "iso-8859-2"])
def test_unicode_names_survive_any_declared_encoding(tmp_path: Path, encoding: str) -> None:
    """A name with Slovene letters reads back the same from UTF-8+BOM, UTF-16 and Latin-2."""
    declared = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "iso-8859-2": "ISO-8859-2"}[encoding]
    text = one_km_run(name="Jutranji tek šđčćž", kind="running").replace(
        'encoding="UTF-8"', f'encoding="{declared}"'
    )
    (activity,) = read_tmp(tmp_path, text.encode(encoding))
    assert activity.name == "Jutranji tek šđčćž"


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused(tmp_path: Path, document: str) -> None:
    """A billion-laughs or external-entity document is refused before any expansion."""
    with pytest.raises(CorruptFileError, match="declares a DTD; loadwatch does not") as raised:
        read_tmp(tmp_path, document)
    assert "root:" not in str(raised.value)


def test_entity_declaration_in_utf16_is_refused(tmp_path: Path) -> None:
    """The refusal reads the XML, not the bytes: a UTF-16 DTD is caught too."""
    data = EXTERNAL_ENTITY.replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>')
    with pytest.raises(CorruptFileError, match="declares a DTD; loadwatch does not"):
        read_tmp(tmp_path, data.encode("utf-16"))


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    """Even a DOCTYPE pointing at an outside DTD is refused (it could be fetched)."""
    text = one_km_run(kind="running").replace(
        "<gpx ", '<!DOCTYPE gpx SYSTEM "http://example.invalid/gpx.dtd">\n<gpx ', 1
    )
    with pytest.raises(CorruptFileError, match="DTD"):
        read_tmp(tmp_path, text)


def test_broken_xml_names_the_line(tmp_path: Path) -> None:
    """A file cut short is corrupt, and the error gives the line where the XML breaks."""
    text = one_km_run(kind="running").replace("</trkseg>", "")
    with pytest.raises(CorruptFileError, match=r"line \d+"):
        read_tmp(tmp_path, text)


def test_empty_file_is_corrupt(tmp_path: Path) -> None:
    """An empty file is refused with a clear message."""
    with pytest.raises(CorruptFileError, match="empty"):
        read_tmp(tmp_path, b"  \n")


def test_other_xml_is_unsupported(tmp_path: Path) -> None:
    """Well-formed XML that is not GPX is refused as unsupported, not as a broken GPX."""
    with pytest.raises(UnsupportedFileError, match="root element is <kml>"):
        read_tmp(tmp_path, '<?xml version="1.0"?><kml><Document/></kml>')


def test_read_activities_dispatches_to_the_gpx_reader(tmp_path: Path) -> None:
    """The public entry point sniffs a GPX file and returns the reader's activity."""
    path = tmp_path / "run.gpx"
    path.write_text(one_km_run(kind="running"), encoding="utf-8")
    (activity,) = read_activities(path)
    assert (activity.format, activity.sport) == ("gpx", "running")


VALID = one_km_run(name="Morning Run").encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_loadwatch_errors(data: bytes) -> None:
    """Whatever the bytes, the reader returns activities or raises a LoadwatchError."""
    with contextlib.suppress(LoadwatchError):
        read_gpx(data, "random.gpx")


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(VALID)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=4),
)
def test_damaged_valid_file_raises_only_loadwatch_errors(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    """A valid GPX cut short and with changed bytes is read or refused with a LoadwatchError."""
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    try:
        activities = read_gpx(bytes(data[:cut]), "damaged.gpx")
    except LoadwatchError:
        return
    for activity in activities:
        assert tuple(activity.samples.columns) == SAMPLE_COLUMNS
