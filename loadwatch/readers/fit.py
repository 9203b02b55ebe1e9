"""Read FIT files (Garmin, Wahoo, Coros, Strava...) into :class:`~loadwatch.activity.Activity`.

fitparse stops at the first fault it meets. Real files are often cut short or slightly broken
near the end, so we keep every message read before the fault and say on the activity what
happened, rather than losing the run. Timestamps are kept as raw FIT seconds while reading and
converted once per activity, which also tells real dates from device-relative ones.
"""

from __future__ import annotations

import dataclasses
import io
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import fitparse
import numpy as np
import pandas as pd
from fitparse.utils import FitCRCError, FitEOFError

from loadwatch.activity import Activity, make_samples, normalise_sport
from loadwatch.errors import CorruptFileError, EmptyActivityError, NotAnActivityError

#: FIT times count seconds from this instant.
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_FIT_EPOCH_UNIX_S = 631_065_600
#: FIT times below this are seconds since the device powered up, not since :data:`FIT_EPOCH`.
RELATIVE_TIME_LIMIT = 0x10000000
_DEGREES_PER_SEMICIRCLE = 180.0 / 2**31

CRC_WARNING = "file checksum does not match; data read anyway"
#: Starts the warning on activities whose times are device-relative; the timeline skips them.
RELATIVE_TIMESTAMPS_WARNING = (
    "relative timestamps: the device did not know the date, so times count from its own clock "
    "(shown as days after 1989-12-31), not a real date"
)

# File types (file_id.type) worth a friendlier name than the FIT word.
_FILE_KINDS: dict[str, str] = {
    "settings": "a settings file",
    "sport": "a sport-settings file",
    "workout": "a workout plan",
    "course": "a course (a planned route)",
    "schedules": "a training schedule",
    "weight": "a weight-scale file",
    "totals": "a lifetime-totals file",
    "goals": "a goals file",
    "blood_pressure": "a blood-pressure file",
    "monitoring_a": "an all-day monitoring file",
    "monitoring_b": "an all-day monitoring file",
    "monitoring_daily": "an all-day monitoring file",
    "activity_summary": "an activity summary without samples",
    "segment": "a segment file",
    "segment_list": "a segment list",
    "device": "a device description file",
}

# Record fields we keep, as fitparse names them.
_RECORD_FIELDS: tuple[str, ...] = (
    "timestamp",
    "distance",
    "enhanced_speed",
    "speed",
    "heart_rate",
    "cadence",
    "fractional_cadence",
    "position_lat",
    "position_long",
    "enhanced_altitude",
    "altitude",
)


class _RawValues:
    """A fitparse data processor that leaves values alone.

    fitparse's default turns times into naive datetimes (but leaves device-relative ones as
    ints) and costs a third of the parse time; we want the raw seconds and convert them once.
    """

    def run_type_processor(self, field_data: object) -> None:
        """Keep the raw value."""

    def run_field_processor(self, field_data: object) -> None:
        """Keep the raw value."""

    def run_unit_processor(self, field_data: object) -> None:
        """Keep the raw value."""

    def run_message_processor(self, data_message: object) -> None:
        """Keep the raw message."""


def _number(value: object) -> float:
    """A FIT value as a float, NaN when it is missing or not a plain number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


def _optional(value: object) -> float | None:
    """A FIT value as a float, or None."""
    number = _number(value)
    return None if math.isnan(number) else number


def _word(value: object) -> str | None:
    """An enum value as a lower-case word (unknown enum values stay numbers, as text)."""
    if value is None:
        return None
    return str(value).strip().lower() or None


@dataclasses.dataclass
class _FitContent:
    """What we keep of a FIT file's messages: file ids, sessions, sports and record columns."""

    file_types: list[str] = dataclasses.field(default_factory=list)
    devices: list[str | None] = dataclasses.field(default_factory=list)
    sessions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    sports: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    columns: dict[str, list[float]] = dataclasses.field(
        default_factory=lambda: {name: [] for name in _RECORD_FIELDS}
    )
    record_sport: str | None = None
    records: int = 0
    messages: int = 0

    def add(self, message: Any) -> None:
        """Keep what we need of one fitparse data message."""
        self.messages += 1
        name = message.name
        if name == "record":
            self._add_record(message.get_values())
        elif name == "session":
            self.sessions.append(message.get_values())
        elif name == "sport":
            self.sports.append(message.get_values())
        elif name == "file_id":
            self.file_types.append(_word(message.get_value("type")) or "unknown")
            manufacturer = message.get_value("manufacturer")
            product = message.get_value("product")  # resolves garmin_product and the like
            device = None
            if isinstance(manufacturer, str):
                device = manufacturer if product is None else f"{manufacturer} {product}"
            self.devices.append(device)

    def _add_record(self, values: dict[str, Any]) -> None:
        self.records += 1
        if math.isnan(_number(values.get("timestamp"))):
            return  # a sample we cannot place in time
        for name, column in self.columns.items():
            column.append(_number(values.get(name)))
        if self.record_sport is None:
            self.record_sport = _word(values.get("activity_type"))


