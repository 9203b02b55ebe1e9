"""The checks of settings given as a day or counted in days: ``as_of``, ``nightly.stale_days``,
``risk.break_days``.

They follow :mod:`loadwatch.settings.checks`' rules: each takes the value as it came and the
setting it is for, and returns it in loadwatch's form or raises
:class:`~loadwatch.errors.ConfigError` naming the setting (and the config file, if any).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loadwatch.errors import ConfigError
from loadwatch.settings.checks import check_since


def check_as_of(value: object, setting: str = "as_of", *, path: Path | None = None) -> date:
    """Return ``value`` as the day an analysis is made on: a date, or text such as
    ``"2026-09-20"`` (a config file's ``as_of = 2026-09-20`` is a TOML date).

    Raises:
        ConfigError: When it is neither, naming the file it came from.
    """
    try:
        return check_since(value, setting)
    except ConfigError as error:
        if path is None:
            raise
        raise ConfigError(str(error), setting=setting, path=path) from error


def check_stale_days(
    value: object, setting: str = "nightly.stale_days", *, path: Path | None = None
) -> int:
    """Return ``value`` if it is a whole number of days, 1 or more: the days without a new
    activity after which a folder is called stale.

    Raises:
        ConfigError: When it is not.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"{setting} must be a whole number of days, 1 or more, not {value!r}",
            setting=setting,
            path=path,
        )
    return value


def check_break_days(
    value: object, setting: str = "risk.break_days", *, path: Path | None = None
) -> int:
    """Return ``value`` if it is a whole number of days from 1 to 30 (the spike window): the
    days without a run after which a run is judged as coming back from a break.

    Raises:
        ConfigError: When it is not.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
        raise ConfigError(
            f"{setting} must be a whole number of days from 1 to 30, not {value!r}",
            setting=setting,
            path=path,
        )
    return value
