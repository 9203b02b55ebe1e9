"""The settings of an analysis, resolved once: option > config file > default, each value checked.

:func:`resolve_options` is the one place that decides what an analysis runs with: for each
setting the value a caller gave (a keyword, or an option of the command line), else the
config files', else loadwatch's default, checked by :mod:`loadwatch.settings.checks` on the way
in. The result is an :class:`~loadwatch.model.AnalyzeOptions` that
:func:`~loadwatch.analysis.analyze` and :func:`~loadwatch.nightly.runner.run` take as it is.

It sits just above :mod:`loadwatch.model`, whose type it makes, and imports only that and
:mod:`loadwatch.settings` (which cannot hold it: model.py imports the settings' types).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, Unpack

from loadwatch.errors import ConfigError
from loadwatch.model import AnalyzeOptions, OptionValues
from loadwatch.settings.checks import (
    check_acwr_limit,
    check_heart_rate,
    check_heart_rates,
    check_jobs,
    check_load,
    check_on_error,
    check_osm,
    check_pace_seconds,
    check_settle,
    check_sex,
    check_since,
    check_strength_target,
    check_threshold,
    check_timezone,
    check_week_start,
    system_timezone,
)
from loadwatch.settings.config import Athlete, Config, load_config

_T = TypeVar("_T")

#: The keywords :func:`resolve_options` takes: one per field of AnalyzeOptions.
OPTION_NAMES: frozenset[str] = OptionValues.__optional_keys__
#: Every setting's default, as AnalyzeOptions declares it (the time zone's is the system's).
_DEFAULT = AnalyzeOptions(timezone="UTC")


def resolve_options(
    path: str | Path | None = None, **given: Unpack[OptionValues]
) -> AnalyzeOptions:
    """Every setting of an analysis of ``path``: the given value, else the config's, else the
    default, each checked once.

    Args:
        path: The analysed folder (or file): its ``loadwatch.toml`` is read. ``None`` reads
            only the user config and ``config``.
        **given: The settings the caller chose (see :class:`~loadwatch.model.OptionValues`);
            a value left out or ``None`` is taken from the config files, else the default.

    Returns:
        The resolved options.

    Raises:
        ConfigError: A config file or a given value that cannot be used; its ``setting`` names
            the setting (``"threshold"``, ``"athlete.rest_hr"``), and its ``path`` the file
            when the value came from one.
        SourceError: ``path`` is a folder that cannot be read.
        TypeError: A keyword that is not a setting.
    """
    unknown = sorted(set(given) - OPTION_NAMES)
    if unknown:
        raise TypeError(f"unknown setting(s): {', '.join(unknown)}")
    config = given.get("config")
    settings = config if isinstance(config, Config) else load_config(path, config)
    zone = given.get("timezone")
    return AnalyzeOptions(
        timezone=check_timezone(zone) if zone is not None else _zone(settings),
        threshold=_chosen(
            given.get("threshold"), check_threshold, settings.threshold, _DEFAULT.threshold
        ),
        since=_chosen(given.get("since"), check_since, None, _DEFAULT.since),
        athlete=_athlete(settings.athlete, given.get("athlete")),
        load=_chosen(given.get("load"), check_load, settings.load, _DEFAULT.load),
        acwr_limit=_chosen(
            given.get("acwr_limit"), check_acwr_limit, settings.acwr_limit, _DEFAULT.acwr_limit
        ),
        strength_target=_chosen(
            given.get("strength_target"),
            check_strength_target,
            settings.strength_target,
            _DEFAULT.strength_target,
        ),
        osm=_chosen(given.get("osm"), check_osm, settings.osm, _DEFAULT.osm),
        on_error=_chosen(given.get("on_error"), check_on_error, None, _DEFAULT.on_error),
        jobs=_chosen(given.get("jobs"), check_jobs, None, _DEFAULT.jobs),
        settle_s=_chosen(given.get("settle_s"), check_settle, None, _DEFAULT.settle_s),
        week_start=_chosen(
            given.get("week_start"), check_week_start, settings.week_start, _DEFAULT.week_start
        ),
        config=settings,
    )


def override_options(options: AnalyzeOptions, **given: Unpack[OptionValues]) -> AnalyzeOptions:
    """``options`` with some settings changed, the new values checked as
    :func:`resolve_options` checks them (``athlete`` changes only the numbers it sets).

    Raises:
        ConfigError: A given value that cannot be used, naming its setting.
        TypeError: A keyword that is not a setting, or ``config``: the config files were read
            when ``options`` was made, so resolve the options again instead.
    """
    if "config" in given:
        raise TypeError("config cannot be overridden: resolve the options again with it")
    current = {field.name: getattr(options, field.name) for field in dataclasses.fields(options)}
    athlete = given.get("athlete")
    if isinstance(athlete, Athlete):  # anything else is refused by resolve_options
        given["athlete"] = _overlay(options.athlete, athlete)
    return resolve_options(None, **{**current, **given})


def _zone(config: Config) -> str:
    """The time zone when no option names one: the config's, else the system's."""
    return config.timezone or system_timezone()


def _chosen(value: object, check: Callable[[object], _T], configured: _T | None, default: _T) -> _T:
    """``value`` checked if it was given, else ``configured`` if a config file set it, else
    ``default``."""
    if value is not None:
        return check(value)
    return configured if configured is not None else default


def _athlete(configured: Athlete, given: Athlete | None) -> Athlete:
    """The config's athlete numbers with the given ones on top, checked alone and together."""
    athlete = configured if given is None else _overlay(configured, _checked(given))
    # Each config file was checked alone; numbers from several files or the options meet here.
    check_heart_rates(athlete.rest_hr, athlete.max_hr, athlete.threshold_hr)
    return athlete


def _checked(athlete: object) -> Athlete:
    """The athlete numbers a caller gave, each checked.

    Raises:
        ConfigError: A number that cannot be used, or not an :class:`Athlete` at all.
    """
    if not isinstance(athlete, Athlete):
        raise ConfigError(
            f"athlete must be an Athlete(rest_hr=..., max_hr=...), not {athlete!r}",
            setting="athlete",
        )
    rates = {
        name: check_heart_rate(value, f"athlete.{name}")
        for name in ("rest_hr", "max_hr", "threshold_hr")
        if (value := getattr(athlete, name)) is not None
    }
    pace, sex = athlete.threshold_pace_s_per_km, athlete.sex
    return dataclasses.replace(
        athlete,
        **rates,
        threshold_pace_s_per_km=None if pace is None else check_pace_seconds(pace),
        sex=None if sex is None else check_sex(sex),
    )


def _overlay(base: Athlete, top: Athlete) -> Athlete:
    """``base`` with every number ``top`` knows replaced by ``top``'s."""
    changes = {
        field.name: getattr(top, field.name)
        for field in dataclasses.fields(Athlete)
        if getattr(top, field.name) is not None
    }
    return dataclasses.replace(base, **changes)
