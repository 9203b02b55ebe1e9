"""GPX reader: one :class:`~loadwatch.ingest.activity.Activity` per recorded track, parsed with
gpxpy.

Only tracks (``<trk>``) are recordings: routes are plans and waypoints are places, so a file
holding only those is :class:`~loadwatch.errors.NotAnActivityError`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import datetime
from typing import Any, NamedTuple

import gpxpy
import numpy as np
import numpy.typing as npt
import pandas as pd

from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    NotAnActivityError,
    UnsupportedFileError,
)
from loadwatch.ingest.activity import Activity, make_samples
from loadwatch.ingest.geo import cumulative_distance_m, valid_positions
from loadwatch.ingest.limits import check_xml_points
from loadwatch.ingest.readers._gpxfast import PlainTrack, read_plain_gpx, takes_root
from loadwatch.ingest.readers._gpxpoints import drop_unplaced_points, unplaced_note
from loadwatch.ingest.readers._gpxsport import track_sport
from loadwatch.ingest.readers._xml import (
    decode_xml,
    implausible_times_note,
    inspect_prolog,
    local_name,
    order_by_time,
    parse_float,
    raise_malformed,
    steps_per_minute,
    usable_times,
)

FloatArray = npt.NDArray[np.float64]


class _Track(NamedTuple):
    """One track's outcome: an activity, or the counts that explain why there is none."""

    activity: Activity | None
    points: int
    timed: int
    implausible: pd.Series


def read_gpx(data: bytes, source: str) -> list[Activity]:
    """Read every recorded track in a GPX file.

    Each ``<trk>`` with enough timed points is one activity. Its samples hold the time (UTC;
    GPX times without a zone are UTC by the GPX spec), position, elevation, the ``<speed>`` a
    point may carry (else NaN: the summariser derives speed from distance), heart rate and
    cadence from Garmin's TrackPointExtension (``hr``, ``cad``, with any namespace prefix or
    none) and ``distance_m``: the cumulative great-circle distance between consecutive points
    **within a track segment**. A new ``<trkseg>`` starts after a pause or lost signal, so the
    straight line across a segment break is not counted.

    Decisions worth knowing:

    - Cadence: Garmin's ``cad`` counts one leg's strides per minute for runs (the corpus Strava
      run has a median of 87, the same activity's TCX ``RunCadence`` 84-86 at 2.7 m/s), so it
      is doubled to steps per minute for running and walking, unless the values are already
      beyond any one-leg cadence (see :func:`~loadwatch.ingest.readers._xml.steps_per_minute`).
    - Sport: from ``<type>`` (Strava's numeric codes 9 = running and 1 = cycling; words via
      :func:`~loadwatch.ingest.activity.normalise_sport`), else from words in the track name
      ("Morning
      Run", "Afternoon Ride"). A file saying nothing is assumed to be a run only when its median
      moving speed, over at least a minute of movement, is a running speed (1.8-6 m/s), with a
      warning; otherwise, and for any type we do not recognise, ``"other"`` (with a warning), so
      a car trip or an unknown sport never adds running load.
    - Times before 1980 (GPS epoch; e.g. the 1901 placeholder some devices write) or from 2100
      on are treated as missing. A track where fewer than half the points have a usable time
      cannot be measured and is skipped, as is one whose times are all the same moment;
      untimed points in a kept track are left out, with a warning.
    - Points stay in file order, the order the device recorded them: a point whose time goes
      backwards is a clock glitch and is dropped (with a warning), not moved, since summing
      distance along a path re-sorted by time would add a detour to where it was re-sorted to.
      Segments recorded in the wrong order as a whole are put in order first. A file where at
      most half the points would be left in order is written in another order (newest first,
      say): its points are put in order by their times, with a warning, and none is dropped
      (see :func:`~loadwatch.ingest.readers._xml.order_by_time`).
    - A ``<trkpt>`` without ``lat`` or ``lon`` makes gpxpy refuse the whole file; such points
      are then taken out (with a warning) and the rest is read
      (:mod:`~loadwatch.ingest.readers._gpxpoints`).
    - Several tracks give several activities; tracks without usable times are dropped silently
      as long as one track has them.

    Args:
        data: The file's bytes (any encoding, with or without a byte order mark).
        source: Where the bytes came from, for errors and ``Activity.source``.

    Returns:
        One activity per usable track, in file order.

    Raises:
        CorruptFileError: Broken XML, an undecodable encoding, or a DTD/entity declaration.
        UnsupportedFileError: Well-formed XML whose root is not ``<gpx>``.
        NotAnActivityError: Only routes and/or waypoints, or nothing at all.
        EmptyActivityError: Tracks, but none with usable timestamps and a duration.
    """
    return _read(data, source, fast=True)


