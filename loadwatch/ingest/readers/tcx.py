"""TCX reader: one :class:`~loadwatch.ingest.activity.Activity` per ``<Activity>``, standard
library only.

Garmin's Training Center Database v2, matched on local element names so that any namespace
prefix (``ns3:TPX``, ``x:TPX``, a default namespace on ``<TPX>``) or none works.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from xml.parsers import expat

import numpy as np
import numpy.typing as npt
import pandas as pd

from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    NotAnActivityError,
    UnsupportedFileError,
)
from loadwatch.ingest.activity import Activity, make_samples, normalise_sport
from loadwatch.ingest.geo import cumulative_distance_m, valid_positions
from loadwatch.ingest.limits import check_xml_points
from loadwatch.ingest.readers._tcxstream import ActivityTexts, read_activity_texts
from loadwatch.ingest.readers._xml import (
    child,
    children,
    decode_xml,
    implausible_times_note,
    inspect_prolog,
    local_name,
    order_by_time,
    parse_float,
    parse_floats,
    raise_malformed,
    steps_per_minute,
    usable_times,
)

FloatArray = npt.NDArray[np.float64]

_FOOT_SPORTS = ("running", "walking")
# An Id or lap start more than this before the first trackpoint is not this activity's start.
_MAX_START_LEAD = pd.Timedelta(hours=24)


def read_tcx(data: bytes, source: str) -> list[Activity]:
    """Read every recorded activity in a TCX file.

    Samples come from each ``Trackpoint``: ``Time``, ``Position``, ``AltitudeMeters``,
    ``DistanceMeters`` (the device's cumulative distance; when no trackpoint has one, it is
    computed from positions, not across ``<Track>`` breaks, which are pauses), ``HeartRateBpm``,
    and from the ActivityExtension ``TPX``: ``Speed`` and ``RunCadence``. ``RunCadence`` counts
    one leg's strides (the corpus Garmin run has 70-92 at 2.8 m/s), so it is doubled to steps
    per minute, as is ``Cadence`` on a run or walk; on other sports ``Cadence`` is kept as is
    (crank rpm). Totals come from the laps: ``timer_s`` sums ``Lap/TotalTimeSeconds`` and
    ``distance_m`` sums ``Lap/DistanceMeters``. ``name`` is the activity's ``Notes`` (TCX has
    no name), ``device`` its ``Creator/Name``, ``start`` its ``Id`` (a timestamp), else the first
    lap's ``StartTime``, else the first sample (an ``Id`` after the first sample or more than a
    day before it is not used). Trackpoints stay in file order; one whose time goes backwards is
    a clock glitch and is dropped, with a warning. A track where at most half the points would be
    left in order is written in another order (newest first, say) and is put in order by its
    times instead, none dropped (see :func:`~loadwatch.ingest.readers._xml.order_by_time`).

    Broken XML is refused as a whole, with its line: the one malformed file in the corpus lost its
    root element, and a file cut short loses the laps' totals, so a partial read would quietly
    undercount the activity. The user is asked to export it again instead.

    Args:
        data: The file's bytes.
        source: Where the bytes came from, for errors and ``Activity.source``.

    Returns:
        One activity per ``<Activity>`` with timed trackpoints, in file order; activities
        without them are dropped as long as one activity has them.

    Raises:
        CorruptFileError: Broken XML, or a DTD/entity declaration (refused for safety).
        UnsupportedFileError: Well-formed XML whose root is not ``<TrainingCenterDatabase>``.
        NotAnActivityError: Only courses or workouts (plans), or no activity at all.
        EmptyActivityError: Activities, but none with timed trackpoints.
    """
    return _read(data, source, fast=True)


def read_tcx_reference(data: bytes, source: str) -> list[Activity]:
    """Read a TCX file as :func:`read_tcx` does, but from the whole document's tree.

    The reference the streaming path is tested and measured against, and the reader of every
    file that path declines; the same checks, errors and activities, only slower.
    """
    return _read(data, source, fast=False)


def _read(data: bytes, source: str, *, fast: bool) -> list[Activity]:
    """The safety checks, then the streaming path when it takes the file, else the tree."""
    prolog = inspect_prolog(data, source, "TCX")
    wide = b"\0" in data[:4]  # UTF-16 or UTF-32: count the points in the text
    check_xml_points(decode_xml(data, source, prolog.encoding) if wide else data, "tcx", source)
    texts = read_activity_texts(data, prolog.encoding) if fast else None
    if texts is None:
        texts = _texts_from_tree(_parse(data, source), source)
    activities: list[Activity] = []
    empty: list[EmptyActivityError] = []
    for activity in texts:
        try:
            activities.append(_read_activity(activity, source))
        except EmptyActivityError as e:
            empty.append(e)
    if not activities:
        raise empty[0]
    return activities


def _texts_from_tree(root: ET.Element, source: str) -> list[ActivityTexts]:
    """Every activity's texts, taken from the document's tree."""
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise UnsupportedFileError(
            f"is not a TCX file: its root element is <{local_name(root.tag)}>, not "
            "<TrainingCenterDatabase>",
            path=source,
        )
    elements = [element for element in root.iter() if local_name(element.tag) == "Activity"]
    if not elements:
        plans = {local_name(element.tag) for element in root.iter()} & {"Course", "Workout"}
        if plans:
            kinds = " and ".join(sorted(f"{kind.lower()}s" for kind in plans))
            raise NotAnActivityError(
                f"holds {kinds}, which are plans, not a recorded activity", path=source
            )
        raise NotAnActivityError("holds no activity", path=source)
    return [_activity_texts(element) for element in elements]


def _parse(data: bytes, source: str) -> ET.Element:
    """Parse the whole document (already checked to declare no DTD, so no entities)."""
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as e:
        line, column = e.position
        raise_malformed(source, "TCX", expat.errors.messages[e.code], line, column)
    except (LookupError, ValueError) as e:  # an encoding unknown to Python, or unusable by expat
        raise CorruptFileError(
            f"cannot be decoded ({e}); save it again as UTF-8", path=source
        ) from e


def _activity_texts(activity: ET.Element) -> ActivityTexts:
    """One ``<Activity>`` element's texts, as the streaming path gives them."""
    texts = ActivityTexts(
        sport=activity.get("Sport"),
        id=_text(activity, "Id"),
        notes=_text(activity, "Notes"),
        creator_name=_text(child(activity, "Creator"), "Name"),
    )
    track_no = 0
    for lap in children(activity, "Lap"):
        laps = texts.laps
        laps.append(
            [lap.get("StartTime"), _text(lap, "TotalTimeSeconds"), _text(lap, "DistanceMeters")]
        )
        for track in children(lap, "Track"):
            track_no += 1
            for point in children(track, "Trackpoint"):
                _add_point(texts, point, track_no)
    return texts


