"""Polar HRM reader: the text files of Polar Precision Performance (S610, S625X, S725X, CS400...).

The layout follows Polar Electro's "HRM file format" description (Polar Precision Performance,
file versions 1.05 to 1.07): ``[Section]`` headers, ``key=value`` lines in ``[Params]``, and one
line of tab-separated integers per sample in ``[HRData]``. Facts used, all from that document:

- ``Date`` is ``yyyymmdd`` and ``StartTime`` ``h:mm:ss.s``, the watch's local time without a
  zone; ``Interval`` is the seconds between samples, except 238 (R-R intervals, beat by beat)
  and 204 (intermittent recording), which are not a regular recording.
- ``SMode`` (version 1.06 on) is a string of flags ``abcdefghi``: a speed, b cadence,
  c altitude, d power, e power left-right balance, f power pedalling index, g cycling data
  (0 heart rate only, 1 heart rate and cycling), h units (0 metric, 1 US), i air pressure.
  Older files have ``Mode`` = ``abc`` instead: a 0 cadence, 1 altitude, 3 neither; b as g;
  c as h.
- The columns of ``[HRData]`` are heart rate, then speed, cadence, altitude, power, the
  balance/pedalling-index pair (one column) and air pressure, each only when its flag is 1.
- Speed is in 0.1 km/h (0.1 mph in US units); altitude in metres (feet in US units).

The file does not say which sport it was: a file with cycling data (flag g) is a ride, any
other is "other". No distance is stored per sample, so it is summed from speed.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd

from loadwatch.errors import CorruptFileError, EmptyActivityError, UnsupportedFileError
from loadwatch.ingest.activity import Activity, make_samples

_KMH = 1000.0 / 3600.0
_MPH = 1609.344 / 3600.0
_FOOT = 0.3048
_INTERVAL_RR = 238
_INTERVAL_INTERMITTENT = 204
# Column flags of SMode, in file order after heart rate: (flag position, column name).
_SMODE_COLUMNS = ((0, "speed"), (1, "cadence"), (2, "altitude"), (3, "power"))
_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")
_LOCAL_TIME_NOTE = "the file gives local time without a time zone; it is read as UTC"


def read_hrm(data: bytes, source: str) -> list[Activity]:
    """Read the one recording of a Polar HRM file.

    Samples are heart rate, and speed, cadence and altitude when ``SMode`` says the file has
    them, one every ``Interval`` seconds from ``Date`` and ``StartTime``; distance is summed
    from speed. ``timer_s`` is ``Length``. The start is local time without a zone, read as UTC
    (with a warning): a week boundary may then be off by the hours of the runner's time zone.

    Raises:
        CorruptFileError: Not text, no ``[Params]`` or ``[HRData]``, or unreadable values.
        UnsupportedFileError: R-R interval or intermittent recordings.
        EmptyActivityError: No sample rows.
    """
    try:
        text = data.decode("latin-1")  # Polar wrote the bytes of the PC's code page
    except UnicodeDecodeError as e:  # not reachable: every byte is a latin-1 character
        raise CorruptFileError("is not text", path=source) from e
    if "\x00" in text:
        raise CorruptFileError(
            "is not a readable Polar HRM file: it holds binary data, not text; export it again",
            path=source,
        )
    sections = _sections(text)
    params = _params(sections.get("params"), source)
    interval = _int_param(params, "Interval", source)
    if interval in (_INTERVAL_RR, _INTERVAL_INTERMITTENT) or interval <= 0:
        kind = "beat-to-beat R-R intervals" if interval == _INTERVAL_RR else "no steady interval"
        raise UnsupportedFileError(
            f"is a Polar HRM file of {kind}, not a recording at regular intervals, which "
            "loadwatch does not read",
            path=source,
        )
    flags = _flags(params)
    rows = _rows(sections.get("hrdata"), source)
    if rows.shape[0] == 0:
        raise EmptyActivityError("is a Polar HRM file without heart-rate samples", path=source)
    start = _start(params, source)
    return [_activity(rows, flags, start, interval, params, source)]


def _activity(
    rows: np.ndarray,
    flags: str,
    start: pd.Timestamp,
    interval: int,
    params: dict[str, str],
    source: str,
) -> Activity:
    """The activity of a parsed file: its columns named by its flags, converted to SI units."""
    names = ["hr"] + [name for position, name in _SMODE_COLUMNS if flags[position] == "1"]
    us_units = flags[7] == "1"
    if rows.shape[1] < len(names):
        raise CorruptFileError(
            f"is a Polar HRM file whose samples have {rows.shape[1]} columns where its SMode "
            f"says {len(names)}; export it again",
            path=source,
        )
    column = {name: rows[:, i].astype("float64") for i, name in enumerate(names)}
    count = rows.shape[0]
    times = start + pd.to_timedelta(np.arange(count) * interval, unit="s")
    hr = column["hr"]
    hr[hr <= 0] = np.nan
    speed = column.get("speed", np.full(count, np.nan)) * 0.1 * (_MPH if us_units else _KMH)
    distance = np.full(count, np.nan)
    if "speed" in column:
        # Each sample's speed held until the next one (the watch averages over the interval).
        distance = np.r_[0.0, np.cumsum(np.nan_to_num(speed[:-1]) * interval)]
    altitude = column.get("altitude", np.full(count, np.nan)) * (_FOOT if us_units else 1.0)
    cycling = flags[6] == "1"
    samples = make_samples(
        {
            "time": pd.Series(times),
            "distance_m": distance,
            "speed_mps": speed,
            "hr_bpm": hr,
            "cadence_spm": column.get("cadence"),
            "altitude_m": altitude,
        }
    )
    return Activity(
        sport="cycling" if cycling else "other",
        sub_sport=None,
        start=start.to_pydatetime(),
        source=source,
        samples=samples,
        format="hrm",
        device=f"polar monitor {params['Monitor']}" if params.get("Monitor") else None,
        activity_type="cycling" if cycling else None,
        timer_s=_length_s(params.get("Length")),
        distance_m=float(distance[-1]) if "speed" in column else None,
        warnings=(_LOCAL_TIME_NOTE,),
    )


def _sections(text: str) -> dict[str, list[str]]:
    """Each ``[Section]``'s lines (stripped, blank ones left out), keyed by its lower-case name."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = _SECTION.match(line.strip())
        if match:
            current = sections.setdefault(match.group(1).strip().lower(), [])
        elif current is not None and line.strip():
            current.append(line.strip())
    return sections


