"""Value checks shared by the config file and the command line.

Each takes a value as it came (from TOML or an option) and a ``where`` naming it for the
message, and returns it in loadwatch's form or raises :class:`~loadwatch.errors.ConfigError`
saying what a good value looks like; so ``--timezone`` and ``timezone =`` fail the same way.
:func:`system_timezone` is here too: the time zone when neither names one.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import zoneinfo
from pathlib import Path

from loadwatch.errors import ConfigError
from loadwatch.vocab import LoadBasis

#: What a week's load can be measured in, for ACWR, monotony and strain.
LOAD_BASES: tuple[str, ...] = tuple(basis.value for basis in LoadBasis)
#: The sexes Banister's TRIMP has constants for.
SEXES: tuple[str, ...] = ("male", "female")

_PACE = re.compile(r"^\s*(\d{1,2}):([0-5]\d)\s*(?:/\s*km)?\s*$")


def parse_pace(value: object, where: str = "pace") -> float:
    """Turn ``"4:45"`` (minutes:seconds per km) into seconds per km.

    Raises:
        ConfigError: When the value is not such a pace, or is not plausible for running.
    """
    match = _PACE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{where} must be minutes:seconds per km such as "4:45", not {value!r}')
    seconds = int(match.group(1)) * 60 + int(match.group(2))
    if not 120 <= seconds <= 1200:
        raise ConfigError(f"{where} must be between 2:00 and 20:00 per km, not {value!r}")
    return float(seconds)


def check_timezone(value: object, where: str = "timezone") -> str:
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
    raise ConfigError(
        f'{where} must be an IANA time zone name such as "Europe/Berlin" or '
        f'"America/New_York", not {value!r}'
    )


def check_threshold(value: object, where: str = "threshold") -> float:
    """Return ``value`` if it is a usable growth threshold (a fraction: 0.10 is 10%).

    Raises:
        ConfigError: When it is not a number between 0 and 5.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 5
    ):
        raise ConfigError(
            f"{where} must be a fraction between 0 and 5 (0.10 is 10%), not {value!r}"
        )
    return float(value)


def check_load(value: object, where: str = "load") -> LoadBasis:
    """Return ``value`` if it is one of :data:`LOAD_BASES`.

    Raises:
        ConfigError: Naming the choices.
    """
    return LoadBasis(_one_of(value, LOAD_BASES, where, f"one of {', '.join(LOAD_BASES)}"))


def check_acwr_limit(value: object, where: str = "acwr_limit") -> float:
    """Return ``value`` if it is a usable acute:chronic ratio limit (more than 1, at most 10).

    Raises:
        ConfigError: When it is not such a number.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 1 < value <= 10
    ):
        raise ConfigError(
            f"{where} must be a ratio above 1 and at most 10 (1.5 is the usual), not {value!r}"
        )
    return float(value)


def check_strength_target(value: object, where: str = "strength_target") -> int:
    """Return ``value`` if it is a whole number of sessions a week from 0 to 14.

    Raises:
        ConfigError: When it is not.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 14:
        raise ConfigError(f"{where} must be a whole number of sessions from 0 to 14, not {value!r}")
    return value


def check_sex(value: object, where: str = "sex") -> str:
    """Return ``value`` if it is one of :data:`SEXES` (any case).

    Raises:
        ConfigError: Naming the choices.
    """
    return _one_of(value, SEXES, where, '"male" or "female"')


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


def _one_of(value: object, choices: tuple[str, ...], where: str, wording: str) -> str:
    """``value`` in lower case if it is one of ``choices`` (any case and spacing around)."""
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise ConfigError(f"{where} must be {wording}, not {value!r}")
