"""Strava's ``activities.csv``: which gear each activity file of a bulk export was in.

A Strava bulk export (a zip, or the folder it was unpacked into) lists every activity in
``activities.csv``, with its gear and the file that holds it. :func:`~loadwatch.ingest.scan.scan`
finds these files in the same walk as the activity files, reads each with :func:`gear_tables`
into a :class:`GearTable` (cached by content like any file's outcome), and joins the tables with
:func:`collect_gear`. Nothing is extracted or written; a table that cannot be used is a warning,
never an error. Which run was in which shoe is then :func:`loadwatch.metrics.shoes.assign_gear`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

import numpy as np

from loadwatch.ingest.activity import normalise_sport
from loadwatch.ingest.formats import SNIFF_BYTES
from loadwatch.ingest.sources import sniff
from loadwatch.ingest.stravacsv import StravaRow, clean_header, columns, read_rows
from loadwatch.ingest.summary import ActivitySummary, Histogram
from loadwatch.vocab import Sport

#: The file of a Strava bulk export that lists every activity with its gear.
STRAVA_ACTIVITIES_CSV = "activities.csv"
#: An ``activities.csv`` larger than this is not a Strava export (ten years are a few MB).
MAX_CSV_BYTES = 64 * 1024 * 1024
#: What the cache calls an ``activities.csv`` on disk (beside sniff's fit, gpx, zip...).
GEAR_KIND = "strava-csv"
#: Changes whenever :func:`parse_activities_csv` reads a file differently, so that the cache
#: reads ``activities.csv`` files (and the zip exports holding them) again.
GEAR_VERSION = 2
#: The ``format`` of an activity only Strava's ``activities.csv`` lists (no file).
STRAVA_CSV_FORMAT = "strava-csv"


@dataclasses.dataclass(frozen=True)
class GearTable:
    """What one ``activities.csv`` says: the gear of each activity file it names.

    Attributes:
        source: The label of the ``activities.csv`` (``export.zip/activities.csv`` in a zip).
        rows: ``(file, gear)`` in the order read, ``file`` relative to the folder holding the
            ``activities.csv`` (with ``/`` separators), each file once (its last gear).
        problem: Why the file (or its end) could not be used, else ``None``.
        activities: Every activity it lists, with all it says of each
            (:class:`~loadwatch.ingest.stravacsv.StravaRow`), for :func:`with_strava`.
    """

    source: str
    rows: tuple[tuple[str, str], ...] = ()
    problem: str | None = None
    activities: tuple[StravaRow, ...] = ()

    def by_label(self) -> dict[str, str]:
        """Activity file label (as discovery names it) -> gear."""
        folder = self.source.rpartition("/")[0]
        return {f"{folder}/{file}" if folder else file: gear for file, gear in self.rows}


@dataclasses.dataclass(frozen=True)
class StravaGear:
    """What the ``activities.csv`` files of a scan say about gear.

    Attributes:
        gear: Activity file label (as :func:`loadwatch.ingest.sources.iter_sources` names it) ->
            gear.
        problems: ``(csv label, message)`` for each file that could not be used.
    """

    gear: Mapping[str, str] = dataclasses.field(default_factory=dict)
    problems: tuple[tuple[str, str], ...] = ()


def collect_gear(tables: Iterable[GearTable]) -> StravaGear:
    """Join the tables of a scan, in file order: a file named twice takes the later gear."""
    gear: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for table in tables:
        if table.problem is not None:
            problems.append((table.source, table.problem))
        gear.update(table.by_label())
    return StravaGear(gear, tuple(problems))


def is_activities_csv(path: Path) -> bool:
    """Whether a file on disk is named as a Strava ``activities.csv`` (in any case)."""
    return path.name.lower() == STRAVA_ACTIVITIES_CSV


def gear_tables(path: Path, label: str) -> list[GearTable]:
    """The ``activities.csv`` tables in one file on disk: itself, or the members of a zip.

    Only the zip's own members are looked at (not archives inside it), as discovery labels
    them. A file that cannot be read, an archive that is damaged and a member that is
    encrypted or too large give nothing: discovery reports what is wrong with them.

    Args:
        path: The file on disk.
        label: Its label, relative to the scanned path.
    """
    if is_activities_csv(path):
        data = _read_small(path)
        return [] if data is None else [parse_activities_csv(data, label)]
    try:
        with path.open("rb") as handle:
            if sniff(handle.read(SNIFF_BYTES)) != "zip":
                return []
            handle.seek(0)
            return list(_from_zip(handle, label))
    except OSError:
        return []


def parse_activities_csv(data: bytes, source: str) -> GearTable:
    """Read what a Strava ``activities.csv`` says of each activity, its gear first.

    Columns are found by meaning, whatever the export's year or language
    (:mod:`loadwatch.ingest.stravacsv`). Rows without a file or a gear (manual activities, no
    gear chosen) give no gear. A file without the gear or the filename column gives no gear
    and a problem.

    Args:
        data: The file's bytes (UTF-8, with or without a byte-order mark).
        source: The file's label: the ``Filename`` cells are relative to its folder.
    """
    activities, problem = read_rows(data)
    found = {row.file: row.gear for row in activities if row.file and row.gear}
    if problem != "is empty" and "gear" not in columns(_header(data)):
        problem = "has no 'Activity Gear' column, so its gear is not used"
    elif problem is not None and problem.startswith("has no 'Filename'"):
        problem = "has no 'Filename' column, so its gear is not used"
    return GearTable(source, tuple(found.items()), problem, tuple(activities))


def _header(data: bytes) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))), [])
    except csv.Error:
        return []


def _read_small(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _from_zip(stream: io.BufferedReader, label: str) -> Iterator[GearTable]:
    """The ``activities.csv`` members of a zip archive (not of archives inside it)."""
    try:
        archive = zipfile.ZipFile(stream)
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
            if len(data) <= MAX_CSV_BYTES:
                yield parse_activities_csv(data, f"{label}/{info.filename}")


#: Strava's activity types (cleaned as header cells are, in the export's language) that
#: :func:`~loadwatch.ingest.activity.normalise_sport` does not already know, and loadwatch's
#: sport and sub-sport for each.
STRAVA_TYPES: dict[str, tuple[Sport, str | None]] = {
    "trail run": (Sport.RUNNING, "trail"),
    "virtual run": (Sport.RUNNING, "treadmill"),
    "course a pied": (Sport.RUNNING, None),
    "course": (Sport.RUNNING, None),
    "trail": (Sport.RUNNING, "trail"),
    "carrera": (Sport.RUNNING, None),
    "carrera por montana": (Sport.RUNNING, "trail"),
    "beh": (Sport.RUNNING, None),
    "trailovy beh": (Sport.RUNNING, "trail"),
    "walk": (Sport.WALKING, None),
    "hike": (Sport.WALKING, None),
    "marche": (Sport.WALKING, None),
    "randonnee": (Sport.WALKING, None),
    "caminata": (Sport.WALKING, None),
    "senderismo": (Sport.WALKING, None),
    "chuze": (Sport.WALKING, None),
    "turistika": (Sport.WALKING, None),
    "ride": (Sport.CYCLING, None),
    "virtual ride": (Sport.CYCLING, None),
    "e-bike ride": (Sport.CYCLING, None),
    "mountain bike ride": (Sport.CYCLING, None),
    "gravel ride": (Sport.CYCLING, None),
    "velo": (Sport.CYCLING, None),
    "ciclismo": (Sport.CYCLING, None),
    "jizda na kole": (Sport.CYCLING, None),
    "swim": (Sport.SWIMMING, None),
    "natation": (Sport.SWIMMING, None),
    "natacion": (Sport.SWIMMING, None),
    "plavani": (Sport.SWIMMING, None),
    "weight training": (Sport.STRENGTH, None),
    "musculation": (Sport.STRENGTH, None),
    "entrenamiento con pesas": (Sport.STRENGTH, None),
    "posilovani": (Sport.STRENGTH, None),
    "crossfit": (Sport.STRENGTH, None),
}
#: What a summary-only activity from ``activities.csv`` says of itself.
CSV_ONLY = (
    "listed in Strava's activities.csv without a file (a manual entry?): counted from its "
    "distance and time only"
)
_PART = re.compile(r"#\d+$")


def strava_sport(activity_type: str | None) -> tuple[str, str | None] | None:
    """Loadwatch's sport and sub-sport for a Strava activity type, or None when unknown."""
    if not activity_type:
        return None
    key = clean_header(activity_type)
    if key in STRAVA_TYPES:
        return STRAVA_TYPES[key]
    sport = normalise_sport(key)
    return (sport, None) if sport != "other" or key in ("workout", "other") else None


