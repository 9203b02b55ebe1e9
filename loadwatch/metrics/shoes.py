"""Shoes: which pair each run was in, how far each pair has gone, and when it is past its limit.

Two sources say which shoe a run was in: the ``[[shoes]]`` tables of the config (a name and the
days it was in use, read by :mod:`loadwatch.settings.shoes`) and, where the analysed folder (or a
zip export in it) holds a Strava bulk export's ``activities.csv``, its gear column matched to
the activity files by their path. Reading ``activities.csv`` belongs with discovery: it is
read-only and never writes into the folder.
Everything else here is a pure function over the timeline. See ``docs/metrics.md`` ("Shoes").
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loadwatch.errors import SourceError
from loadwatch.ingest.sources import iter_files
from loadwatch.model import ShoeStatus
from loadwatch.settings.shoes import DEFAULT_SHOE_LIMIT_KM, Shoe

#: The file of a Strava bulk export that lists every activity with its gear.
STRAVA_ACTIVITIES_CSV = "activities.csv"
#: An ``activities.csv`` larger than this is not a Strava export (ten years are a few MB).
MAX_CSV_BYTES = 64 * 1024 * 1024
#: Columns of ``activities.csv`` that name the gear, and the activity file (lower case).
GEAR_COLUMNS: tuple[str, ...] = ("activity gear", "gear")
FILENAME_COLUMNS: tuple[str, ...] = ("filename", "file name")
#: Timeline columns :func:`assign_gear` adds.
GEAR_TIMELINE_COLUMNS: tuple[str, ...] = ("gear", "shoe_km", "shoe_limit_km")

_TOLERANCE = 1e-9
_PART = re.compile(r"#\d+$")


@dataclasses.dataclass(frozen=True)
class StravaGear:
    """What the ``activities.csv`` files under a folder say about gear.

    Attributes:
        gear: Activity file label (as :func:`loadwatch.ingest.sources.iter_sources` names it) ->
            gear.
        problems: ``(csv label, message)`` for each file that could not be used.
    """

    gear: Mapping[str, str]
    problems: tuple[tuple[str, str], ...] = ()


# --- Strava's activities.csv: discovery, read-only ---------------------------------------------


def read_strava_gear(path: str | Path) -> StravaGear:
    """Find every Strava ``activities.csv`` under ``path`` (zip exports included) and read gear.

    Nothing is extracted or written. Rows are matched to activity files by the ``Filename``
    column, relative to the folder (or zip) that holds the ``activities.csv``; rows without a
    file or a gear are passed over. A file without the gear or filename column is reported in
    :attr:`StravaGear.problems` and otherwise ignored.

    Args:
        path: The analysed folder, or a single file (a zip export is searched; anything else
            holds no ``activities.csv``).
    """
    root = Path(path)
    gear: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for label, prefix, data in _csv_files(root):
        found, problem = parse_activities_csv(data, prefix)
        if problem is not None:
            problems.append((label, problem))
        gear.update(found)
    return StravaGear(gear, tuple(problems))


def parse_activities_csv(data: bytes, prefix: str = "") -> tuple[dict[str, str], str | None]:
    """Read the gear of each activity file from the bytes of a Strava ``activities.csv``.

    Args:
        data: The file's bytes (UTF-8, with or without a byte-order mark).
        prefix: Label of the folder that holds the file, joined in front of each ``Filename``.

    Returns:
        Activity label -> gear name, and a message when the file cannot be used (else ``None``).
    """
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        return {}, "is empty"
    names = [h.strip().lower() for h in header]
    gear_at = next((names.index(c) for c in GEAR_COLUMNS if c in names), None)
    file_at = next((names.index(c) for c in FILENAME_COLUMNS if c in names), None)
    if gear_at is None or file_at is None:
        missing = "'Activity Gear'" if gear_at is None else "'Filename'"
        return {}, f"has no {missing} column, so its gear is not used"
    found: dict[str, str] = {}
    try:
        for row in rows:
            if len(row) <= max(gear_at, file_at):
                continue
            name, file = row[gear_at].strip(), _relative(row[file_at])
            if name and file:
                found[f"{prefix}/{file}" if prefix else file] = name
    except csv.Error as error:
        return found, f"is not valid CSV after {len(found)} rows ({error})"
    return found, None


def _relative(file: str) -> str:
    """A ``Filename`` cell as a relative path with ``/`` separators."""
    file = file.strip().replace("\\", "/")
    while file.startswith("./"):
        file = file[2:]
    return file.lstrip("/")


def _csv_files(root: Path) -> Iterator[tuple[str, str, bytes]]:
    """Yield ``(label, prefix, bytes)`` for every ``activities.csv`` under ``root``.

    The folder is walked as discovery walks it (hidden folders passed over, no link loops), so
    gear is read from the same files the activities came from.
    """
    try:
        files = list(iter_files(root))
    except SourceError:
        return
    for item in files:
        if not isinstance(item, tuple):
            continue  # a folder that cannot be read: discovery reports it
        file_path, label = item
        name = file_path.name.lower()
        if name == STRAVA_ACTIVITIES_CSV:
            data = _read_small(file_path)
            if data is not None:
                prefix = label.rpartition("/")[0]
                yield label, prefix, data
        elif name.endswith(".zip"):
            yield from _from_zip(file_path, label)


def _read_small(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _from_zip(path: Path, label: str) -> Iterator[tuple[str, str, bytes]]:
    """The ``activities.csv`` members of a zip archive (not of archives inside it)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # discovery reports a damaged archive; here there is simply no gear
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            parts = info.filename.split("/")
            if (
                info.is_dir()
                or parts[-1].lower() != STRAVA_ACTIVITIES_CSV
                or any(p.startswith(".") or p == "__MACOSX" for p in parts)
                or info.file_size > MAX_CSV_BYTES
                or info.flag_bits & 0x1
            ):
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_CSV_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
                continue
            if len(data) > MAX_CSV_BYTES:
                continue
            folder = "/".join(parts[:-1])
            yield f"{label}/{info.filename}", f"{label}/{folder}" if folder else label, data


# --- Pure functions over the timeline ----------------------------------------------------------


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
        strava_gear: Activity file label -> gear, from :func:`read_strava_gear`.
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
