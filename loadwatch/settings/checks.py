"""The checks every setting's value passes, wherever it came from: a config file, an option
of the command line, or a keyword of a Python call.

Each takes the value as it came and the ``setting`` it is for, as a config file names it
(``"threshold"``, ``"athlete.rest_hr"``), and returns it in loadwatch's form or raises
:class:`~loadwatch.errors.ConfigError` whose message begins with the setting and says what a
good value looks like; ``path`` is the config file the value came from, if it did. So
``threshold = -1`` in a file, ``--threshold -1`` and ``analyze(..., threshold=-1)`` fail the
same way, and each rule is written once. :func:`system_timezone` is here too: the time zone
when nothing names one.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import zoneinfo
from datetime import date, datetime
from pathlib import Path

from loadwatch.errors import ConfigError
from loadwatch.vocab import LoadBasis, OnError, WeekStart

#: What a week's load can be measured in, for ACWR, monotony and strain.
LOAD_BASES: tuple[str, ...] = tuple(basis.value for basis in LoadBasis)
#: The sexes Banister's TRIMP has constants for.
SEXES: tuple[str, ...] = ("male", "female")

_PACE = re.compile(r"^\s*(\d{1,2}):([0-5]\d)\s*(?:/\s*km)?\s*$")
_Where = str | Path | None


def parse_pace(
    value: object, setting: str = "athlete.threshold_pace", *, path: _Where = None
) -> float:
    """Turn ``"4:45"`` (minutes:seconds per km) into seconds per km.

    Raises:
        ConfigError: When the value is not such a pace, or is not plausible for running.
    """
    match = _PACE.match(value) if isinstance(value, str) else None
    if match is None:
        raise _bad(setting, 'minutes:seconds per km such as "4:45"', value, path)
    seconds = int(match.group(1)) * 60 + int(match.group(2))
    if not 120 <= seconds <= 1200:
        raise _bad(setting, "between 2:00 and 20:00 per km", value, path)
    return float(seconds)


def check_pace_seconds(
    value: object, setting: str = "athlete.threshold_pace_s_per_km", *, path: _Where = None
) -> float:
    """Return ``value`` if it is a plausible running pace in seconds per km (120 to 1200).

    Raises:
        ConfigError: When it is not.
    """
    if (number := _number(value)) is None or not 120 <= number <= 1200:
        raise _bad(setting, "seconds per km between 120 and 1200 (2:00 to 20:00)", value, path)
    return number


def check_timezone(value: object, setting: str = "timezone", *, path: _Where = None) -> str:
    """Return ``value`` if it is a known IANA time zone name.

    Raises:
        ConfigError: Saying what a valid name looks like.
    """
    if isinstance(value, str) and value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return value
    wanted = 'an IANA time zone name such as "Europe/Berlin" or "America/New_York"'
    raise _bad(setting, wanted, value, path)


def check_threshold(value: object, setting: str = "threshold", *, path: _Where = None) -> float:
    """Return ``value`` if it is a usable growth threshold (a fraction: 0.10 is 10%).

    Raises:
        ConfigError: When it is not a number between 0 and 5.
    """
    if (number := _number(value)) is None or not 0 <= number <= 5:
        raise _bad(setting, "a fraction between 0 and 5 (0.10 is 10%)", value, path)
    return number


def check_load(value: object, setting: str = "risk.load", *, path: _Where = None) -> LoadBasis:
    """Return ``value`` if it is one of :data:`LOAD_BASES`.

    Raises:
        ConfigError: Naming the choices.
    """
    return LoadBasis(_one_of(value, LOAD_BASES, setting, f"one of {', '.join(LOAD_BASES)}", path))


def check_acwr_limit(
    value: object, setting: str = "risk.acwr_limit", *, path: _Where = None
) -> float:
    """Return ``value`` if it is a usable acute:chronic ratio limit (more than 1, at most 10).

    Raises:
        ConfigError: When it is not such a number.
    """
    if (number := _number(value)) is None or not 1 < number <= 10:
        raise _bad(setting, "a ratio above 1 and at most 10 (1.5 is the usual)", value, path)
    return number


def check_strength_target(
    value: object, setting: str = "risk.strength_target", *, path: _Where = None
) -> int:
    """Return ``value`` if it is a whole number of sessions a week from 0 to 14.

    Raises:
        ConfigError: When it is not.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 14:
        raise _bad(setting, "a whole number of sessions from 0 to 14", value, path)
    return value


