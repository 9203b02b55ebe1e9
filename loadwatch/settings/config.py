"""Configuration: the athlete's numbers, the time zone, the threshold and surface rules.

Read from TOML files, lowest precedence first: the user config
(``$XDG_CONFIG_HOME/loadwatch/config.toml`` or the platform's equivalent), ``loadwatch.toml`` in
the analysed folder, then ``--config FILE``; options given on the command line or to the Python
functions win over all of them (:func:`loadwatch.options.resolve_options` puts them together).
A key loadwatch does not know, or a value it cannot use, is an error naming the key and the
file, never silently ignored::

    timezone = "Europe/Berlin"
    threshold = 0.10
    week_start = "sunday"       # weeks run Sunday to Saturday (default "monday")

    [athlete]
    rest_hr = 52
    max_hr = 188
    threshold_hr = 172          # optional; derived from rest and max when absent
    threshold_pace = "4:45"     # per km, minutes:seconds
    sex = "female"              # Banister TRIMP constants: "male" (default) or "female"

    [risk]
    load = "distance"           # basis of ACWR, monotony and strain: distance, duration, trimp
    acwr_limit = 1.5            # ACWR above this raises the acwr flag
    strength_target = 2         # strength sessions a week before the low_strength note

    [[shoes]]
    name = "Pegasus 40"         # as Strava's gear list names it, if you use Strava
    first_day = 2026-03-01      # runs from this day on are in this pair...
    last_day = 2026-09-30       # ...up to this day (leave out while in use)
    limit_km = 700              # optional; 700 km when left out

    [surfaces]
    osm = "berlin.osm.pbf"      # a map of your region: road, trail or track from the map

    [[surfaces.rules]]
    path = "track-sessions/*"   # glob on the file's path inside the folder
    surface = "track"

    [[surfaces.rules]]
    name = "parkrun"            # text in the activity's name, any case
    surface = "trail"
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from loadwatch.errors import ConfigError, SourceError, unreadable_folder
from loadwatch.settings.checks import (
    check_acwr_limit,
    check_heart_rate,
    check_heart_rates,
    check_load,
    check_osm,
    check_sex,
    check_strength_target,
    check_threshold,
    check_timezone,
    check_week_start,
    parse_pace,
)
from loadwatch.settings.dirs import user_config_dir
from loadwatch.settings.shoes import Shoe, parse_shoes
from loadwatch.vocab import LoadBasis, WeekStart

#: Surface classes, in the order they are shown.
SURFACES: tuple[str, ...] = ("road", "trail", "track", "treadmill", "unknown")

#: The name of the per-folder config file.
FOLDER_CONFIG = "loadwatch.toml"


@dataclasses.dataclass(frozen=True)
class Athlete:
    """The athlete's physiology; ``None`` means "derive it from the history".

    Attributes:
        rest_hr: Resting heart rate (bpm).
        max_hr: Maximum heart rate (bpm).
        threshold_hr: Heart rate at (lactate) threshold (bpm).
        threshold_pace_s_per_km: Threshold pace in seconds per km.
        sex: ``"male"`` or ``"female"``: which of Banister's TRIMP constants apply
            (``None``: the male ones).
    """

    rest_hr: float | None = None
    max_hr: float | None = None
    threshold_hr: float | None = None
    threshold_pace_s_per_km: float | None = None
    sex: str | None = None


@dataclasses.dataclass(frozen=True)
class SurfaceRule:
    """Assign ``surface`` to runs whose source path matches ``path`` or name contains ``name``."""

    surface: str
    path: str | None = None
    name: str | None = None


@dataclasses.dataclass(frozen=True)
class Config:
    """Settings gathered from config files (see the module docstring for the format).

    Attributes:
        athlete: The athlete's numbers.
        timezone: IANA time zone name for weeks, or ``None`` for the system's.
        threshold: Growth that raises a flag (0.10 is 10%), or ``None`` for the default.
        surface_rules: User rules, tried in order before any other surface evidence.
        files: The config files that were read, lowest precedence first.
        load: Basis of ACWR, monotony and strain (one of
            :data:`~loadwatch.settings.checks.LOAD_BASES`), or ``None`` for the default.
        acwr_limit: ACWR above which the ``acwr`` flag is raised, or ``None`` for the default.
        strength_target: Strength sessions a week below which ``low_strength`` is noted, or
            ``None`` for the default.
        shoes: The runner's shoes, highest precedence first.
        osm: An OpenStreetMap extract of the runner's region, to tell road, trail and track
            apart by the map (a relative path in a config file is relative to that file).
        week_start: The day weeks start on, or ``None`` for the default (Monday).
    """

    athlete: Athlete = Athlete()
    timezone: str | None = None
    threshold: float | None = None
    surface_rules: tuple[SurfaceRule, ...] = ()
    files: tuple[Path, ...] = ()
    load: LoadBasis | None = None
    acwr_limit: float | None = None
    strength_target: int | None = None
    shoes: tuple[Shoe, ...] = ()
    osm: Path | None = None
    week_start: WeekStart | None = None


def user_config_path() -> Path:
    """Where the user's own config file lives on this platform."""
    return user_config_dir() / "config.toml"


