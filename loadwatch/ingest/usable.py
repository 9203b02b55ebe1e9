"""Which activities a timeline can use: the believable ones, each of them once.

:func:`unusable` says why a summary cannot be placed in a week (no real date, empty, or a speed
no one reaches); :func:`drop_duplicates` keeps one of each activity recorded in several files
(a watch's FIT and the app's GPX of the same run, say), but not the other runs inside a file
left recording all day; :func:`drop_fragments` then sets aside the runs too short to be runs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from loadwatch.ingest import formats
from loadwatch.ingest.limits import implausible
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.model import DEFAULT_MIN_RUN_M, DEFAULT_MIN_RUN_S, Duplicate, Skipped

#: Two activities of one sport whose time spans overlap by at least this share of the shorter
#: span (one athlete cannot run twice at once)...
DUPLICATE_OVERLAP_FRACTION = 0.8
#: ...and by at least this share of the longer one (a file left recording for hours after a run
#: covers every later run of the day), unless they began within DUPLICATE_TOGETHER_S...
DUPLICATE_OVERLAP_LONGER_FRACTION = 0.5
#: ...of each other: then one is not another activity later inside the other, and the longer
#: span is a phone counting the stops a watch's auto-pause leaves out (the standing rests of an
#: interval session can take longer than the running)...
DUPLICATE_TOGETHER_S = 600.0
#: ...whose moving times, where both files have one, differ by at most this share of the longer
#: (a 4-hour walk within a 7-hour hike of about the same distance moved for much less time)...
DUPLICATE_MOVING_FRACTION = 0.3
#: ...and whose distances differ by at most this share of the longer are one activity recorded
#: twice. The distance check keeps a warm-up file apart from the long run it started with.
DUPLICATE_OVERLAP_DISTANCE_FRACTION = 0.10
#: The same, when either distance is not a GPS device's own total: summed from raw points (a GPX
#: file has no total of its own; jitter often adds 5% or more), or a run without GPS, whose
#: distance a treadmill's belt or a watch's accelerometer estimates, often 10% apart.
DUPLICATE_GPS_DISTANCE_FRACTION = 0.20
#: Also one activity: two of one sport starting this close together...
DUPLICATE_START_S = 60.0
#: ...with distances this close. This catches files too short for their spans to overlap much
#: (a one-minute test recording on two devices) and files without a duration.
DUPLICATE_DISTANCE_FRACTION = 0.03
#: Kept activities spanning longer than this (two days: only damaged files, or a multi-day race)
#: are compared with every candidate instead of widening every candidate's window search.
_INDEXED_SPAN_S = 2 * 86_400.0
#: A run shorter than this (timer or moving time, whichever is longer) is a fragment: a
#: recording started by mistake, or a watch restarted mid-run, not a run of its own
#: (``runs.min_duration_s`` in a config file).
MIN_RUN_S = DEFAULT_MIN_RUN_S
#: A run with a distance shorter than this (m) is a fragment too (``runs.min_distance_m``). A
#: run without any distance (a treadmill run without a foot pod) is judged by its time alone.
MIN_RUN_M = DEFAULT_MIN_RUN_M


def unusable(summary: ActivitySummary) -> str | None:
    """Why an activity cannot be used in a timeline, or ``None`` when it can.

    Its timestamps must be real dates, it must have a distance or a duration, and its totals
    and mean speed must be believable (:func:`~loadwatch.ingest.limits.implausible`). Whether a
    run is long enough to be one is :func:`too_short`'s, asked after duplicates are set aside.
    """
    if summary.relative_time:
        return (
            "its timestamps count from the device's power-on, not a real date, "
            "so it cannot be placed in a week"
        )
    if summary.distance_m <= 0 and summary.duration_s <= 0:
        return "is empty: no distance and no duration"
    return implausible(
        summary.sport,
        distance_m=summary.distance_m,
        elapsed_s=max(summary.duration_s, summary.moving_s),
        ascent_m=summary.elev_gain_m,
        hr_bpm=summary.hr_p99,
    )


def too_short(
    summary: ActivitySummary, *, min_run_s: float = MIN_RUN_S, min_run_m: float = MIN_RUN_M
) -> str | None:
    """Why a run is too short to count as one, or ``None`` when it is long enough (or no run).

    A fragment of a few seconds would count as a run of 0 km, and a run is what the frequency
    rule counts: one broken recording would raise a week's runs by one. Other sports have no
    minimum: they are not counted in the weekly figures, and a short ride is more often real.

    Args:
        summary: The activity.
        min_run_s: The shortest run, in seconds of timer or moving time (0: no minimum).
        min_run_m: The shortest run with a distance, in metres (0: no minimum); a run without
            any distance (a treadmill run without a foot pod) is judged by its time alone.
    """
    if summary.sport != "running":
        return None
    elapsed = max(summary.duration_s, summary.moving_s, 0.0)
    metres = max(summary.distance_m, 0.0)
    if elapsed >= min_run_s and (metres <= 0 or metres >= min_run_m):
        return None
    return f"is too short to be a run ({_duration(elapsed)}, {metres:,.0f} m)"


def drop_fragments(
    summaries: Iterable[ActivitySummary],
    *,
    min_run_s: float = MIN_RUN_S,
    min_run_m: float = MIN_RUN_M,
) -> tuple[list[ActivitySummary], list[Skipped]]:
    """Set aside the runs :func:`too_short` to be runs, each with its reason.

    Asked after :func:`drop_duplicates`, so that a fragment recorded by two devices is one
    fragment skipped and its copy a duplicate of it, not two fragments.

    Returns:
        The activities kept, in their order, and the fragments set aside.
    """
    kept: list[ActivitySummary] = []
    fragments: list[Skipped] = []
    for summary in summaries:
        reason = too_short(summary, min_run_s=min_run_s, min_run_m=min_run_m)
        if reason is None:
            kept.append(summary)
        else:
            fragments.append(Skipped(summary.source, reason))
    return kept, fragments


def _duration(seconds: float) -> str:
    """``13.7 s`` under a minute, else ``1:45`` (minutes:seconds)."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def drop_duplicates(
    summaries: Iterable[ActivitySummary],
) -> tuple[list[ActivitySummary], list[Duplicate]]:
    """Keep one of each activity recorded in several files.

    Two activities of the same sport are one activity when their time spans (start plus timer
    or moving time, whichever is longer) overlap by at least :data:`DUPLICATE_OVERLAP_FRACTION`
    of the shorter span and :data:`DUPLICATE_OVERLAP_LONGER_FRACTION` of the longer (unless they
    began within :data:`DUPLICATE_TOGETHER_S` of each other), their moving times differ by at
    most :data:`DUPLICATE_MOVING_FRACTION` of the longer (when both are known) and their
    distances differ by at most :data:`DUPLICATE_OVERLAP_DISTANCE_FRACTION` of the longer
    (:data:`DUPLICATE_GPS_DISTANCE_FRACTION` when either distance is not a device's GPS total:
    a GPX file's, summed from its points, or a run's without GPS); or when they start within
    :data:`DUPLICATE_START_S` of each other and their distances differ by at most
    :data:`DUPLICATE_DISTANCE_FRACTION`. The richest is kept: the format of lowest ``rank`` in
    the registry (:mod:`~loadwatch.ingest.formats`: FIT over TCX over GPX), then the one with
    more samples, then the first by path.

    Returns:
        The activities kept, sorted by start, and the ones dropped.
    """
    ranked = sorted(summaries, key=_richness)
    kept: list[ActivitySummary] = []
    by_start: list[tuple[float, int]] = []  # (start, index in kept), sorted: a window search
    unindexed: list[int] = []  # kept activities spanning over _INDEXED_SPAN_S
    reach = DUPLICATE_START_S  # the longest indexed span: how far back a twin can start
    duplicates: list[Duplicate] = []
    for candidate in ranked:
        start = candidate.start.timestamp()
        span = _span_s(candidate)
        low = bisect.bisect_left(by_start, (start - reach, -1))
        high = bisect.bisect_right(by_start, (start + max(span, DUPLICATE_START_S), len(kept)))
        near = sorted([*(index for _, index in by_start[low:high]), *unindexed])  # richest first
        twin = next((kept[i] for i in near if _same_activity(kept[i], candidate)), None)
        if twin is not None:
            duplicates.append(Duplicate(candidate.source, twin.source))
            continue
        if span > _INDEXED_SPAN_S:
            unindexed.append(len(kept))
        else:
            bisect.insort(by_start, (start, len(kept)))
            reach = max(reach, span)
        kept.append(candidate)
    kept.sort(key=lambda s: (s.start, s.source))
    duplicates.sort(key=lambda d: d.source)
    return kept, duplicates