def read_gpx_reference(data: bytes, source: str) -> list[Activity]:
    """Read a GPX file as :func:`read_gpx` does, but with gpxpy for every file.

    The reference the streaming path is tested and measured against; the same checks, errors
    and activities, only slower.
    """
    return _read(data, source, fast=False)


def _read(data: bytes, source: str, *, fast: bool) -> list[Activity]:
    """The safety checks, then the streaming path when it takes the file, else gpxpy."""
    prolog = inspect_prolog(data, source, "GPX")
    text = decode_xml(data, source, prolog.encoding)
    fast = fast and prolog.root == "gpx" and takes_root(text)
    if not fast:  # else gpxpy's removal of the root's namespace changes nothing before the root
        inspect_prolog(as_gpxpy_parses(text), source, "GPX")  # what gpxpy hands its parser
    check_xml_points(text, "gpx", source)
    plain = read_plain_gpx(data, text, prolog.encoding) if fast else None
    if plain is None and fast:  # declined: gpxpy reads it, checked as it will see it
        inspect_prolog(as_gpxpy_parses(text), source, "GPX")
    if plain is not None:
        creator, file_name, tracks, unplaced = plain.creator, plain.name, plain.tracks, 0
    else:
        creator, file_name, tracks, unplaced = _read_with_gpxpy(text, prolog.root, source)
    device = _clean(creator)
    results = [_read_track(track, _clean(file_name), device, source) for track in tracks]
    activities = [result.activity for result in results if result.activity is not None]
    if not activities:
        raise EmptyActivityError(_why_empty(results), path=source)
    if unplaced:
        note = unplaced_note(unplaced)
        activities = [dataclasses.replace(a, warnings=(*a.warnings, note)) for a in activities]
    return activities


def _read_with_gpxpy(
    text: str, root: str, source: str
) -> tuple[str | None, str | None, list[PlainTrack], int]:
    """gpxpy's reading: the file's creator, name, tracks and points left out for want of a
    position; every file the streaming path declines comes here."""
    try:
        gpx, unplaced = _parse(text, source), 0
    except CorruptFileError:  # perhaps only points without lat/lon: read the rest
        text, unplaced = drop_unplaced_points(text)
        if not unplaced:
            raise
        inspect_prolog(as_gpxpy_parses(text), source, "GPX")  # checked again as it now is
        gpx = _parse(text, source)
    if root != "gpx":
        raise UnsupportedFileError(
            f"is not a GPX file: its root element is <{root}>, not <gpx>", path=source
        )
    if not gpx.tracks:
        if gpx.routes:
            raise NotAnActivityError(
                "holds a route, not a recorded activity: a route is a planned path without "
                "times. Export the activity you recorded on it instead",
                path=source,
            )
        if gpx.waypoints:
            raise NotAnActivityError(
                "holds only waypoints (places), not a recorded activity", path=source
            )
        raise NotAnActivityError("holds no track, so there is no activity in it", path=source)
    tracks = [_gpxpy_track(track) for track in gpx.tracks]
    return gpx.creator, gpx.name, tracks, unplaced


#: gpxpy (``GPXParser.parse``) deletes the first match of this from the text before parsing it,
#: wherever it is (inside a comment, say): deleting it can reveal a DTD the bytes hid, so the
#: DTD check also runs on the text as gpxpy parses it. ``tests/attacks/test_xml_dtd.py`` checks
#: that gpxpy still does exactly this.
GPXPY_DEFAULT_NAMESPACE = re.compile(r"""\sxmlns=(['"])[^'"]+\1""")


def as_gpxpy_parses(text: str) -> str:
    """The text gpxpy gives its XML parser for ``text``: without its first default namespace."""
    return GPXPY_DEFAULT_NAMESPACE.sub("", text, count=1)


def _parse(text: str, source: str) -> Any:
    """Run gpxpy on the decoded text; none of its exceptions leave this function."""
    try:
        return gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as e:
        cause = e.__cause__
        line, column = getattr(cause, "position", (None, None))
        raise_malformed(source, "GPX", str(cause or e).split(":")[0], line, column)
    except Exception as e:  # gpxpy raises many kinds (ValueError on odd numbers...): wrap them all
        raise CorruptFileError(
            f"is not a readable GPX file ({e}); export it again from your watch or app",
            path=source,
        ) from e


def _gpxpy_track(track: Any) -> PlainTrack:
    """One gpxpy track as the columns the streaming path gives (the reference reading)."""
    raw_times: list[datetime | None] = []
    columns: dict[str, list[float]] = {name: [] for name in _COLUMNS}
    segment: list[int] = []
    for segment_no, trkseg in enumerate(track.segments):
        for point in trkseg.points:
            raw_times.append(_naive_utc(point.time))
            ext_hr, ext_cad, ext_speed = _extension_values(point.extensions)
            own_speed = _number(getattr(point, "speed", None))
            values = (
                _number(point.latitude),
                _number(point.longitude),
                _number(point.elevation),
                own_speed if not math.isnan(own_speed) else ext_speed,
                ext_hr,
                ext_cad,
            )
            for name, value in zip(_COLUMNS, values, strict=True):
                columns[name].append(value)
            segment.append(segment_no)
    arrays = {name: np.asarray(values, dtype=np.float64) for name, values in columns.items()}
    return PlainTrack(
        name=track.name,
        activity_type=track.type,
        utc=pd.to_datetime(pd.Series(raw_times, dtype=object), utc=True, errors="coerce"),
        segment=segment,
        **arrays,
    )