@dataclasses.dataclass(frozen=True)
class _Parse:
    """One pass of fitparse over the file, and how it ended."""

    content: _FitContent
    crc_mismatch: bool = False
    bytes_left: int = 0
    stop: Exception | None = None
    stop_offset: int = 0


def _parse(data: bytes, source: str, *, check_crc: bool) -> _Parse:
    """Run fitparse over ``data``, keeping every message read before any fault."""
    stream = io.BytesIO(data)  # ours, so that we can tell where fitparse stopped
    content = _FitContent()
    try:
        fit = fitparse.FitFile(stream, check_crc=check_crc, data_processor=_RawValues())
    except FitCRCError:
        return _Parse(content, crc_mismatch=True, bytes_left=len(data))
    except Exception as e:  # fitparse raises struct.error, KeyError... as well as its own
        raise CorruptFileError(
            f"not a readable FIT file: its header is damaged or missing ({e}); "
            "export the activity again from the watch or its app",
            path=source,
            offset=0,
        ) from e
    messages = fit.get_messages()
    while True:
        try:
            message = next(messages)
        except StopIteration:
            return _Parse(content)
        except FitCRCError:
            return _Parse(
                content, crc_mismatch=True, bytes_left=len(data) - _tell(stream, len(data))
            )
        except Exception as e:  # any fault mid-stream: keep what came before it
            return _Parse(content, stop=e, stop_offset=_tell(stream, len(data)))
        content.add(message)


def _tell(stream: io.BytesIO, size: int) -> int:
    """Where fitparse got to in the stream (it closes the stream once it has read it all)."""
    return size if stream.closed else stream.tell()


def _read_messages(data: bytes, source: str) -> tuple[_Parse, list[str]]:
    """Parse the file, tolerating a bad checksum; returns the parse and file-level warnings."""
    parse = _parse(data, source, check_crc=True)
    warnings: list[str] = []
    if parse.crc_mismatch:
        warnings.append(CRC_WARNING)
        if parse.bytes_left > 0:  # a bad header CRC, or more chained files after a bad one
            parse = _parse(data, source, check_crc=False)
    if parse.stop is not None:
        if parse.content.messages == 0:
            raise CorruptFileError(
                f"no readable FIT data: {parse.stop}; export the activity again",
                path=source,
                offset=parse.stop_offset,
            ) from parse.stop
        where = f"after {parse.content.records:,} records, at byte {parse.stop_offset:,}"
        if isinstance(parse.stop, FitEOFError):
            warnings.append(f"file was cut short {where}; the data before it was kept")
        else:
            warnings.append(
                f"file is partly unreadable {where} ({parse.stop}); the data before it was kept"
            )
    return parse, warnings


def _check_is_activity(parse: _Parse, source: str) -> None:
    """Refuse files that hold no activity, saying what they are."""
    content = parse.content
    if content.file_types and "activity" not in content.file_types:
        kind = content.file_types[0]
        what = _FILE_KINDS.get(kind, f"a FIT file of type '{kind}'")
        raise NotAnActivityError(f"{what}, not an activity; skipped", path=source)
    if content.sessions or content.records:
        return
    if parse.stop is not None:
        raise CorruptFileError(
            f"the file breaks off before any activity data ({parse.stop}); export it again",
            path=source,
            offset=parse.stop_offset,
        ) from parse.stop
    if not content.file_types:
        raise NotAnActivityError(
            "a FIT file with no file type and no activity records, not an activity; skipped",
            path=source,
        )
    raise EmptyActivityError(
        "an activity file with no records and no sessions: nothing to count", path=source
    )


