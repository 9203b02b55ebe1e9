"""The config file's tables that are more than a setting each: ``[athlete]`` and
``[[surfaces.rules]]``, checked and typed (``[[shoes]]`` is :mod:`loadwatch.settings.shoes`).

The scalar settings (``threshold``, ``risk.acwr_limit``...) are declared once in
:data:`loadwatch.settings.declared.SETTINGS` and parsed from it; these tables have a shape of
their own, so each has its own parser. :func:`only_known` and :func:`subtable` are the
checks every table of a config file passes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any

from loadwatch.errors import ConfigError
from loadwatch.settings.checks import check_heart_rate, check_heart_rates, check_sex, parse_pace
from loadwatch.vocab import Surface

#: Surface classes, in the order they are shown (the vocabulary's, as plain words for messages).
SURFACES: tuple[str, ...] = tuple(surface.value for surface in Surface)

#: The keys of ``[athlete]``.
ATHLETE_KEYS = frozenset({"rest_hr", "max_hr", "threshold_hr", "threshold_pace", "sex"})


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


def subtable(document: Mapping[str, Any], key: str, path: Path | str) -> Mapping[str, Any]:
    """The table ``[key]`` of ``document`` (empty when there is none).

    Raises:
        ConfigError: ``key`` is there but is not a table.
    """
    value = document.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a table ([{key}])", path=path, setting=key)
    return value


def only_known(table: Mapping[str, Any], known: Set[str], prefix: str, path: Path | str) -> None:
    """Refuse a key of ``table`` that is not in ``known`` (``prefix`` is the table's, with its dot).

    Raises:
        ConfigError: Naming the first unknown key and the keys the table may hold.
    """
    for key in table:
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(
                f"unknown key '{prefix}{key}' (known keys here: {choices})", path=path
            )


def parse_athlete(table: Mapping[str, Any], path: Path | str) -> Athlete:
    """Validate the ``[athlete]`` table: each number alone, then the heart rates together.

    Raises:
        ConfigError: Naming the key and the file.
    """
    only_known(table, ATHLETE_KEYS, "athlete.", path)
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


def parse_rules(value: object, path: Path | str) -> tuple[SurfaceRule, ...]:
    """Validate the ``[[surfaces.rules]]`` tables, in the order the file lists them.

    Raises:
        ConfigError: Naming the rule (``surfaces.rules[0]``), the key and the file.
    """
    if not isinstance(value, list):
        raise ConfigError(
            "surfaces.rules must be a list of [[surfaces.rules]] tables",
            path=path,
            setting="surfaces.rules",
        )
    return tuple(_rule(rule, index, path) for index, rule in enumerate(value))


def _rule(rule: object, index: int, path: Path | str) -> SurfaceRule:
    where = f"surfaces.rules[{index}]"
    if not isinstance(rule, Mapping):
        raise ConfigError(f"{where} must be a table", path=path, setting=where)
    only_known(rule, {"path", "name", "surface"}, f"{where}.", path)
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