_COLUMNS = ("lat", "lon", "ele", "speed", "hr", "cad")


def _read_track(
    track: PlainTrack, file_name: str | None, device: str | None, source: str
) -> _Track:
    """Build the activity for one ``<trk>``, or say why it has none."""
    times, segment = track.utc, track.segment
    keep = usable_times(times)
    implausible = times[times.notna() & ~keep]
    points, timed = len(times), int(keep.sum())
    if timed < 2 or 2 * timed < points:
        return _Track(None, points, timed, implausible)

    ordered = order_by_time(times, segment)
    warnings = list(ordered.warnings)
    column = ordered.column
    lat_a, lon_a = column(track.lat), column(track.lon)
    bad_position = ~valid_positions(lat_a, lon_a)
    lat_a[bad_position] = np.nan
    lon_a[bad_position] = np.nan
    segment_a = ordered.labels(segment)
    time_a = ordered.times
    distance = cumulative_distance_m(lat_a, lon_a, segment_a)
    elapsed_s = (time_a - time_a.iloc[0]).dt.total_seconds().to_numpy()
    if elapsed_s[-1] <= 0:
        return _Track(None, points, timed, implausible)

    name = _clean(track.name) or file_name
    activity_type = _clean(track.activity_type)
    sport = track_sport(activity_type, name, elapsed_s, distance, segment_a, warnings)
    hr_a = column(track.hr)
    hr_a[hr_a <= 0] = np.nan  # 0 bpm is a lost strap, not a reading
    speed_a = column(track.speed)
    speed_a[speed_a < 0] = np.nan
    samples = make_samples(
        {
            "time": time_a,
            "distance_m": distance,
            "speed_mps": speed_a,
            "hr_bpm": hr_a,
            "cadence_spm": steps_per_minute(column(track.cad), sport),
            "lat": lat_a,
            "lon": lon_a,
            "altitude_m": column(track.ele),
        }
    )
    activity = Activity(
        sport=sport,
        sub_sport=None,
        start=samples["time"].iloc[0].to_pydatetime(),
        source=source,
        samples=samples,
        format="gpx",
        device=device,
        name=name,
        activity_type=activity_type.lower() if activity_type else None,
        warnings=tuple(warnings),
    )
    return _Track(activity, points, timed, implausible)


def _why_empty(results: list[_Track]) -> str:
    """The file-level reason when no track gave an activity, in a runner's words."""
    points = sum(result.points for result in results)
    timed = sum(result.timed for result in results)
    implausible = [result.implausible for result in results if not result.implausible.empty]
    if points == 0:
        return "has tracks but no track points, so there is no activity to count"
    if timed == 0 and implausible:
        return (
            f"has no usable timestamps (they say {implausible_times_note(pd.concat(implausible))}"
            ", which no GPS recording can), so it cannot be placed in a week"
        )
    if timed == 0:
        return "has no timestamps, so it cannot be placed in a week"
    if 2 * timed < points:
        return (
            f"has no timestamps on most of its track points (only {timed} of {points} have "
            "one), so it cannot be placed in a week"
        )
    return "has no duration: its timed points all fall at the same moment"


def _extension_values(extensions: list[Any]) -> tuple[float, float, float]:
    """Heart rate, cadence and speed from a point's ``<extensions>`` (first of each found)."""
    hr = cad = speed = math.nan
    for extension in extensions:
        for element in extension.iter():
            name = local_name(element.tag).lower()
            if name in ("hr", "heartrate") and math.isnan(hr):
                hr = parse_float(element.text)
            elif name in ("cad", "cadence") and math.isnan(cad):
                cad = parse_float(element.text)
            elif name == "speed" and math.isnan(speed):
                speed = parse_float(element.text)
    return hr, cad, speed


def _naive_utc(moment: Any) -> datetime | None:
    """A gpxpy time as naive UTC; naive input is already UTC (GPX spec), odd zones give None."""
    if not isinstance(moment, datetime):
        return None
    try:
        offset = moment.utcoffset()
        naive = moment.replace(tzinfo=None)
        return naive - offset if offset else naive
    except (ValueError, OverflowError, TypeError):
        return None


def _number(value: Any) -> float:
    """A finite float, or NaN."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _clean(text: Any) -> str | None:
    """Stripped text, or ``None`` when missing or blank."""
    if not isinstance(text, str):
        return None
    return text.strip() or None