def _unique_sessions(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeated sessions (chained files sometimes hold the same activity twice)."""
    seen: set[tuple[object, ...]] = set()
    unique = []
    for session in sessions:
        key = tuple(
            session.get(name)
            for name in ("start_time", "total_elapsed_time", "sport", "sub_sport", "total_distance")
        )
        if key not in seen:
            seen.add(key)
            unique.append(session)
    return unique


def _samples(columns: dict[str, np.ndarray], mask: np.ndarray, sport: str) -> pd.DataFrame:
    """Canonical samples from the record columns selected by ``mask``."""
    part = {name: values[mask] for name, values in columns.items()}
    seconds = part["timestamp"].astype("int64") + _FIT_EPOCH_UNIX_S
    cadence = part["cadence"]
    if sport in ("running", "walking"):  # FIT counts strides (one foot); we count steps
        cadence = 2.0 * (cadence + np.nan_to_num(part["fractional_cadence"]))
    samples = make_samples(
        {
            "time": pd.to_datetime(seconds, unit="s", utc=True),
            "distance_m": part["distance"],
            "speed_mps": np.where(
                np.isnan(part["enhanced_speed"]), part["speed"], part["enhanced_speed"]
            ),
            "hr_bpm": part["heart_rate"],
            "cadence_spm": cadence,
            "lat": part["position_lat"] * _DEGREES_PER_SEMICIRCLE,
            "lon": part["position_long"] * _DEGREES_PER_SEMICIRCLE,
            "altitude_m": np.where(
                np.isnan(part["enhanced_altitude"]), part["altitude"], part["enhanced_altitude"]
            ),
        }
    )
    return samples.drop_duplicates(ignore_index=True)  # chained copies repeat records


def _sport_words(
    content: _FitContent, session: dict[str, Any], index: int
) -> tuple[str | None, str | None]:
    """The FIT sport and sub-sport words for a session (or the whole file when ``{}``)."""
    sport, sub_sport = _word(session.get("sport")), _word(session.get("sub_sport"))
    if sport is None and content.sports:
        fallback = content.sports[index] if index < len(content.sports) else content.sports[0]
        sport, sub_sport = _word(fallback.get("sport")), _word(fallback.get("sub_sport"))
    if sport is None:
        sport = content.record_sport
    return sport, (None if sub_sport == "generic" else sub_sport)


def _build_activities(content: _FitContent, source: str, warnings: list[str]) -> list[Activity]:
    """One activity per (non-transition) session, or one from all records when there is none."""
    columns = {
        name: np.asarray(values, dtype="float64") for name, values in content.columns.items()
    }
    times = columns["timestamp"]
    device = next(
        (d for t, d in zip(content.file_types, content.devices, strict=True) if t == "activity"),
        None,
    )
    sessions = _unique_sessions(content.sessions) or [{}]
    activities = []
    skipped: list[str] = []
    for index, session in enumerate(sessions):
        activity_type, sub_sport = _sport_words(content, session, index)
        if activity_type == "transition":
            continue
        sport = normalise_sport(sub_sport, activity_type)
        start_s = _number(session.get("start_time"))
        elapsed_s = _number(session.get("total_elapsed_time"))
        if math.isnan(start_s):
            start_s = _number(session.get("timestamp")) - elapsed_s
        if len(sessions) == 1:
            mask = np.ones(len(times), dtype=bool)
        elif math.isnan(start_s):
            skipped.append(f"session {index + 1} of {len(sessions)} has no start time; skipped")
            continue
        else:
            end_s = start_s + elapsed_s if not math.isnan(elapsed_s) else math.inf
            mask = (times >= start_s) & (times <= end_s)
        samples = _samples(columns, mask, sport)
        if math.isnan(start_s):
            if samples.empty:
                continue
            start = samples["time"].iloc[0].to_pydatetime()
        else:
            start = FIT_EPOCH + timedelta(seconds=start_s)
        relative = start < FIT_EPOCH + timedelta(seconds=RELATIVE_TIME_LIMIT) or bool(
            (times[mask] < RELATIVE_TIME_LIMIT).any()
        )
        activities.append(
            Activity(
                sport=sport,
                sub_sport=sub_sport,
                start=start,
                source=source,
                samples=samples,
                format="fit",
                device=device,
                activity_type=activity_type,
                timer_s=_optional(session.get("total_timer_time")),
                distance_m=_optional(session.get("total_distance")),
                ascent_m=_optional(session.get("total_ascent")),
                warnings=(*warnings, *([RELATIVE_TIMESTAMPS_WARNING] if relative else [])),
            )
        )
    if not activities:
        timed = len(times)
        raise EmptyActivityError(
            f"no usable activity: {content.records:,} records, {timed:,} with a timestamp, "
            f"and no session that can be placed in time",
            path=source,
        )
    if skipped:
        activities = [dataclasses.replace(a, warnings=(*a.warnings, *skipped)) for a in activities]
    return activities


def read_fit(data: bytes, source: str) -> list[Activity]:
    """Read a FIT file's activities: one per session (multisport files give several).

    Damage near the end (a bad checksum, a cut-off or partly unreadable file) does not lose the
    data before it: the activity comes back with a warning saying what happened and where.

    Args:
        data: The file's bytes.
        source: Where the bytes came from, for errors and :attr:`Activity.source`.

    Returns:
        The activities, in file order; transition sessions are left out.

    Raises:
        CorruptFileError: The header is broken or nothing readable comes before the fault.
        NotAnActivityError: A settings, workout, weight-scale, monitoring... file.
        EmptyActivityError: An activity file with nothing to place in time.
    """
    parse, warnings = _read_messages(data, source)
    _check_is_activity(parse, source)
    return _build_activities(parse.content, source, warnings)
