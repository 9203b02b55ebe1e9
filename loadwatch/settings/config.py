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

Every scalar setting (one value: ``threshold``, ``risk.acwr_limit``...) is declared once, in
:data:`loadwatch.settings.declared.SETTINGS`, beside the :class:`Config` fields files fill; the
known keys, the parsing and the merging of files here are derived from it. The tables of
their own shape have their own parsers: ``[athlete]`` and ``[[surfaces.rules]]`` in
:mod:`~loadwatch.settings.tables`, ``[[shoes]]`` in :mod:`~loadwatch.settings.shoes`.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from loadwatch.errors import ConfigError, SourceError, unreadable_folder
from loadwatch.settings.declared import SETTINGS, Config, Setting, file_keys
from loadwatch.settings.dirs import user_config_dir
from loadwatch.settings.shoes import parse_shoes
from loadwatch.settings.tables import (
    SURFACES,
    Athlete,
    SurfaceRule,
    only_known,
    parse_athlete,
    parse_rules,
    subtable,
)

# Athlete, SurfaceRule, SURFACES and Config are at home in tables.py and declared.py; they are
# imported from here too, where a config is read.
__all__ = [
    "FOLDER_CONFIG",
    "SURFACES",
    "Athlete",
    "Config",
    "SurfaceRule",
    "config_layers",
    "load_config",
    "parse_config",
    "user_config_path",
]

#: The name of the per-folder config file.
FOLDER_CONFIG = "loadwatch.toml"


def user_config_path() -> Path:
    """Where the user's own config file lives on this platform."""
    return user_config_dir() / "config.toml"


def load_config(
    root: str | Path | Sequence[str | Path] | None = None,
    config_file: str | Path | None = None,
    *,
    user_config: str | Path | bool | None = True,
) -> Config:
    """Read and merge the config files that apply to an analysis of ``root``.

    Args:
        root: The analysed folder, or several; each one's ``loadwatch.toml`` is read if
            present, a later folder's over an earlier one's.
        config_file: An explicit config file (``--config``); it must exist.
        user_config: ``True`` to read the user config if it exists, ``False`` to skip it, or a
            path to read instead.

    Raises:
        ConfigError: A file that is not valid TOML, or has an unknown key or a bad value.
        SourceError: ``root`` is a folder that cannot be read, so neither its config nor its
            files can be.
    """
    config = Config()
    for _, layer in config_layers(root, config_file, user_config=user_config):
        config = _merge(config, layer)
    return config


def config_layers(
    root: str | Path | Sequence[str | Path] | None = None,
    config_file: str | Path | None = None,
    *,
    user_config: str | Path | bool | None = True,
) -> list[tuple[Path, Config]]:
    """Each config file that applies to an analysis of ``root``, read alone, lowest precedence
    first: what :func:`load_config` merges, and where each setting in force came from.

    Args and Raises: as :func:`load_config`.
    """
    candidates: list[Path] = []
    if user_config is True:
        user = user_config_path()
        if user.is_file():
            candidates.append(user)
    elif user_config:
        candidates.append(Path(user_config))
    roots = [root] if isinstance(root, str | Path) else list(root or ())
    for folder in roots:
        candidates.extend(_folder_config(Path(folder)))
    if config_file is not None:
        explicit = Path(config_file)
        if not explicit.is_file():
            raise ConfigError("config file not found", path=explicit)
        candidates.append(explicit)
    return [(path, parse_config(_read_toml(path), path)) for path in candidates]


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
        with _open_regular(path) as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"is not valid TOML: {error}", path=path) from error
    except UnicodeDecodeError as error:
        raise ConfigError(_not_utf8(path, error), path=path) from error
    except RecursionError as error:  # tomllib recurses once per nested array or inline table
        raise ConfigError(
            "nests arrays or tables too deeply to be a loadwatch config; a config needs only "
            "a few levels",
            path=path,
        ) from error
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror}", path=path) from error


def _open_regular(path: Path) -> BinaryIO:
    """Open a config for reading, refusing what is not a regular file (a FIFO would block the
    run for ever): opened without blocking, its type checked on what was opened."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ConfigError(
            "is not a regular file (a pipe or a device?); a config is a TOML file", path=path
        )
    return os.fdopen(descriptor, "rb")


def _not_utf8(path: Path, error: UnicodeDecodeError) -> str:
    """What to say of a config that is not UTF-8 (TOML files must be), naming UTF-16 if it is."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        head = b""
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    found = " (it is UTF-16)" if utf16 else f" (byte {error.start + 1} is not)"
    return f"is not UTF-8 text{found}; TOML config files must be UTF-8, so save it again as UTF-8"


def parse_config(document: Mapping[str, Any], path: Path | str = "<config>") -> Config:
    """Validate a parsed TOML document and turn it into a :class:`Config`.

    Raises:
        ConfigError: Naming the first unknown key or bad value, and the file.
    """
    known = file_keys()
    only_known(document, known[""], "", path)
    tables = {name: subtable(document, name, path) for name in known if name}
    for name, table in tables.items():
        only_known(table, known[name], f"{name}.", path)
    athlete = parse_athlete(subtable(document, "athlete", path), path)
    rules = parse_rules(tables["surfaces"].get("rules", []), path)
    values = {
        setting.field: _file_value(setting, {"": document, **tables}, Path(path), path)
        for setting in SETTINGS
        if setting.in_file
    }
    shoes = parse_shoes(document.get("shoes", []), path)
    return Config(athlete=athlete, surface_rules=rules, files=(Path(path),), shoes=shoes, **values)


def _file_value(
    setting: Setting, tables: Mapping[str, Mapping[str, Any]], file: Path, path: Path | str
) -> Any:
    """``setting``'s value in a config file, checked (``None``: the file does not set it)."""
    table, _, key = setting.name.rpartition(".")
    value = tables[table].get(key)
    if value is None:
        return None
    checked = setting.check(value, setting.name, path=path)
    return checked if setting.from_file is None else setting.from_file(checked, file)


def _merge(base: Config, top: Config) -> Config:
    """``top``'s settings over ``base``'s: each value ``top`` sets, its rules and shoes first."""
    athlete = Athlete(
        **{
            field.name: getattr(top.athlete, field.name)
            if getattr(top.athlete, field.name) is not None
            else getattr(base.athlete, field.name)
            for field in dataclasses.fields(Athlete)
        }
    )
    values = {
        setting.field: getattr(top, setting.field)
        if getattr(top, setting.field) is not None
        else getattr(base, setting.field)
        for setting in SETTINGS
        if setting.in_file
    }
    return Config(
        athlete=athlete,
        surface_rules=top.surface_rules + base.surface_rules,
        files=base.files + top.files,
        shoes=top.shoes + base.shoes,
        **values,
    )