def _richness(summary: ActivitySummary) -> tuple[int, int, str]:
    return (formats.duplicate_rank(summary.format), -summary.samples, summary.source)


def _span_s(summary: ActivitySummary) -> float:
    """How long the activity lasted, as far as its summary knows.

    The summary keeps no end time: timer time leaves pauses out, but two copies of one activity
    leave out the same pauses, and both start together.
    """
    return max(summary.duration_s, summary.moving_s, 0.0)


def _same_activity(a: ActivitySummary, b: ActivitySummary) -> bool:
    if a.sport != b.sport:
        return False
    start_a, start_b = a.start.timestamp(), b.start.timestamp()
    if abs(start_a - start_b) <= DUPLICATE_START_S and _distances_agree(
        a, b, DUPLICATE_DISTANCE_FRACTION
    ):
        return True
    span_a, span_b = _span_s(a), _span_s(b)
    shorter, longer = min(span_a, span_b), max(span_a, span_b)
    if shorter <= 0:
        return False
    overlap = min(start_a + span_a, start_b + span_b) - max(start_a, start_b)
    if overlap < DUPLICATE_OVERLAP_FRACTION * shorter:
        return False
    together = abs(start_a - start_b) <= DUPLICATE_TOGETHER_S
    if not together and overlap < DUPLICATE_OVERLAP_LONGER_FRACTION * longer:
        return False  # one file covers a longer stretch of the day, with this one inside it
    moving = (a.moving_s, b.moving_s)
    if min(moving) > 0 and max(moving) - min(moving) > DUPLICATE_MOVING_FRACTION * max(moving):
        return False
    tolerance = DUPLICATE_OVERLAP_DISTANCE_FRACTION
    if not (_device_gps_total(a) and _device_gps_total(b)):
        tolerance = DUPLICATE_GPS_DISTANCE_FRACTION
    return _distances_agree(a, b, tolerance)


def _device_gps_total(summary: ActivitySummary) -> bool:
    """Whether the distance is a device's own GPS total: not a sum of raw points (a GPX's, or
    any format's whose entry says ``summed_distance``), nor a run without GPS (a treadmill),
    whose distance is an estimate."""
    indoor_run = summary.sport == "running" and summary.track_lat.size == 0
    entry = formats.find(summary.format)
    summed = entry is not None and entry.summed_distance
    return not summed and not indoor_run


def _distances_agree(a: ActivitySummary, b: ActivitySummary, fraction: float) -> bool:
    """Whether the distances differ by at most ``fraction`` of the longer (two zeros agree)."""
    longer = max(a.distance_m, b.distance_m)
    return abs(a.distance_m - b.distance_m) <= fraction * longer
