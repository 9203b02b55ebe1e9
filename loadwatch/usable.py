"""Which activities a timeline can use: the believable ones, each of them once.

:func:`unusable` says why a summary cannot be placed in a week (no real date, empty, or a speed
no one reaches); :func:`drop_duplicates` keeps one of each activity recorded in several files
(a watch's FIT and the app's GPX of the same run, say).
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable

from loadwatch.summary import ActivitySummary

#: Two activities of one sport starting this close together...
DUPLICATE_START_S = 60.0
#: ...with distances this close (relative to the longer) are the same activity recorded twice.
DUPLICATE_DISTANCE_FRACTION = 0.03
#: Fastest believable mean speed of a whole activity, by sport (m/s): a damaged file can
#: claim thousands of km in seconds, which would wreck every weekly figure after it.
MAX_MEAN_SPEED_MPS: dict[str, float] = {
    "running": 12.0,  # 43 km/h: faster than any sprint, let alone a run
    "walking": 12.0,
    "swimming": 5.0,
    "cycling": 30.0,  # 108 km/h
    "strength": 30.0,
    "other": 100.0,  # 360 km/h
}
#: When the same activity is in several files, keep the richest format.
FORMAT_RANK: dict[str, int] = {"fit": 0, "tcx": 1, "gpx": 2}


@dataclasses.dataclass(frozen=True)
class Duplicate:
    """An activity left out because another file holds the same one."""

    source: str
    duplicate_of: str


def unusable(summary: ActivitySummary) -> str | None:
    """Why an activity cannot be used in a timeline, or ``None`` when it can.

    Its timestamps must be real dates, it must have a distance or a duration, and its mean speed
    must be believable for its sport (:data:`MAX_MEAN_SPEED_MPS`).
    """
    if summary.relative_time:
        return (
            "its timestamps count from the device's power-on, not a real date, "
            "so it cannot be placed in a week"
        )
    if summary.distance_m <= 0 and summary.duration_s <= 0:
        return "is empty: no distance and no duration"
    limit = MAX_MEAN_SPEED_MPS.get(summary.sport, MAX_MEAN_SPEED_MPS["other"])
    elapsed = max(summary.duration_s, summary.moving_s)
    if summary.distance_m > 0 and elapsed <= 0:
        return f"has {summary.distance_m:,.0f} m but no duration: its times are all the same"
    if summary.distance_m > 0 and summary.distance_m / elapsed > limit:
        return (
            f"is not believable: {summary.distance_m / 1000:,.1f} km at "
            f"{summary.distance_m / elapsed * 3.6:,.0f} km/h for {summary.sport}; the file is "
            "probably damaged (export it again)"
        )
    return None


def drop_duplicates(
    summaries: Iterable[ActivitySummary],
) -> tuple[list[ActivitySummary], list[Duplicate]]:
    """Keep one of each activity recorded in several files.

    Two activities of the same sport that start within :data:`DUPLICATE_START_S` of each other
    and whose distances differ by at most :data:`DUPLICATE_DISTANCE_FRACTION` of the longer are
    one activity. The richest is kept: FIT over TCX over GPX, then the one with more samples,
    then the first by path.

    Returns:
        The activities kept, sorted by start, and the ones dropped.
    """
    ranked = sorted(summaries, key=_richness)
    kept: list[ActivitySummary] = []
    by_start: list[tuple[float, int]] = []  # (start, index in kept), sorted: a window search
    duplicates: list[Duplicate] = []
    for candidate in ranked:
        start = candidate.start.timestamp()
        low = bisect.bisect_left(by_start, (start - DUPLICATE_START_S, -1))
        high = bisect.bisect_right(by_start, (start + DUPLICATE_START_S, len(kept)))
        near = sorted(index for _, index in by_start[low:high])  # richest first, as before
        twin = next((kept[i] for i in near if _same_activity(kept[i], candidate)), None)
        if twin is None:
            bisect.insort(by_start, (start, len(kept)))
            kept.append(candidate)
        else:
            duplicates.append(Duplicate(candidate.source, twin.source))
    kept.sort(key=lambda s: (s.start, s.source))
    duplicates.sort(key=lambda d: d.source)
    return kept, duplicates


def _richness(summary: ActivitySummary) -> tuple[int, int, str]:
    return (FORMAT_RANK.get(summary.format, 9), -summary.samples, summary.source)


def _same_activity(a: ActivitySummary, b: ActivitySummary) -> bool:
    if a.sport != b.sport:
        return False
    if abs((a.start - b.start).total_seconds()) > DUPLICATE_START_S:
        return False
    longer = max(a.distance_m, b.distance_m)
    return abs(a.distance_m - b.distance_m) <= DUPLICATE_DISTANCE_FRACTION * longer