def check_sex(value: object, setting: str = "athlete.sex", *, path: _Where = None) -> str:
    """Return ``value`` if it is one of :data:`SEXES` (any case).

    Raises:
        ConfigError: Naming the choices.
    """
    return _one_of(value, SEXES, setting, '"male" or "female"', path)


def check_heart_rate(value: object, setting: str, *, path: _Where = None) -> float:
    """Return ``value`` if it is a heart rate in bpm from 25 to 250.

    Raises:
        ConfigError: When it is not.
    """
    if (number := _number(value)) is None or not 25 <= number <= 250:
        raise _bad(setting, "a heart rate in bpm between 25 and 250", value, path)
    return number


def check_heart_rates(
    rest_hr: float | None,
    max_hr: float | None,
    threshold_hr: float | None,
    *,
    path: _Where = None,
    given: frozenset[str] = frozenset(),
) -> None:
    """Check that the athlete's heart rates make sense together (``None``: not known).

    Rest must be below max, and the threshold above rest and at most max.

    Args:
        rest_hr: Resting heart rate.
        max_hr: Maximum heart rate.
        threshold_hr: Threshold heart rate.
        path: The config file they came from, if one.
        given: Which of ``"rest_hr"`` and ``"max_hr"`` the caller set now (an option) on top
            of a config file's: when only the maximum was, the error names it, the value to fix.

    Raises:
        ConfigError: Naming ``athlete.rest_hr``, ``athlete.max_hr`` or ``athlete.threshold_hr``.
    """
    if rest_hr is not None and max_hr is not None and rest_hr >= max_hr:
        if "max_hr" in given and "rest_hr" not in given:
            raise ConfigError(
                f"athlete.max_hr must be higher than athlete.rest_hr ({rest_hr:g}), not {max_hr:g}",
                setting="athlete.max_hr",
                path=path,
            )
        raise ConfigError(
            f"athlete.rest_hr must be lower than athlete.max_hr ({max_hr:g}), not {rest_hr:g}",
            setting="athlete.rest_hr",
            path=path,
        )
    if threshold_hr is None:
        return
    above = f"above athlete.rest_hr ({rest_hr:g})" if rest_hr is not None else ""
    below = f"at most athlete.max_hr ({max_hr:g})" if max_hr is not None else ""
    if (rest_hr is not None and threshold_hr <= rest_hr) or (
        max_hr is not None and threshold_hr > max_hr
    ):
        bounds = " and ".join(part for part in (above, below) if part)
        raise ConfigError(
            f"athlete.threshold_hr must be {bounds}, not {threshold_hr:g}",
            setting="athlete.threshold_hr",
            path=path,
        )


