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
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from loadwatch.ingest.formats import SNIFF_BYTES
from loadwatch.ingest.sources import sniff

#: The file of a Strava bulk export that lists every activity with its gear.
STRAVA_ACTIVITIES_CSV = "activities.csv"
#: An ``activities.csv`` larger than this is not a Strava export (ten years are a few MB).
MAX_CSV_BYTES = 64 * 1024 * 1024
#: Columns of ``activities.csv`` that name the gear, and the activity file (lower case).
GEAR_COLUMNS: tuple[str, ...] = ("activity gear", "gear")
FILENAME_COLUMNS: tuple[str, ...] = ("filename", "file name")
#: What the cache calls an ``activities.csv`` on disk (beside sniff's fit, gpx, zip...).
GEAR_KIND = "strava-csv"
#: Changes whenever :func:`parse_activities_csv` reads a file differently, so that the cache
#: reads ``activities.csv`` files (and the zip exports holding them) again.
GEAR_VERSION = 1


@dataclasses.dataclass(frozen=True)
class GearTable:
    """What one ``activities.csv`` says: the gear of each activity file it names.

    Attributes:
        source: The label of the ``activities.csv`` (``export.zip/activities.csv`` in a zip).
        rows: ``(file, gear)`` in the order read, ``file`` relative to the folder holding the
            ``activities.csv`` (with ``/`` separators), each file once (its last gear).
        problem: Why the file (or its end) could not be used, else ``None``.
    """

    source: str
    rows: tuple[tuple[str, str], ...] = ()
    problem: str | None = None

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
    """Read the gear of each activity file from the bytes of a Strava ``activities.csv``.

    Rows without a file or a gear (manual activities, no gear chosen) are passed over. A file
    without the gear or the filename column gives a table with no rows and a problem.

    Args:
        data: The file's bytes (UTF-8, with or without a byte-order mark).
        source: The file's label: the ``Filename`` cells are relative to its folder.
    """
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        return GearTable(source, problem="is empty")
    names = [h.strip().lower() for h in header]
    gear_at = next((names.index(c) for c in GEAR_COLUMNS if c in names), None)
    file_at = next((names.index(c) for c in FILENAME_COLUMNS if c in names), None)
    if gear_at is None or file_at is None:
        missing = "'Activity Gear'" if gear_at is None else "'Filename'"
        return GearTable(source, problem=f"has no {missing} column, so its gear is not used")
    found: dict[str, str] = {}
    try:
        for row in rows:
            if len(row) <= max(gear_at, file_at):
                continue
            name, file = row[gear_at].strip(), _relative(row[file_at])
            if name and file:
                found[file] = name
    except csv.Error as error:
        problem = f"is not valid CSV after {len(found)} rows ({error})"
        return GearTable(source, tuple(found.items()), problem)
    return GearTable(source, tuple(found.items()))


def _relative(file: str) -> str:
    """A ``Filename`` cell as a relative path with ``/`` separators."""
    file = file.strip().replace("\\", "/")
    while file.startswith("./"):
        file = file[2:]
    return file.lstrip("/")


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
