"""The body log as a DataFrame, one row per entry: what the analysis and notebooks read.

:func:`read_body_log` reads the log file (JSON Lines) or a spreadsheet (CSV); :func:`body_frame`
makes the frame from entries. Days are tz-aware (local midnight in the time zone), columns carry
their units, as everywhere in loadwatch.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from loadwatch.body.csvimport import FOLDER_LOG, read_csv
from loadwatch.body.entries import BodyLogError, CheckIn, Effort, Entry, Pain, Strength, kind_of
from loadwatch.body.store import default_log, read_log
from loadwatch.settings.checks import check_timezone, system_timezone

#: The columns of the body frame, in order.
BODY_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "day",
    "pain_level",
    "region",
    "timing",
    "duration_min",
    "rpe",
    "run_start",
    "ostrc_score",
    "note",
    "source",
)


def read_body_log(path: str | Path, *, timezone: str | None = None) -> pd.DataFrame:
    """Read a body log into a DataFrame, one row per standing entry.

    Args:
        path: The log (``body-log.jsonl``, as ``loadwatch log`` writes it) or a spreadsheet
            (``.csv``, as ``loadwatch log import`` reads it). A missing log is an empty frame.
        timezone: The IANA time zone of the days (default: the system's).

    Returns:
        A frame with :data:`BODY_COLUMNS`; ``day`` is local midnight, tz-aware. Lines or rows
        left out are in ``frame.attrs["warnings"]``, each with its line number and why.

    Raises:
        BodyLogError: The file cannot be read at all.
        ConfigError: ``timezone`` is not a time zone.
    """
    zone = check_timezone(timezone if timezone is not None else system_timezone())
    file = Path(path).expanduser()
    if file.suffix.lower() == ".csv":
        imported = read_csv(file, date.max)
        entries = imported.entries
        warnings = [f"line {line}: left out: {reason}" for line, reason in imported.rejected]
    else:
        log = read_log(file)
        entries, warnings = log.entries, log.warnings
    frame = body_frame(entries, zone, source=file.name)
    frame.attrs["warnings"] = warnings
    return frame


def body_frame(entries: Sequence[Entry], timezone: str, *, source: str = "") -> pd.DataFrame:
    """The frame of ``entries`` (see :data:`BODY_COLUMNS`), days at local midnight in
    ``timezone``, sorted by day then id."""
    zone = zoneinfo.ZoneInfo(timezone)
    rows = [_row(entry, source) for entry in entries]
    frame = pd.DataFrame(rows, columns=list(BODY_COLUMNS))
    frame["day"] = pd.to_datetime(frame["day"]).dt.tz_localize(zone)
    frame["run_start"] = pd.to_datetime(frame["run_start"], utc=True).dt.tz_convert(zone)
    for column in ("pain_level", "duration_min", "rpe", "ostrc_score"):
        frame[column] = frame[column].astype("float64")
    frame["id"] = frame["id"].astype("int64")
    return frame.sort_values(["day", "id"], kind="stable").reset_index(drop=True)


def _row(entry: Entry, source: str) -> dict[str, object]:
    """One entry's row."""
    row: dict[str, object] = {
        "id": entry.id,
        "kind": str(kind_of(entry)),
        "day": pd.Timestamp(entry.day),
        "note": entry.note,
        "source": source,
        "run_start": None,
    }
    if isinstance(entry, Pain):
        row.update(pain_level=entry.level, region=str(entry.region), timing=str(entry.timing))
    elif isinstance(entry, Strength):
        row.update(duration_min=entry.minutes, rpe=entry.rpe)
    elif isinstance(entry, Effort):
        start = entry.run_start
        row.update(rpe=entry.rpe, run_start=None if start is None else pd.Timestamp(start))
    elif isinstance(entry, CheckIn):
        row.update(ostrc_score=entry.score)
    return row


def read_logs(
    log: Path | None, root: Path, timezone: str
) -> tuple[pd.DataFrame | None, list[tuple[str, str]]]:
    """The body log of an analysis: the user's log and a ``body-log.csv`` in the analysed
    folder, whichever exist (both are read, never written).

    Args:
        log: The user's log (``None``: the one in the data folder).
        root: The analysed folder (or file).
        timezone: The IANA time zone of the days.

    Returns:
        The entries of both (``None`` when neither file exists), and ``(file, problem)`` for
        each line left out or file that could not be read.
    """
    files = [log if log is not None else default_log()]
    if root.is_dir():
        files.append(root / FOLDER_LOG)
    frames: list[pd.DataFrame] = []
    problems: list[tuple[str, str]] = []
    for file in files:
        if not file.is_file():
            continue
        try:
            frame = read_body_log(file, timezone=timezone)
        except BodyLogError as error:
            problems.append((file.name, error.message))
            continue
        problems.extend((file.name, warning) for warning in frame.attrs["warnings"])
        frames.append(frame)
    if not frames:
        return None, problems
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    both.attrs = {}
    return both.sort_values(["day", "id"], kind="stable").reset_index(drop=True), problems
