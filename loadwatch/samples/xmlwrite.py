"""Write GPX 1.1 and TCX v2 activity files from sample arrays, as Strava and Garmin export them.

Plain string building (these formats are flat and regular), with every text value escaped.
Cadence is written as strides per minute (steps / 2), as Garmin Connect and Strava do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

import numpy as np
from numpy.typing import ArrayLike, NDArray

from loadwatch.samples._series import (
    as_column,
    as_elapsed,
    finite_max,
    finite_mean,
    iso_times,
    lap_start_indices,
    window,
)

_GPX_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx creator={creator} version="1.1" xmlns="http://www.topografix.com/GPX/1/1"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1'
    " http://www.topografix.com/GPX/1/1/gpx.xsd"
    " http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    ' http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd"'
    ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
)

_TCX_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
    ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2'
    ' http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd">\n'
)

_Floats = NDArray[np.float64]


def _fmt(values: _Floats | None, spec: str, n: int) -> list[str | None]:
    """Each value formatted with ``spec``; ``None`` where missing (or no column at all)."""
    if values is None:
        return [None] * n
    return [None if v != v else format(v, spec) for v in values.tolist()]


def _strides(cadence_spm: _Floats | None) -> _Floats | None:
    """Steps per minute to whole strides per minute (halves round up), as the exports write."""
    return None if cadence_spm is None else np.floor(cadence_spm / 2.0 + 0.5)


def write_gpx(
    *,
    start: datetime,
    elapsed_s: ArrayLike,
    lat: ArrayLike,
    lon: ArrayLike,
    altitude_m: ArrayLike | None = None,
    hr_bpm: ArrayLike | None = None,
    cadence_spm: ArrayLike | None = None,
    name: str | None = None,
    activity_type: str | None = "running",
    creator: str = "StravaGPX",
) -> bytes:
    """A GPX 1.1 track with Garmin TrackPointExtension v1 heart rate and cadence.

    Points without a position are left out (GPX cannot hold them).

    Args:
        start: Start time (tz-aware); point times are ``start + elapsed_s``, whole seconds.
        elapsed_s: Seconds since ``start`` of each point; non-decreasing.
        lat: Latitude in degrees.
        lon: Longitude in degrees.
        altitude_m: Elevation (``<ele>``).
        hr_bpm: Heart rate (``gpxtpx:hr``).
        cadence_spm: Steps per minute; written as strides per minute (``gpxtpx:cad``).
        name: Track name (``<trk><name>``), e.g. ``"Morning Run"``.
        activity_type: Track type (``<trk><type>``): ``"running"``, ``"trail_running"``...
        creator: The ``creator`` attribute.

    Returns:
        The file's bytes, UTF-8.
    """
    elapsed = as_elapsed(elapsed_s)
    n = elapsed.size
    latitude = as_column("lat", lat, n)
    longitude = as_column("lon", lon, n)
    if latitude is None or longitude is None:
        raise ValueError("a GPX track needs lat and lon")
    keep = np.isfinite(latitude) & np.isfinite(longitude)
    times = iso_times(start, elapsed)
    lats = _fmt(latitude, ".7f", n)
    lons = _fmt(longitude, ".7f", n)
    eles = _fmt(as_column("altitude_m", altitude_m, n), ".1f", n)
    hrs = _fmt(as_column("hr_bpm", hr_bpm, n), ".0f", n)
    cadence = as_column("cadence_spm", cadence_spm, n)
    cads = _fmt(_strides(cadence), ".0f", n)

    out = [_GPX_HEADER.format(creator=quoteattr(creator))]
    out.append(f" <metadata>\n  <time>{times[0]}</time>\n </metadata>\n <trk>\n")
    if name is not None:
        out.append(f"  <name>{escape(name)}</name>\n")
    if activity_type is not None:
        out.append(f"  <type>{escape(activity_type)}</type>\n")
    out.append("  <trkseg>\n")
    for i in np.flatnonzero(keep).tolist():
        point = [f'   <trkpt lat="{lats[i]}" lon="{lons[i]}">\n']
        if eles[i] is not None:
            point.append(f"    <ele>{eles[i]}</ele>\n")
        point.append(f"    <time>{times[i]}</time>\n")
        if hrs[i] is not None or cads[i] is not None:
            point.append("    <extensions>\n     <gpxtpx:TrackPointExtension>\n")
            if hrs[i] is not None:
                point.append(f"      <gpxtpx:hr>{hrs[i]}</gpxtpx:hr>\n")
            if cads[i] is not None:
                point.append(f"      <gpxtpx:cad>{cads[i]}</gpxtpx:cad>\n")
            point.append("     </gpxtpx:TrackPointExtension>\n    </extensions>\n")
        point.append("   </trkpt>\n")
        out.append("".join(point))
    out.append("  </trkseg>\n </trk>\n</gpx>\n")
    return "".join(out).encode("utf-8")


@dataclasses.dataclass(frozen=True)
class _PointText:
    """Each trackpoint's values as TCX text, ``None`` where missing."""

    times: list[str]
    lats: list[str | None]
    lons: list[str | None]
    alts: list[str | None]
    dists: list[str | None]
    speeds: list[str | None]
    hrs: list[str | None]
    cads: list[str | None]


