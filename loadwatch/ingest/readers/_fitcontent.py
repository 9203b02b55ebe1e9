"""What loadwatch keeps of a FIT file's messages, the same whichever decoder read them."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Protocol

import numpy as np

from loadwatch.ingest.readers import _fitprofile as profile
from loadwatch.ingest.readers._fitlayout import RECORD_FIELDS


class MessageLike(Protocol):
    """The part of fitparse's ``DataMessage`` that :meth:`FitContent.add` uses."""

    @property
    def name(self) -> str:
        """The message's profile name (``"session"``...)."""

    def get_values(self) -> dict[str, Any]:
        """Field values by name; a later field of the same name wins."""

    def get_value(self, name: str) -> Any:
        """The first field called ``name`` (or whose parent field is), else None."""


#: Running-dynamics fields of FIT records and the sample columns they become; the profile's
#: units (ms, percent, mm) are the columns' units, so the values pass unchanged.
RUNNING_DYNAMICS_FIELDS: dict[str, str] = {
    "stance_time": "stance_time_ms",
    "stance_time_balance": "stance_time_balance_pct",
    "vertical_oscillation": "vertical_oscillation_mm",
    "vertical_ratio": "vertical_ratio_pct",
    "step_length": "step_length_mm",
}


def number(value: object) -> float:
    """A FIT value as a float, NaN when it is missing or not a plain number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


def word(value: object) -> str | None:
    """An enum value as a lower-case word (unknown enum values stay numbers, as text)."""
    if value is None:
        return None
    return str(value).strip().lower() or None


@dataclasses.dataclass
class FitContent:
    """What loadwatch keeps of a FIT file's messages, whichever decoder read them.

    Attributes:
        file_types: ``file_id.type`` of each file_id message, as a word.
        devices: The device named by each file_id message (``"garmin fenix5"``), or None.
        sessions: Session messages, as field-name -> value dicts (raw FIT units scaled; times
            as FIT seconds).
        sports: Sport messages, likewise.
        laps: Lap messages, likewise.
        events: Event messages, likewise.
        activities: Activity messages, likewise.
        hrs: Hr messages, likewise (see :mod:`~loadwatch.ingest.readers._fithr`).
        columns: :data:`RECORD_FIELDS` -> float64 arrays, one value per record message that
            has a timestamp, in file order; NaN where the record lacks the field.
        record_sport: The first ``activity_type`` of a timed record, as a word.
        records: Record messages read (with or without a timestamp).
        messages: Data messages read, of any kind.
    """

    file_types: list[str] = dataclasses.field(default_factory=list)
    devices: list[str | None] = dataclasses.field(default_factory=list)
    sessions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    sports: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    laps: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    activities: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    hrs: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    columns: dict[str, np.ndarray] = dataclasses.field(
        default_factory=lambda: {name: np.empty(0) for name in RECORD_FIELDS}
    )
    record_sport: str | None = None
    records: int = 0
    messages: int = 0

    def add(self, message: MessageLike) -> None:
        """Keep what we need of one message other than a record."""
        name = message.name
        if name == profile.FILE_ID:
            self.file_types.append(word(message.get_value("type")) or "unknown")
            manufacturer = message.get_value("manufacturer")
            product = message.get_value("product")  # resolves garmin_product and the like
            device = None
            if isinstance(manufacturer, str):
                device = manufacturer if product is None else f"{manufacturer} {product}"
            self.devices.append(device)
            return
        kept = {
            profile.SESSION: self.sessions,
            profile.SPORT: self.sports,
            profile.LAP: self.laps,
            profile.EVENT: self.events,
            profile.ACTIVITY: self.activities,
            profile.HR: self.hrs,
        }.get(name)
        if kept is not None:
            kept.append(message.get_values())


@dataclasses.dataclass(frozen=True)
class Decoded:
    """A FIT file's content and how reading it ended.

    Attributes:
        content: What was read.
        crc_mismatch: A header or file checksum did not match (the data was read anyway).
        stop: The fault reading stopped at, as fitparse would raise it; None when it read
            to the end.
        stop_offset: Where in the file the fault is.
    """

    content: FitContent
    crc_mismatch: bool = False
    stop: Exception | None = None
    stop_offset: int = 0


#: A session that ends more than this before its last record has lost its final part.
SESSION_SHORT_S = 60.0


def session_totals(
    session: dict[str, Any], last_record_s: float
) -> tuple[float | None, float | None, float | None, str | None]:
    """A session's timer time, distance and ascent, unless it ends well before its records.

    Some watches save an activity without its final lap (a Suunto Ambit 3 file's session says
    4,035 s while its records run to 4,961 s): the session's totals then miss the end of the
    activity, and the records' own time and distance are used instead (None here, so the
    summary measures them from the samples), with a warning. Records running on for longer
    than the whole session are a clock glitch rather than a lost lap: the session then counts.

    Args:
        session: The session message's values (times as FIT seconds).
        last_record_s: The time of the session's last record, FIT seconds (NaN if none).

    Returns:
        Timer seconds, distance in metres and ascent in metres (None where not kept), and the
        warning when the records were preferred.
    """
    timer = _optional(session.get("total_timer_time"))
    distance = _optional(session.get("total_distance"))
    ascent = _optional(session.get("total_ascent"))
    elapsed = number(session.get("total_elapsed_time"))
    late = last_record_s - number(session.get("start_time")) - elapsed
    # Records running on for longer than the whole session are a clock glitch, not a lost lap.
    if not math.isfinite(late) or not SESSION_SHORT_S < late <= elapsed:
        return timer, distance, ascent, None
    note = (
        f"the session ends {late:,.0f} s before its last record (saved without its final "
        "part?); the records' time and distance are used"
    )
    return None, None, None, note


def _optional(value: object) -> float | None:
    """A total as a float, None when missing."""
    result = number(value)
    return None if math.isnan(result) else result
