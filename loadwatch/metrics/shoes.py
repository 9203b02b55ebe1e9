"""Shoes: which pair each run was in, how far each pair has gone, and when it is past its limit.

Two sources say which shoe a run was in: the ``[[shoes]]`` tables of the config (a name and the
days it was in use, read by :mod:`loadwatch.settings.shoes`) and, where the analysed folder (or a
zip export in it) holds a Strava bulk export's ``activities.csv``, its gear column matched to
the activity files by their path (read with the files, by :mod:`loadwatch.ingest.gear`).
Everything here is a pure function over the timeline. See ``docs/metrics.md`` ("Shoes").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from loadwatch.fields import ACTIVITY_FIELDS, Frame, columns
from loadwatch.model import Duplicate, ShoeStatus
from loadwatch.settings.shoes import DEFAULT_SHOE_LIMIT_KM, Shoe

#: Timeline columns :func:`assign_gear` adds.
GEAR_TIMELINE_COLUMNS: tuple[str, ...] = columns(ACTIVITY_FIELDS, Frame.GEAR)

_PART = re.compile(r"#\d+$")


def gear_through_duplicates(
    strava_gear: Mapping[str, str], duplicates: Sequence[Duplicate]
) -> dict[str, str]:
    """Strava's gear, also under the file kept for each activity set aside as a duplicate.

    The same run from the watch (a FIT file, kept) and from a Strava export (a GPX, set aside)
    has its gear only on the Strava copy: without this, the kept run would lose its shoe, and
    the shoe's distance would be short by every run synced both ways. Gear the kept file has
    of its own wins.
    """
    gear = dict(strava_gear)
    for duplicate in duplicates:
        named = gear.get(_PART.sub("", duplicate.source))
        kept = _PART.sub("", duplicate.duplicate_of)
        if named is not None and kept not in gear:
            gear[kept] = named
    return gear


def assign_gear(
    timeline: pd.DataFrame,
    *,
    shoes: Sequence[Shoe] = (),
    strava_gear: Mapping[str, str] | None = None,
    default_limit_km: float = DEFAULT_SHOE_LIMIT_KM,
) -> pd.DataFrame:
    """Add ``gear``, ``shoe_km`` and ``shoe_limit_km`` to a timeline (a new frame).

    ``gear`` is Strava's gear for the activity's file when it names one, else (for runs) the
    first ``[[shoes]]`` entry whose days of use cover the run's local date, else ``None``.
    ``shoe_km`` is, for runs in a shoe, the shoe's running distance up to and including that
    run (in start order); ``shoe_limit_km`` its limit: the config's for a shoe of that name
    (any case), else ``default_limit_km``. Other activities keep Strava's gear but have no
    shoe distance.

    Args:
        timeline: One row per activity with ``start`` (local), ``sport``, ``distance_km`` and
            ``source``, sorted by start.
        shoes: The config's shoes, in order.
        strava_gear: Activity file label -> gear, as a scan found it in Strava's
            ``activities.csv`` (:attr:`loadwatch.ingest.scan.Scan.gear`).
        default_limit_km: Limit of a shoe the config does not list.
    """
    frame = timeline.copy()
    gear_of = strava_gear or {}
    limits = {shoe.name.casefold(): shoe.limit_km for shoe in reversed(shoes)}
    runs = (frame["sport"] == "running").to_numpy()
    days = [pd.Timestamp(s).date() for s in frame["start"]]
    gear: list[str | None] = []
    for source, day, is_run in zip(frame["source"], days, runs, strict=True):
        named = gear_of.get(_PART.sub("", str(source)))
        if named is None and is_run:
            named = next((shoe.name for shoe in shoes if shoe.covers(day)), None)
        gear.append(named)
    frame["gear"] = pd.Series(gear, index=frame.index, dtype="object")
    distance = frame["distance_km"].astype("float64").fillna(0.0).to_numpy()
    shoe_km = np.full(len(frame), np.nan)
    shoe_limit = np.full(len(frame), np.nan)
    totals: dict[str, float] = {}
    for position, (name, is_run) in enumerate(zip(gear, runs, strict=True)):
        if name is None or not is_run:
            continue
        key = name.casefold()
        totals[key] = totals.get(key, 0.0) + float(distance[position])
        shoe_km[position] = totals[key]
        shoe_limit[position] = limits.get(key, default_limit_km)
    frame["shoe_km"] = shoe_km
    frame["shoe_limit_km"] = shoe_limit
    return frame


def shoe_status(timeline: pd.DataFrame) -> list[ShoeStatus]:
    """Each shoe's runs, distance and limit, from a timeline that :func:`assign_gear` filled.

    Returns:
        One entry per shoe (names compared in any case; the first spelling is kept), in the
        order of their first run.
    """
    if "shoe_km" not in timeline.columns:
        return []
    runs = timeline[timeline["shoe_km"].notna()]
    result: dict[str, dict[str, Any]] = {}
    for _, row in runs.iterrows():
        key = str(row["gear"]).casefold()
        day = pd.Timestamp(row["start"]).date()
        entry = result.setdefault(
            key, {"name": str(row["gear"]), "runs": 0, "first_run": day, "last_run": day}
        )
        entry["runs"] += 1
        entry["distance_km"] = float(row["shoe_km"])
        entry["limit_km"] = float(row["shoe_limit_km"])
        entry["last_run"] = day
    return [ShoeStatus(**entry) for entry in result.values()]