def load_config(
    root: str | Path | None = None,
    config_file: str | Path | None = None,
    *,
    user_config: str | Path | bool | None = True,
) -> Config:
    """Read and merge the config files that apply to an analysis of ``root``.

    Args:
        root: The analysed folder; its ``loadwatch.toml`` is read if present.
        config_file: An explicit config file (``--config``); it must exist.
        user_config: ``True`` to read the user config if it exists, ``False`` to skip it, or a
            path to read instead.

    Raises:
        ConfigError: A file that is not valid TOML, or has an unknown key or a bad value.
        SourceError: ``root`` is a folder that cannot be read, so neither its config nor its
            files can be.
    """
    candidates: list[Path] = []
    if user_config is True:
        user = user_config_path()
        if user.is_file():
            candidates.append(user)
    elif user_config:
        candidates.append(Path(user_config))
    if root is not None:
        candidates.extend(_folder_config(Path(root)))
    if config_file is not None:
        explicit = Path(config_file)
        if not explicit.is_file():
            raise ConfigError("config file not found", path=explicit)
        candidates.append(explicit)

    config = Config()
    for path in candidates:
        config = _merge(config, parse_config(_read_toml(path), path))
    return config


def _folder_config(root: Path) -> list[Path]:
    """``root``'s own ``loadwatch.toml``, if it is a folder that has one.

    Raises:
        SourceError: ``root`` cannot be looked at, or is a folder that cannot be looked into
            (mode 000, say): the analysis could not read it either, so say so now.
    """
    try:
        if not root.is_dir():
            return []
    except OSError as error:  # is_dir() passes over a missing path, not a forbidden one
        raise SourceError(f"cannot be read: {error.strerror or error}", path=root) from error
    folder = root / FOLDER_CONFIG
    try:
        return [folder] if folder.is_file() else []
    except OSError as error:
        raise unreadable_folder(root, error) from error


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"is not valid TOML: {error}", path=path) from error
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror}", path=path) from error


def parse_config(document: Mapping[str, Any], path: Path | str = "<config>") -> Config:
    """Validate a parsed TOML document and turn it into a :class:`Config`.

    Raises:
        ConfigError: Naming the first unknown key or bad value, and the file.
    """
    top_keys = {"timezone", "threshold", "week_start", "athlete", "surfaces", "risk", "shoes"}
    _known(document, top_keys, "", path)
    athlete = _athlete(_table(document, "athlete", path), path)
    surfaces = _table(document, "surfaces", path)
    _known(surfaces, {"rules", "osm"}, "surfaces.", path)
    osm = surfaces.get("osm")
    if osm is not None:  # relative to the config file that names it
        osm = Path(path).parent / check_osm(osm, path=path)
    rules_value = surfaces.get("rules", [])
    if not isinstance(rules_value, list):
        raise ConfigError(
            "surfaces.rules must be a list of [[surfaces.rules]] tables",
            path=path,
            setting="surfaces.rules",
        )
    rules = tuple(_rule(rule, index, path) for index, rule in enumerate(rules_value))
    timezone = document.get("timezone")
    if timezone is not None:
        timezone = check_timezone(timezone, path=path)
    threshold = document.get("threshold")
    if threshold is not None:
        threshold = check_threshold(threshold, path=path)
    risk = _table(document, "risk", path)
    _known(risk, {"load", "acwr_limit", "strength_target"}, "risk.", path)
    load = risk.get("load")
    if load is not None:
        load = check_load(load, path=path)
    acwr_limit = risk.get("acwr_limit")
    if acwr_limit is not None:
        acwr_limit = check_acwr_limit(acwr_limit, path=path)
    target = risk.get("strength_target")
    if target is not None:
        target = check_strength_target(target, path=path)
    shoes = parse_shoes(document.get("shoes", []), path)
    week_start = document.get("week_start")
    if week_start is not None:
        week_start = check_week_start(week_start, path=path)
    return Config(
        athlete,
        timezone,
        threshold,
        rules,
        (Path(path),),
        load=load,
        acwr_limit=acwr_limit,
        strength_target=target,
        shoes=shoes,
        osm=osm,
        week_start=week_start,
    )