def check_since(value: object, setting: str = "since") -> date:
    """Return ``value`` as a date: a :class:`~datetime.date`, or text such as ``"2026-06-01"``.

    Raises:
        ConfigError: When it is neither.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value.strip())
    raise _bad(setting, "a date such as 2026-06-01 (YYYY-MM-DD)", value, None)


def check_osm(value: object, setting: str = "surfaces.osm", *, path: _Where = None) -> Path:
    """Return ``value`` as the path of an OpenStreetMap extract (``~`` expanded).

    Whether the file is there and readable is found out when it is read.

    Raises:
        ConfigError: When it is not a path at all (empty text, a number).
    """
    if isinstance(value, os.PathLike) or (isinstance(value, str) and value.strip()):
        return Path(value).expanduser()
    raise _bad(setting, "the path of an OSM extract (.osm.pbf)", value, path)


def check_body_log(value: object, setting: str = "body.log", *, path: _Where = None) -> Path:
    """Return ``value`` as the path of the body log (``~`` expanded); see ``docs/body-log.md``.

    Raises:
        ConfigError: When it is not a path at all (empty text, a number).
    """
    if isinstance(value, os.PathLike) or (isinstance(value, str) and value.strip()):
        return Path(value).expanduser()
    raise ConfigError(
        f"{setting} must be the path of the body log file, not {value!r}",
        setting=setting,
        path=path,
    )


def check_on_error(value: object, setting: str = "on_error") -> OnError:
    """Return ``value`` if it is one of :class:`~loadwatch.vocab.OnError` (any case).

    Raises:
        ConfigError: Naming the choices.
    """
    choices = tuple(member.value for member in OnError)
    return OnError(_one_of(value, choices, setting, f"one of {', '.join(choices)}", None))


def check_jobs(value: object, setting: str = "jobs") -> int:
    """Return ``value`` if it is a whole number of files to parse at once, 1 or more.

    Raises:
        ConfigError: When it is not.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(setting, "a whole number, 1 or more", value, None)
    return value


def check_settle(value: object, setting: str = "settle_s") -> float:
    """Return ``value`` if it is a number of seconds, 0 or more.

    Raises:
        ConfigError: When it is not.
    """
    if (number := _number(value)) is None or number < 0:
        raise _bad(setting, "a number of seconds, 0 or more", value, None)
    return number


def check_min_run_s(
    value: object, setting: str = "runs.min_duration_s", *, path: _Where = None
) -> float:
    """Return ``value`` if it is the shortest run in seconds: 0 (no minimum) up to an hour.

    Raises:
        ConfigError: When it is not.
    """
    if (number := _number(value)) is None or not 0 <= number <= 3600:
        raise _bad(setting, "a number of seconds from 0 to 3600 (120 is the default)", value, path)
    return number


def check_min_run_m(
    value: object, setting: str = "runs.min_distance_m", *, path: _Where = None
) -> float:
    """Return ``value`` if it is the shortest run in metres: 0 (no minimum) up to 10 km.

    Raises:
        ConfigError: When it is not.
    """
    if (number := _number(value)) is None or not 0 <= number <= 10_000:
        raise _bad(setting, "a number of metres from 0 to 10000 (200 is the default)", value, path)
    return number


def check_week_start(
    value: object, setting: str = "week_start", *, path: _Where = None
) -> WeekStart:
    """Return ``value`` if it is a day weeks can begin on (see :class:`~loadwatch.vocab.WeekStart`),
    in any case (``"Sunday"`` is Sunday).

    Raises:
        ConfigError: Naming the choices.
    """
    if isinstance(value, str):
        value = value.strip().lower()
    choices = tuple(member.value for member in WeekStart)
    wording = " or ".join(f'"{choice}"' for choice in choices)
    return WeekStart(_one_of(value, choices, setting, wording, path))


def system_timezone() -> str:
    """The IANA name of this machine's time zone, ``"UTC"`` when it cannot be told."""
    candidates: list[str] = []
    if os.environ.get("TZ"):
        candidates.append(os.environ["TZ"].lstrip(":"))
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def _one_of(
    value: object, choices: tuple[str, ...], setting: str, wording: str, path: _Where
) -> str:
    """``value`` in lower case if it is one of ``choices`` (any case and spacing around)."""
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise _bad(setting, wording, value, path)


def _number(value: object) -> float | None:
    """``value`` as a float if it is a finite int or float (``True`` is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _bad(setting: str, wanted: str, value: object, path: _Where) -> ConfigError:
    """The error for a value of ``setting`` that is not ``wanted``."""
    return ConfigError(f"{setting} must be {wanted}, not {value!r}", setting=setting, path=path)