def _add_point(texts: ActivityTexts, point: ET.Element, track_no: int) -> None:
    """Append one ``<Trackpoint>``'s texts, read from its child elements, as part of a track."""
    position = child(point, "Position")
    texts.time.append(_text(point, "Time"))
    texts.lat.append(_text(position, "LatitudeDegrees"))
    texts.lon.append(_text(position, "LongitudeDegrees"))
    texts.altitude.append(_text(point, "AltitudeMeters"))
    texts.distance.append(_text(point, "DistanceMeters"))
    texts.hr.append(_text(child(point, "HeartRateBpm"), "Value"))
    texts.cadence.append(_text(point, "Cadence"))
    speed, run_cadence = _tpx(point)
    texts.speed.append(speed)
    texts.run_cadence.append(run_cadence)
    texts.segment.append(track_no)


def _read_activity(texts: ActivityTexts, source: str) -> Activity:
    """Build one activity from an ``<Activity>``'s texts."""
    sport_word = _clean(texts.sport)
    sport = normalise_sport(sport_word)
    timer_s: float | None = None
    distance_m: float | None = None
    for _, lap_time, lap_distance in texts.laps:
        timer_s = _add(timer_s, parse_float(lap_time))
        distance_m = _add(distance_m, parse_float(lap_distance))
    times = _times(texts.time)
    ordered = order_by_time(times, texts.segment)
    if ordered.times.empty:
        raise EmptyActivityError(_why_untimed(times, bool(texts.laps)), path=source)
    warnings = list(ordered.warnings)
    column = ordered.column
    time_a = ordered.times
    elapsed = (time_a.iloc[-1] - time_a.iloc[0]).total_seconds()
    if elapsed <= 0 and not (timer_s or distance_m):
        raise EmptyActivityError(
            "has no duration: its one timed moment has no lap time or distance", path=source
        )

    lat_a, lon_a = column(parse_floats(texts.lat)), column(parse_floats(texts.lon))
    bad_position = ~valid_positions(lat_a, lon_a)
    lat_a[bad_position] = np.nan
    lon_a[bad_position] = np.nan
    distance_a = column(parse_floats(texts.distance))
    if not np.isfinite(distance_a).any():
        segment_a = ordered.labels(texts.segment)
        distance_a = cumulative_distance_m(lat_a, lon_a, segment_a)
    hr_a = column(parse_floats(texts.hr))
    hr_a[hr_a <= 0] = np.nan  # 0 bpm is a lost strap, not a reading
    speed_a = column(parse_floats(texts.speed))
    speed_a[speed_a < 0] = np.nan

    cadence = column(parse_floats(texts.cadence))
    run_cadence = column(parse_floats(texts.run_cadence))
    samples = make_samples(
        {
            "time": time_a,
            "distance_m": distance_a,
            "speed_mps": speed_a,
            "hr_bpm": hr_a,
            "cadence_spm": _cadence_spm(cadence, run_cadence, sport),
            "lat": lat_a,
            "lon": lon_a,
            "altitude_m": column(parse_floats(texts.altitude)),
        }
    )
    return Activity(
        sport=sport,
        sub_sport=None,
        start=_start(texts, samples["time"].iloc[0]).to_pydatetime(),
        source=source,
        samples=samples,
        format="tcx",
        device=_clean(texts.creator_name),
        name=_clean(texts.notes),
        activity_type=sport_word.lower() if sport_word else None,
        timer_s=timer_s,
        distance_m=distance_m,
        warnings=tuple(warnings),
    )


