"""Shoe settings: the ``[[shoes]]`` tables of a config file, checked and typed.

A pair of shoes is a name, the days it was in use and a distance limit. This is the settings
side only, so that reading a config needs no file discovery; which run was in which pair, and
how far each pair has gone, is :mod:`loadwatch.metrics.shoes`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from loadwatch.errors import ConfigError

#: Distance after which a pair of running shoes is worn out, unless the config says otherwise.
DEFAULT_SHOE_LIMIT_KM = 700.0


@dataclasses.dataclass(frozen=True)
class Shoe:
    """A pair of shoes from the config.

    Attributes:
        name: The name, as the runner (or Strava's gear list) calls it.
        first_day: First local day of use; runs from then on are in this pair. ``None``: the
            pair is only matched by name to Strava's gear column.
        last_day: Last local day of use, ``None`` while still in use.
        limit_km: Distance after which the pair is worn out.
    """

    name: str
    first_day: date | None = None
    last_day: date | None = None
    limit_km: float = DEFAULT_SHOE_LIMIT_KM

    def covers(self, day: date) -> bool:
        """Whether the pair was in use on ``day`` by its configured dates."""
        if self.first_day is None or day < self.first_day:
            return False
        return self.last_day is None or day <= self.last_day


def parse_shoes(value: object, path: Path | str) -> tuple[Shoe, ...]:
    """Validate the ``[[shoes]]`` tables of a config file.

    Raises:
        ConfigError: Naming the key and the file: an unknown key, a missing or empty name, a day
            that is not a date, a last day before the first, or a limit that is not a distance.
    """
    if not isinstance(value, list):
        raise ConfigError("'shoes' must be a list of [[shoes]] tables", path=path)
    return tuple(_shoe(item, index, path) for index, item in enumerate(value))


def _shoe(item: object, index: int, path: Path | str) -> Shoe:
    where = f"shoes[{index}]"
    if not isinstance(item, Mapping):
        raise ConfigError(f"'{where}' must be a table", path=path)
    known = {"name", "first_day", "last_day", "limit_km"}
    for key in item:
        if key not in known:
            raise ConfigError(
                f"unknown key '{where}.{key}' (known keys here: {', '.join(sorted(known))})",
                path=path,
            )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"'{where}.name' must be non-empty text", path=path)
    first = _day(item.get("first_day"), f"{where}.first_day", path)
    last = _day(item.get("last_day"), f"{where}.last_day", path)
    if first is not None and last is not None and last < first:
        raise ConfigError(f"'{where}.last_day' must not be before '{where}.first_day'", path=path)
    if last is not None and first is None:
        raise ConfigError(f"'{where}' has a last_day but no first_day", path=path)
    limit = item.get("limit_km", DEFAULT_SHOE_LIMIT_KM)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int | float)
        or not math.isfinite(limit)
        or not 0 < limit <= 10_000
    ):
        raise ConfigError(
            f"'{where}.limit_km' must be a distance in km between 0 and 10000, not {limit!r}",
            path=path,
        )
    return Shoe(name.strip(), first, last, float(limit))


def _day(value: object, where: str, path: Path | str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(
        f"'{where}' must be a date such as 2026-03-01 (YYYY-MM-DD), not {value!r}", path=path
    )