def _params(lines: list[str] | None, source: str) -> dict[str, str]:
    """The ``key=value`` pairs of ``[Params]``."""
    if lines is None:
        raise CorruptFileError(
            "is not a readable Polar HRM file: it has no [Params] section", path=source
        )
    pairs = (line.partition("=") for line in lines)
    return {key.strip(): value.strip() for key, sep, value in pairs if sep}


def _int_param(params: dict[str, str], key: str, source: str) -> int:
    """One integer parameter, required."""
    try:
        return int(params[key])
    except (KeyError, ValueError) as e:
        raise CorruptFileError(
            f"is not a readable Polar HRM file: its {key} parameter is missing or not a number",
            path=source,
        ) from e


def _flags(params: dict[str, str]) -> str:
    """The nine SMode flags ``abcdefghi``, built from the older ``Mode`` when there is no SMode."""
    smode = params.get("SMode")
    if smode is not None:
        return (smode + "0" * 9)[:9]
    mode = (params.get("Mode", "3") + "000")[:3]
    cadence = "1" if mode[0] == "0" else "0"
    altitude = "1" if mode[0] == "1" else "0"
    return f"0{cadence}{altitude}000{mode[1]}{mode[2]}0"


def _rows(lines: list[str] | None, source: str) -> np.ndarray:
    """The ``[HRData]`` rows as an integer array (one row per sample)."""
    if lines is None:
        raise CorruptFileError(
            "is not a readable Polar HRM file: it has no [HRData] section with the samples",
            path=source,
        )
    try:
        parsed = [[int(value) for value in line.split()] for line in lines]
    except ValueError as e:
        raise CorruptFileError(
            f"is not a readable Polar HRM file: a sample is not a number ({e})", path=source
        ) from e
    width = min((len(row) for row in parsed), default=0)
    return np.asarray([row[:width] for row in parsed], dtype=np.int64).reshape(len(parsed), width)


def _start(params: dict[str, str], source: str) -> pd.Timestamp:
    """``Date`` and ``StartTime`` as a UTC time (the file's local time, zone unknown)."""
    try:
        day = datetime.strptime(params["Date"], "%Y%m%d")
        clock = pd.to_timedelta(params["StartTime"])
    except (KeyError, ValueError) as e:
        raise CorruptFileError(
            "is not a readable Polar HRM file: its Date or StartTime is missing or unreadable",
            path=source,
        ) from e
    return pd.Timestamp(day, tz="UTC") + clock


def _length_s(text: str | None) -> float | None:
    """``Length`` (``h:mm:ss.s``) in seconds, or None when missing or unreadable."""
    if not text:
        return None
    try:
        return float(pd.to_timedelta(text).total_seconds())
    except ValueError:
        return None