def _cadence_spm(cadence: FloatArray, run_cadence: FloatArray, sport: str) -> FloatArray:
    """Steps per minute for foot sports (one-leg values doubled), the file's rpm otherwise."""
    has_run_cadence = bool(np.isfinite(run_cadence).any())
    if sport not in _FOOT_SPORTS and not has_run_cadence:
        return cadence
    fallback = cadence if sport in _FOOT_SPORTS else np.full_like(cadence, np.nan)
    one_leg = np.where(np.isfinite(run_cadence), run_cadence, fallback)
    return steps_per_minute(one_leg, sport if sport in _FOOT_SPORTS else "running")


def _why_untimed(times: pd.Series, has_laps: bool) -> str:
    """Why an activity has no usable trackpoint time, in a runner's words."""
    if times.empty:
        if has_laps:
            return (
                "has laps but no trackpoints, so it cannot be placed in a week or measured; "
                "export it again with its track"
            )
        return "has no laps or trackpoints, so there is nothing to count"
    note = implausible_times_note(times)
    if note:
        return (
            f"has no usable timestamps (they say {note}, which no GPS recording can), so it "
            "cannot be placed in a week"
        )
    return "has no timestamps, so it cannot be placed in a week"


def _start(texts: ActivityTexts, first_sample: pd.Timestamp) -> pd.Timestamp:
    """The ``Id`` when it is a plausible time, else the first lap's start, else the first sample.

    A candidate after the first sample, or more than a day before it, is not this activity's
    start (an upload or export time, a clock error) and is passed over.
    """
    candidates = _times([texts.id] + [lap[0] for lap in texts.laps[:1]])
    for candidate in candidates[usable_times(candidates)]:
        if first_sample - _MAX_START_LEAD <= candidate <= first_sample:
            return pd.Timestamp(candidate)
    return first_sample


def _times(texts: list[str | None]) -> pd.Series:
    """ISO 8601 texts as UTC times (no zone means UTC), NaT where unreadable."""
    return pd.to_datetime(
        pd.Series(texts, dtype=object), utc=True, format="ISO8601", errors="coerce"
    )


def _tpx(point: ET.Element) -> tuple[str | None, str | None]:
    """Speed and RunCadence from a trackpoint's ActivityExtension ``TPX``: the text of the first
    readable one of each, None when there is none."""
    speed = run_cadence = None
    extensions = child(point, "Extensions")
    if extensions is None:
        return speed, run_cadence
    for element in extensions.iter():
        name = local_name(element.tag)
        if name == "Speed" and math.isnan(parse_float(speed)):
            speed = element.text
        elif name == "RunCadence" and math.isnan(parse_float(run_cadence)):
            run_cadence = element.text
    return speed, run_cadence


def _text(element: ET.Element | None, name: str) -> str | None:
    """The text of the first direct child with this local name, or ``None``."""
    found = child(element, name)
    return None if found is None else found.text


def _add(total: float | None, value: float) -> float | None:
    """Add a lap's value to a running total, ignoring missing and negative values."""
    if math.isnan(value) or value < 0:
        return total
    return (total or 0.0) + value


def _clean(text: str | None) -> str | None:
    """Stripped text, or ``None`` when missing or blank."""
    if text is None:
        return None
    return text.strip() or None
