"""Garmin "export your data" summaries: ``DI_CONNECT/DI-Fitness/*_summarizedActivities.json``.

Garmin's account export (``DI_CONNECT/...``) holds the original FIT files, zipped inside zips
under ``DI-Connect-Uploaded-Files`` (discovery reads those like any nested archive), and one
``<user>_0_summarizedActivities.json`` per batch listing every activity of the account, also
those whose file is not in the export (typed in by hand, from an app that uploaded no file).
No real archive was at hand when this reader was written: its layout and field names come from
descriptions of the export, and the tests build a small one from that layout.

What is read of each entry of ``summarizedActivitiesExport``: ``activityType`` (or
``sportType``), ``name``, ``startTimeGmt`` (milliseconds since 1970, UTC), ``duration``
(milliseconds; ``movingDuration`` when there is none), ``distance`` (centimetres) and
``elevationGain`` (centimetres). Each becomes a summary-only activity: two samples, at its start
and its end, with the distance between them, and the warning that it has no samples. An
activity whose FIT file is in the export too is the same activity, matched by start time and
distance through the duplicate check, and the FIT file (the lowest rank) is kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from loadwatch.errors import EmptyActivityError, NotAnActivityError
from loadwatch.ingest.activity import Activity, make_samples, normalise_sport
from loadwatch.ingest.readers._json import load_json_array, number
from loadwatch.ingest.readers._xml import usable_times

_FORMAT = "Garmin summary"
_KEY = "summarizedActivitiesExport"
_CM = 0.01
_MS = 0.001
SUMMARY_ONLY_NOTE = (
    "from Garmin's summary of the account: its file is not in the export, so only its "
    "totals are known"
)


def read_garmin_summary(data: bytes, source: str) -> list[Activity]:
    """Read every activity a ``summarizedActivities.json`` lists, as summary-only activities.

    Raises:
        CorruptFileError: Broken JSON or not valid text.
        NotAnActivityError: No ``summarizedActivitiesExport`` list.
        EmptyActivityError: Entries, but none with a start time and a duration or distance.
    """
    document = load_json_array(data, source, _FORMAT)
    entries = [
        entry
        for block in document
        if isinstance(block, dict) and isinstance(block.get(_KEY), list)
        for entry in block[_KEY]
        if isinstance(entry, dict)
    ]
    if not entries:
        raise NotAnActivityError("is a Garmin summary without any activity", path=source)
    activities = [
        activity for entry in entries if (activity := _activity(entry, source)) is not None
    ]
    if not activities:
        raise EmptyActivityError(
            "is a Garmin summary whose activities have no start time, duration or distance",
            path=source,
        )
    return activities


def _activity(entry: dict[str, Any], source: str) -> Activity | None:
    """One entry as a summary-only activity; None without a start or anything to count."""
    start_ms = number(entry.get("startTimeGmt", entry.get("beginTimestamp")))
    if not np.isfinite(start_ms):
        return None
    start = pd.Timestamp(int(start_ms), unit="ms", tz="UTC")
    if not usable_times(pd.Series([start]))[0]:
        return None
    duration = _first_positive(entry.get("duration"), entry.get("movingDuration"))
    distance = _first_positive(entry.get("distance"))
    if duration is None and distance is None:
        return None
    seconds = (duration or 0.0) * _MS
    metres = None if distance is None else distance * _CM
    samples = make_samples(
        {
            "time": pd.Series([start, start + pd.Timedelta(seconds=seconds)]),
            "distance_m": [0.0, metres if metres is not None else np.nan],
        }
    )
    words = [_text(entry.get(key)) for key in ("activityType", "sportType")]
    ascent = _first_positive(entry.get("elevationGain"))
    return Activity(
        sport=normalise_sport(*words),
        sub_sport=None,
        start=start.to_pydatetime(),
        source=source,
        samples=samples,
        format="garmin_summary",
        device=None,
        name=_text(entry.get("name"), keep_case=True),
        activity_type=next((word for word in words if word), None),
        timer_s=seconds if duration is not None else None,
        distance_m=metres,
        ascent_m=None if ascent is None else ascent * _CM,
        warnings=(SUMMARY_ONLY_NOTE,),
    )


def _first_positive(*values: object) -> float | None:
    """The first value that is a positive number, or None."""
    for value in values:
        result = number(value)
        if np.isfinite(result) and result > 0:
            return result
    return None


def _text(value: object, *, keep_case: bool = False) -> str | None:
    """A stripped string (lower-case unless ``keep_case``), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip() if keep_case else value.strip().lower()