@dataclasses.dataclass(frozen=True)
class _TcxTrack:
    """A TCX activity's samples: the columns lap totals come from, and the trackpoints' text."""

    start: datetime
    elapsed: _Floats
    distance: _Floats | None
    speed: _Floats | None
    hr: _Floats | None
    cadence: _Floats | None
    points: _PointText


def _tpx(speed: str | None, cadence: str | None) -> str:
    """A trackpoint's ``ns3:TPX`` extension (speed, run cadence); nothing without either."""
    parts = []
    if speed is not None:
        parts.append(f"<ns3:Speed>{speed}</ns3:Speed>")
    if cadence is not None:
        parts.append(f"<ns3:RunCadence>{cadence}</ns3:RunCadence>")
    if not parts:
        return ""
    return "      <Extensions><ns3:TPX>" + "".join(parts) + "</ns3:TPX></Extensions>\n"


def _trackpoint(points: _PointText, i: int) -> str:
    """Trackpoint ``i``: time, then position, altitude, distance and heart rate where known."""
    point = [f"     <Trackpoint>\n      <Time>{points.times[i]}</Time>\n"]
    if points.lats[i] is not None and points.lons[i] is not None:
        point.append(
            f"      <Position><LatitudeDegrees>{points.lats[i]}</LatitudeDegrees>"
            f"<LongitudeDegrees>{points.lons[i]}</LongitudeDegrees></Position>\n"
        )
    if points.alts[i] is not None:
        point.append(f"      <AltitudeMeters>{points.alts[i]}</AltitudeMeters>\n")
    if points.dists[i] is not None:
        point.append(f"      <DistanceMeters>{points.dists[i]}</DistanceMeters>\n")
    if points.hrs[i] is not None:
        point.append(f"      <HeartRateBpm><Value>{points.hrs[i]}</Value></HeartRateBpm>\n")
    point.append(_tpx(points.speeds[i], points.cads[i]))
    point.append("     </Trackpoint>\n")
    return "".join(point)


def _lap_meters(distance: _Floats | None, lo: int, last: int) -> float:
    """Distance from trackpoint ``lo`` to ``last`` (the first lap counts from zero); 0 if none."""
    if distance is None:
        return 0.0
    covered = distance[lo : last + 1][np.isfinite(distance[lo : last + 1])]
    if not covered.size:
        return 0.0
    return float(covered[-1] - (0.0 if lo == 0 else covered[0]))


def _heart_rate_totals(hr: _Floats | None) -> str:
    """A lap's average and maximum heart rate; nothing without any."""
    mean_hr = finite_mean(hr)
    max_hr = finite_max(hr)
    if mean_hr is None or max_hr is None:
        return ""
    return (
        f"    <AverageHeartRateBpm><Value>{mean_hr:.0f}</Value></AverageHeartRateBpm>\n"
        f"    <MaximumHeartRateBpm><Value>{max_hr:.0f}</Value></MaximumHeartRateBpm>\n"
    )


def _lap_extension(seconds: float, meters: float, mean_cadence: float | None) -> str:
    """A lap's ``ns3:LX`` extension: average speed and run cadence (strides per minute)."""
    parts = []
    if seconds > 0:
        parts.append(f"<ns3:AvgSpeed>{meters / seconds:.3f}</ns3:AvgSpeed>")
    if mean_cadence is not None:
        parts.append(f"<ns3:AvgRunCadence>{mean_cadence / 2:.0f}</ns3:AvgRunCadence>")
    if not parts:
        return ""
    return "    <Extensions><ns3:LX>" + "".join(parts) + "</ns3:LX></Extensions>\n"


def _lap(track: _TcxTrack, lo: int, hi: int, last: bool, trigger: str) -> str:
    """One ``Lap`` of trackpoints ``lo:hi``: its totals, its track and its averages.

    A lap runs from its first trackpoint to the next lap's first (the first lap from the
    start); the ``last`` one ends at its own last trackpoint.
    """
    end = hi - 1 if last else hi
    seconds = float(track.elapsed[end] - (0.0 if lo == 0 else track.elapsed[lo]))
    begin = track.elapsed[lo : lo + 1] if lo else np.zeros(1)
    meters = _lap_meters(track.distance, lo, end)
    out = [
        f'   <Lap StartTime="{iso_times(track.start, begin, millis=True)[0]}">\n',
        f"    <TotalTimeSeconds>{seconds:.1f}</TotalTimeSeconds>\n",
        f"    <DistanceMeters>{meters:.2f}</DistanceMeters>\n",
    ]
    top = finite_max(window(track.speed, lo, hi))
    if top is not None:
        out.append(f"    <MaximumSpeed>{top:.3f}</MaximumSpeed>\n")
    out.append(f"    <Calories>{round(70 * meters / 1000)}</Calories>\n")
    out.append(_heart_rate_totals(window(track.hr, lo, hi)))
    out.append(f"    <Intensity>Active</Intensity>\n    <TriggerMethod>{trigger}</TriggerMethod>\n")
    out.append("    <Track>\n")
    out.extend(_trackpoint(track.points, i) for i in range(lo, hi))
    out.append("    </Track>\n")
    out.append(_lap_extension(seconds, meters, finite_mean(window(track.cadence, lo, hi))))
    out.append("   </Lap>\n")
    return "".join(out)


