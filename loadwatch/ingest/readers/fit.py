"""Read FIT files (Garmin, Wahoo, Coros, Strava...) into
:class:`~loadwatch.ingest.activity.Activity`.

Two decoders give the same :class:`~loadwatch.ingest.readers.fitfast.FitContent`, from which the
activities are built: :mod:`loadwatch.ingest.readers.fitfast`, about a hundred times faster,
reads files first; fitparse, the reference, reads any file the fast one leaves to it.

fitparse stops at the first fault it meets, and the fast decoder stops where it does. Real
files are often cut short or slightly broken near the end, so we keep every message read
before the fault and say on the activity what happened, rather than losing the run.
Timestamps are kept as raw FIT seconds while reading and converted once per activity, which
also tells real dates from device-relative ones.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from fitparse.utils import FitEOFError, FitHeaderError

from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    UnsupportedFileError,
)
from loadwatch.ingest.activity import Activity, make_samples, normalise_sport
from loadwatch.ingest.limits import MAX_FITPARSE_BYTES
from loadwatch.ingest.readers import fitfast
from loadwatch.ingest.readers._fitcontent import RUNNING_DYNAMICS_FIELDS, session_totals
from loadwatch.ingest.readers._fithr import fill_heart_rate
from loadwatch.ingest.readers._fitparsed import read_with_fitparse, unreadable_header
from loadwatch.ingest.readers.fitfast import Decoded, FitContent
from loadwatch.ingest.readers.fitfast import number as _number
from loadwatch.ingest.readers.fitfast import word as _word

#: Which decoder :func:`read_fit` uses: the fast one, falling back to fitparse for what it
#: leaves ("auto"); fitparse, the reference ("fitparse"); or the fast one alone ("fast").
Decoder = Literal["auto", "fast", "fitparse"]

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


def _optional(value: object) -> float | None:
    """A FIT value as a float, or None."""
    value = _number(value)
    return None if math.isnan(value) else value


def _read_fast(data: bytes, source: str) -> Decoded:
    """Decode the file with the fast decoder (which raises Unsupported for what it leaves)."""
    try:
        return fitfast.decode(data)
    except (FitHeaderError, FitEOFError) as e:  # the first header, as fitparse reports it
        raise unreadable_header(e, source) from e


def _read_slowly(data: bytes, source: str) -> Decoded:
    """Decode the file with fitparse, if it is small enough for its pace."""
    if len(data) > MAX_FITPARSE_BYTES:
        raise UnsupportedFileError(
            f"uses FIT features only the slow decoder reads, and is too large for it "
            f"({len(data) / 2**20:.0f} MB, over {MAX_FITPARSE_BYTES // 2**20} MB)",
            path=source,
        )
    return read_with_fitparse(data, source)


def _read_messages(data: bytes, source: str, decoder: str) -> tuple[Decoded, list[str]]:
    """Read the file's messages; returns them and file-level warnings."""
    parse = None
    if decoder != "fitparse":
        try:
            parse = _read_fast(data, source)
        except fitfast.Unsupported as e:
            if decoder == "fast":
                raise UnsupportedFileError(
                    f"uses FIT features only the fitparse decoder reads ({e})", path=source
                ) from e
        except LoadwatchError:
            raise
        except Exception:  # a fast-decoder bug must not lose the file: fitparse reads it
            if decoder == "fast":
                raise
    if parse is None:
        parse = _read_slowly(data, source)
    warnings: list[str] = []
    if parse.crc_mismatch:
        warnings.append(CRC_WARNING)
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


def _check_is_activity(parse: Decoded, source: str) -> None:
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


@dataclasses.dataclass(frozen=True)
class FitActivity:
    """One activity of a FIT file before its samples frame is built (for summaries, which need
    only the arrays): :class:`~loadwatch.ingest.activity.Activity`'s fields but ``samples``,
    and the samples as canonical arrays.

    Attributes:
        columns: :data:`~loadwatch.ingest.activity.SAMPLE_COLUMNS` -> float64 arrays, but
            ``time`` in whole seconds since 1970 (int64); in file order, which may repeat or
            go back in time (:meth:`to_activity` sorts and drops repeated rows).
    """

    sport: str
    sub_sport: str | None
    start: datetime
    source: str
    format: str
    device: str | None
    activity_type: str | None
    timer_s: float | None
    distance_m: float | None
    ascent_m: float | None
    warnings: tuple[str, ...]
    columns: dict[str, np.ndarray] = dataclasses.field(repr=False)
    name: str | None = None

    @property
    def ordered(self) -> bool:
        """True when the samples' times only go forward (no repeated row, nothing to sort)."""
        return bool((np.diff(self.columns["time"]) > 0).all())

    @property
    def has_gps(self) -> bool:
        """True when at least two samples carry a position."""
        return int(np.count_nonzero(~np.isnan(self.columns["lat"]))) >= 2

    def to_activity(self) -> Activity:
        """The activity, with its samples frame."""
        columns: dict[str, object] = dict(self.columns)
        columns["time"] = pd.to_datetime(self.columns["time"], unit="s", utc=True)
        samples = make_samples(columns)
        if samples["time"].duplicated().any():  # a repeated row repeats its time (cheap check)
            samples = samples.drop_duplicates(ignore_index=True)  # chained copies repeat records
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del fields["columns"]
        return Activity(samples=samples, **fields)


