"""The settings of an analysis, resolved once: option > config file > default, each value checked.

:func:`resolve_options` is the one place that decides what an analysis runs with: for each
scalar setting of :data:`~loadwatch.settings.declared.SETTINGS` the value a caller gave (a
keyword, or an option of the command line), else the config files', else the default
(:class:`~loadwatch.model.AnalyzeOptions`' own, or one the declaration finds out), checked by
the declared check on the way in; the athlete's numbers are overlaid field by field. The
result is an :class:`~loadwatch.model.AnalyzeOptions` that :func:`~loadwatch.analysis.analyze`
and :func:`~loadwatch.nightly.runner.run` take as it is.

It sits just above :mod:`loadwatch.model`, whose type it makes, and imports only that and
:mod:`loadwatch.settings` (which cannot hold it: model.py imports the settings' types).
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Unpack

from loadwatch.errors import ConfigError
from loadwatch.model import AnalyzeOptions, OptionValues
from loadwatch.settings.checks import (
    check_heart_rate,
    check_heart_rates,
    check_pace_seconds,
    check_sex,
    check_timezone,
)
from loadwatch.settings.config import Athlete, Config, config_layers, load_config
from loadwatch.settings.declared import SETTINGS, Setting

#: The keywords :func:`resolve_options` takes besides the scalar settings of
#: :data:`~loadwatch.settings.declared.SETTINGS`.
_OWN_KEYWORDS = frozenset({"athlete", "config"})


def option_names() -> frozenset[str]:
    """The keywords :func:`resolve_options` takes: one per field of AnalyzeOptions."""
    return _OWN_KEYWORDS | {setting.field for setting in SETTINGS}


def resolve_options(
    path: str | Path | Sequence[str | Path] | None = None, **given: Unpack[OptionValues]
) -> AnalyzeOptions:
    """Every setting of an analysis of ``path``: the given value, else the config's, else the
    default, each checked once.

    Args:
        path: The analysed folder (or file), or several: each one's ``loadwatch.toml`` is
            read. ``None`` reads only the user config and ``config``.
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
    unknown = sorted(set(given) - option_names())
    if unknown:
        raise TypeError(f"unknown setting(s): {', '.join(unknown)}")
    values: dict[str, Any] = dict(given)
    config = values.get("config")
    settings = config if isinstance(config, Config) else load_config(path, config)
    chosen = {setting.field: _chosen(setting, values, settings) for setting in SETTINGS}
    if chosen["as_of"] is None:  # checked first: today in a bad time zone is no day at all
        chosen["as_of"] = today(check_timezone(chosen["timezone"]))
    return AnalyzeOptions(
        **chosen, athlete=_athlete(settings.athlete, values.get("athlete")), config=settings
    )


@dataclasses.dataclass(frozen=True)
class SettingOrigin:
    """One setting in force, and where its value came from.

    Attributes:
        name: The setting as a config file names it (``"threshold"``, ``"athlete.max_hr"``,
            ``"shoes"``: one entry per pair).
        value: Its value in force (``None``: not set, and no default).
        origin: The config file that set it, or ``"option"`` (the caller gave it), or
            ``"default"``.
    """

    name: str
    value: object
    origin: Path | str


#: The athlete's numbers: their key in a config file's ``[athlete]``, and their Athlete field.
_ATHLETE_KEYS = {
    "rest_hr": "rest_hr",
    "max_hr": "max_hr",
    "threshold_hr": "threshold_hr",
    "threshold_pace": "threshold_pace_s_per_km",
    "sex": "sex",
}


def setting_origins(
    path: str | Path | Sequence[str | Path] | None = None, **given: Unpack[OptionValues]
) -> list[SettingOrigin]:
    """Every setting :func:`resolve_options` resolves for ``path`` and ``given``, and where
    each came from: the same precedence, option > the last config file that sets it > default.

    Raises:
        As :func:`resolve_options`.
    """
    options = resolve_options(path, **given)
    values: dict[str, Any] = dict(given)
    config = values.get("config")
    layers: list[tuple[Path | str, Config]] = (
        [("the given Config", config)]
        if isinstance(config, Config)
        else list(config_layers(path, config))
    )
    found = []
    for setting in SETTINGS:
        set_by = [
            (where, getattr(layer, setting.field) if setting.in_file else None)
            for where, layer in layers
        ]
        origin = _origin(values.get(setting.field), set_by)
        found.append(SettingOrigin(setting.name, getattr(options, setting.field), origin))
    athlete = values.get("athlete")
    for key, field in _ATHLETE_KEYS.items():
        mine = getattr(athlete, field) if isinstance(athlete, Athlete) else None
        set_by = [(where, getattr(layer.athlete, field)) for where, layer in layers]
        found.append(
            SettingOrigin(f"athlete.{key}", getattr(options.athlete, field), _origin(mine, set_by))
        )
    found += [
        SettingOrigin("shoes", shoe.name, where) for where, layer in layers for shoe in layer.shoes
    ]
    return found


def _origin(given: object, set_by: list[tuple[Path | str, object]]) -> Path | str:
    """Where a value came from: the caller, else the last file that set it, else the default."""
    if given is not None:
        return "option"
    for where, value in reversed(set_by):
        if value is not None:
            return where
    return "default"


def today(timezone: str) -> date:
    """Today's date in ``timezone``: the default ``as_of``, and the one place that reads the clock.

    Args:
        timezone: A checked IANA time zone name.
    """
    return datetime.now(zoneinfo.ZoneInfo(timezone)).date()


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


def _chosen(setting: Setting, given: dict[str, Any], config: Config) -> Any:
    """``setting``'s value: the given one (checked as AnalyzeOptions is made), else the config
    files' (checked as each file was read), else the default."""
    value = given.get(setting.field)
    if value is not None:
        return value
    configured = getattr(config, setting.field) if setting.in_file else None
    if configured is not None:
        return configured
    return _default(setting)


def _default(setting: Setting) -> Any:
    """``setting``'s default: found out now if the declaration says how, else AnalyzeOptions'."""
    if setting.default is not None:
        return setting.default()
    (field,) = (
        field for field in dataclasses.fields(AnalyzeOptions) if field.name == setting.field
    )
    return field.default


def _athlete(configured: Athlete, given: Athlete | None) -> Athlete:
    """The config's athlete numbers with the given ones on top, checked alone and together."""
    if given is None:  # each config file was checked alone; AnalyzeOptions checks them together
        return configured
    athlete = _overlay(configured, _checked(given))
    # Checked together here too, to name the number the caller set when it clashes with one
    # from a config file (--max-hr 50 under a config's rest_hr 55 is the option's fault).
    chosen = frozenset(name for name in ("rest_hr", "max_hr") if getattr(given, name) is not None)
    check_heart_rates(athlete.rest_hr, athlete.max_hr, athlete.threshold_hr, given=chosen)
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