def with_strava(
    summaries: list[ActivitySummary], tables: Iterable[GearTable]
) -> list[ActivitySummary]:
    """The summaries as Strava's ``activities.csv`` files complete them, and those it adds.

    An activity whose file a CSV names takes the CSV's sport (the athlete's choice: a
    treadmill run recorded by a bike computer is still a run), its name and its perceived
    exertion (``rpe``). Each activity a CSV lists without a file is added as a summary-only
    activity (format ``strava-csv``, a warning saying so), from its distance and its moving
    (else elapsed) time, when it has a start and a time.
    """
    rows: dict[str, StravaRow] = {}
    added: list[ActivitySummary] = []
    for table in tables:
        folder = table.source.rpartition("/")[0]
        for number, row in enumerate(table.activities, start=1):
            if row.file:
                rows[f"{folder}/{row.file}" if folder else row.file] = row
            elif (summary := _csv_only(row, f"{table.source}#{number}")) is not None:
                added.append(summary)
    completed = [_completed(s, rows.get(_PART.sub("", s.source))) for s in summaries]
    return completed + added


def _completed(summary: ActivitySummary, row: StravaRow | None) -> ActivitySummary:
    if row is None:
        return summary
    sport = strava_sport(row.type)
    return dataclasses.replace(
        summary,
        sport=sport[0] if sport else summary.sport,
        sub_sport=summary.sub_sport or (sport[1] if sport else None),
        activity_type=row.type.lower() if row.type else summary.activity_type,
        name=row.name or summary.name,
        rpe=row.rpe if row.rpe is not None else summary.rpe,
    )


def _csv_only(row: StravaRow, source: str) -> ActivitySummary | None:
    seconds = row.moving_s or row.elapsed_s
    if row.start is None or seconds is None:
        return None
    sport = strava_sport(row.type) or ("other", None)
    distance = row.distance_m or 0.0
    empty = Histogram(np.empty(0), np.empty(0))
    return ActivitySummary(
        source=source,
        format=STRAVA_CSV_FORMAT,
        start=datetime.fromisoformat(row.start),
        sport=sport[0],
        sub_sport=sport[1],
        activity_type=row.type.lower() if row.type else None,
        name=row.name,
        device=None,
        has_gps=False,
        samples=0,
        distance_m=distance,
        duration_s=seconds,
        moving_s=seconds,
        moving_distance_m=distance,
        elev_gain_m=0.0,
        hr_p99=math.nan,
        hr=empty,
        speed=empty,
        warnings=(CSV_ONLY,),
        rpe=row.rpe if row.rpe is not None else math.nan,
    )