def _sample_columns(
    columns: dict[str, np.ndarray], mask: np.ndarray, sport: str
) -> dict[str, np.ndarray]:
    """Canonical sample arrays from the record columns selected by ``mask``."""
    part = {name: values[mask] for name, values in columns.items()}
    cadence = part["cadence"]
    if sport in ("running", "walking"):  # FIT counts strides (one foot); we count steps
        cadence = 2.0 * (cadence + np.nan_to_num(part["fractional_cadence"]))
    return {
        "time": part["timestamp"].astype("int64") + _FIT_EPOCH_UNIX_S,
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
        **{column: part[field] for field, column in RUNNING_DYNAMICS_FIELDS.items()},
    }


def _sport_words(
    content: FitContent, session: dict[str, Any], index: int
) -> tuple[str | None, str | None]:
    """The FIT sport and sub-sport words for a session (or the whole file when ``{}``)."""
    sport, sub_sport = _word(session.get("sport")), _word(session.get("sub_sport"))
    if sport is None and content.sports:
        fallback = content.sports[index] if index < len(content.sports) else content.sports[0]
        sport, sub_sport = _word(fallback.get("sport")), _word(fallback.get("sub_sport"))
    if sport is None:
        sport = content.record_sport
    return sport, (None if sub_sport == "generic" else sub_sport)


def _build_activities(content: FitContent, source: str, warnings: list[str]) -> list[FitActivity]:
    """One activity per (non-transition) session, or one from all records when there is none."""
    columns = {
        name: np.asarray(values, dtype="float64") for name, values in content.columns.items()
    }
    times = columns["timestamp"]
    columns["heart_rate"] = fill_heart_rate(times, columns["heart_rate"], content.hrs)
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
        samples = _sample_columns(columns, mask, sport)
        if math.isnan(start_s):
            if not len(samples["time"]):
                continue
            start = datetime.fromtimestamp(int(samples["time"].min()), UTC)
        else:
            start = FIT_EPOCH + timedelta(seconds=start_s)
        timer_s, distance_m, ascent_m, short = session_totals(
            session, float(times[mask].max()) if mask.any() else math.nan
        )
        relative = start < FIT_EPOCH + timedelta(seconds=RELATIVE_TIME_LIMIT) or bool(
            (times[mask] < RELATIVE_TIME_LIMIT).any()
        )
        activities.append(
            FitActivity(
                sport=sport,
                sub_sport=sub_sport,
                start=start,
                source=source,
                columns=samples,
                format="fit",
                device=device,
                activity_type=activity_type,
                timer_s=timer_s,
                distance_m=distance_m,
                ascent_m=ascent_m,
                warnings=(
                    *warnings,
                    *([RELATIVE_TIMESTAMPS_WARNING] if relative else []),
                    *([short] if short else []),
                ),
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


def read_fit(data: bytes, source: str, *, decoder: Decoder = "auto") -> list[Activity]:
    """Read a FIT file's activities: one per session (multisport files give several).

    Damage near the end (a bad checksum, a cut-off or partly unreadable file) does not lose the
    data before it: the activity comes back with a warning saying what happened and where.

    Args:
        data: The file's bytes.
        source: Where the bytes came from, for errors and :attr:`Activity.source`.
        decoder: ``"auto"`` decodes with the fast decoder and falls back to fitparse for
            files it leaves; ``"fitparse"`` and ``"fast"`` use one alone (for tests and
            benchmarks; ``"fast"`` raises UnsupportedFileError for what it leaves).

    Returns:
        The activities, in file order; transition sessions are left out.

    Raises:
        CorruptFileError: The header is broken or nothing readable comes before the fault.
        NotAnActivityError: A settings, workout, weight-scale, monitoring... file.
        EmptyActivityError: An activity file with nothing to place in time.
    """
    return [activity.to_activity() for activity in read_fit_arrays(data, source, decoder=decoder)]


def read_fit_arrays(data: bytes, source: str, *, decoder: Decoder = "auto") -> list[FitActivity]:
    """Read a FIT file's activities as :func:`read_fit` does, without their samples frames.

    For what needs only the samples' arrays (:func:`loadwatch.ingest.summary.summarise_source`):
    building the frames is half the cost of reading a file.

    Raises:
        LoadwatchError: As :func:`read_fit`.
    """
    parse, warnings = _read_messages(data, source, decoder)
    return _fit_activities(parse, source, warnings)


def _activities(parse: Decoded, source: str, warnings: list[str]) -> list[Activity]:
    """The activities of a decoded file, or the error saying why it has none."""
    return [activity.to_activity() for activity in _fit_activities(parse, source, warnings)]


def _fit_activities(parse: Decoded, source: str, warnings: list[str]) -> list[FitActivity]:
    """The activities of a decoded file, without samples frames; or why it has none."""
    _check_is_activity(parse, source)
    return _build_activities(parse.content, source, warnings)