def _merge(base: Config, top: Config) -> Config:
    athlete = Athlete(
        **{
            field.name: getattr(top.athlete, field.name)
            if getattr(top.athlete, field.name) is not None
            else getattr(base.athlete, field.name)
            for field in dataclasses.fields(Athlete)
        }
    )
    return Config(
        athlete=athlete,
        timezone=top.timezone or base.timezone,
        threshold=top.threshold if top.threshold is not None else base.threshold,
        surface_rules=top.surface_rules + base.surface_rules,
        files=base.files + top.files,
        load=top.load or base.load,
        acwr_limit=top.acwr_limit if top.acwr_limit is not None else base.acwr_limit,
        strength_target=(
            top.strength_target if top.strength_target is not None else base.strength_target
        ),
        shoes=top.shoes + base.shoes,
        osm=top.osm or base.osm,
        week_start=top.week_start or base.week_start,
    )


def _table(document: Mapping[str, Any], key: str, path: Path | str) -> Mapping[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a table ([{key}])", path=path, setting=key)
    return value


def _known(table: Mapping[str, Any], known: set[str], prefix: str, path: Path | str) -> None:
    for key in table:
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(
                f"unknown key '{prefix}{key}' (known keys here: {choices})", path=path
            )


def _athlete(table: Mapping[str, Any], path: Path | str) -> Athlete:
    _known(table, {"rest_hr", "max_hr", "threshold_hr", "threshold_pace", "sex"}, "athlete.", path)
    values: dict[str, float | None] = {}
    for key in ("rest_hr", "max_hr", "threshold_hr"):
        value = table.get(key)
        values[key] = (
            None if value is None else check_heart_rate(value, f"athlete.{key}", path=path)
        )
    pace = table.get("threshold_pace")
    values["threshold_pace_s_per_km"] = None if pace is None else parse_pace(pace, path=path)
    sex = table.get("sex")
    athlete = Athlete(**values, sex=None if sex is None else check_sex(sex, path=path))
    check_heart_rates(athlete.rest_hr, athlete.max_hr, athlete.threshold_hr, path=path)
    return athlete


def _rule(rule: object, index: int, path: Path | str) -> SurfaceRule:
    where = f"surfaces.rules[{index}]"
    if not isinstance(rule, Mapping):
        raise ConfigError(f"{where} must be a table", path=path, setting=where)
    _known(rule, {"path", "name", "surface"}, f"{where}.", path)
    surface = rule.get("surface")
    if surface not in SURFACES[:-1]:
        raise ConfigError(
            f"{where}.surface must be one of {', '.join(SURFACES[:-1])}, not {surface!r}",
            path=path,
            setting=f"{where}.surface",
        )
    pattern, name = rule.get("path"), rule.get("name")
    if (pattern is None) == (name is None):
        raise ConfigError(
            f"{where} needs exactly one of 'path' or 'name'", path=path, setting=where
        )
    for key, value in (("path", pattern), ("name", name)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(
                f"{where}.{key} must be non-empty text", path=path, setting=f"{where}.{key}"
            )
    return SurfaceRule(surface=str(surface), path=pattern, name=name)