def _creator(name: str, unit_id: int, product_id: int) -> str:
    """The ``Creator`` device element, with a fixed firmware version."""
    return (
        '   <Creator xsi:type="Device_t">\n'
        f"    <Name>{escape(name)}</Name>\n"
        f"    <UnitId>{unit_id}</UnitId>\n"
        f"    <ProductID>{product_id}</ProductID>\n"
        "    <Version><VersionMajor>5</VersionMajor><VersionMinor>20</VersionMinor>"
        "<BuildMajor>0</BuildMajor><BuildMinor>0</BuildMinor></Version>\n"
        "   </Creator>\n"
    )


def write_tcx(
    *,
    start: datetime,
    elapsed_s: ArrayLike,
    distance_m: ArrayLike | None = None,
    speed_mps: ArrayLike | None = None,
    hr_bpm: ArrayLike | None = None,
    cadence_spm: ArrayLike | None = None,
    lat: ArrayLike | None = None,
    lon: ArrayLike | None = None,
    altitude_m: ArrayLike | None = None,
    sport: str = "Running",
    lap_distance_m: float | None = 1000.0,
    lap_starts_s: Sequence[float] | None = None,
    creator_name: str | None = "Forerunner 235",
    creator_unit_id: int = 3_876_543_210,
    creator_product_id: int = 2431,
    notes: str | None = None,
) -> bytes:
    """A TCX v2 activity: laps with totals, trackpoints, ``ns3:TPX`` speed and run cadence.

    Args:
        start: Start time (tz-aware); the activity ``Id`` and first lap's ``StartTime``.
        elapsed_s: Seconds since ``start`` of each trackpoint; non-decreasing.
        distance_m: Cumulative distance (trackpoint and lap ``DistanceMeters``).
        speed_mps: Speed (``ns3:TPX/ns3:Speed``).
        hr_bpm: Heart rate (``HeartRateBpm``).
        cadence_spm: Steps per minute; written as strides per minute (``ns3:RunCadence``).
        lat: Latitude in degrees (with ``lon``; ``Position``).
        lon: Longitude in degrees.
        altitude_m: ``AltitudeMeters``.
        sport: The ``Sport`` attribute: ``"Running"``, ``"Biking"`` or ``"Other"``.
        lap_distance_m: Auto-lap distance; ``None`` for one lap.
        lap_starts_s: Explicit lap start times in elapsed seconds; overrides auto-lap.
        creator_name: Device name (``Creator/Name``); ``None`` leaves ``Creator`` out.
        creator_unit_id: ``Creator/UnitId``.
        creator_product_id: ``Creator/ProductID``.
        notes: Activity ``Notes``.

    Returns:
        The file's bytes, UTF-8.
    """
    elapsed = as_elapsed(elapsed_s)
    n = elapsed.size
    distance = as_column("distance_m", distance_m, n)
    speed = as_column("speed_mps", speed_mps, n)
    hr = as_column("hr_bpm", hr_bpm, n)
    cadence = as_column("cadence_spm", cadence_spm, n)
    latitude = as_column("lat", lat, n)
    longitude = as_column("lon", lon, n)
    points = _PointText(
        times=iso_times(start, elapsed),
        lats=_fmt(latitude, ".7f", n),
        lons=_fmt(longitude, ".7f", n),
        alts=_fmt(as_column("altitude_m", altitude_m, n), ".1f", n),
        dists=_fmt(distance, ".2f", n),
        speeds=_fmt(speed, ".3f", n),
        hrs=_fmt(hr, ".0f", n),
        cads=_fmt(_strides(cadence), ".0f", n),
    )
    track = _TcxTrack(start, elapsed, distance, speed, hr, cadence, points)
    starts = lap_start_indices(elapsed, distance, lap_distance_m, lap_starts_s)
    ends = [*starts[1:], n]
    trigger = "Manual" if lap_starts_s is not None else "Distance"

    out = [_TCX_HEADER, f' <Activities>\n  <Activity Sport="{escape(sport)}">\n']
    out.append(f"   <Id>{iso_times(start, np.zeros(1), millis=True)[0]}</Id>\n")
    out.extend(_lap(track, lo, hi, hi == n, trigger) for lo, hi in zip(starts, ends, strict=True))
    if notes is not None:
        out.append(f"   <Notes>{escape(notes)}</Notes>\n")
    if creator_name is not None:
        out.append(_creator(creator_name, creator_unit_id, creator_product_id))
    out.append("  </Activity>\n </Activities>\n</TrainingCenterDatabase>\n")
    return "".join(out).encode("utf-8")
