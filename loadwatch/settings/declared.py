"""Every scalar setting of an analysis, declared once, and the :class:`Config` a file fills.

A scalar setting holds one value (``threshold``, ``risk.acwr_limit``, ``jobs``...). Its entry
in :data:`SETTINGS` says what it is called, whether a config file can set it and under which
key, which check of :mod:`~loadwatch.settings.checks` its value passes, and its option of
``loadwatch analyze``. From the table come the config file's known keys, its parsing and the
merging of files (:mod:`loadwatch.settings.config`), option > config > default
(:func:`loadwatch.options.resolve_options`) and the command's options
(:mod:`loadwatch.cli.params`).

A new scalar setting is its entry here and, if a file can set it, its field in
:class:`Config` just below; then its fields in :class:`loadwatch.model.AnalyzeOptions` (where
its default is) and :class:`~loadwatch.model.OptionValues`. ``Config`` and those two are
written out, not derived, so that mypy knows each field's type; ``tests/test_declared.py``
fails when one of them and the table disagree. The tables of their own shape
(``[athlete]``, ``[[surfaces.rules]]``, ``[[shoes]]``) are not scalar settings: their fields
here, their parsers in :mod:`~loadwatch.settings.tables` and :mod:`~loadwatch.settings.shoes`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from loadwatch.settings.checks import (
    check_acwr_limit,
    check_body_log,
    check_jobs,
    check_load,
    check_min_run_m,
    check_min_run_s,
    check_on_error,
    check_osm,
    check_settle,
    check_since,
    check_strength_target,
    check_threshold,
    check_timezone,
    check_week_start,
    system_timezone,
)
from loadwatch.settings.day_checks import check_as_of, check_break_days, check_stale_days
from loadwatch.settings.shoes import Shoe
from loadwatch.settings.tables import Athlete, SurfaceRule
from loadwatch.vocab import LoadBasis, OnError, WeekStart


@dataclasses.dataclass(frozen=True)
class CommandOption:
    """A setting's option of ``loadwatch analyze``.

    Attributes:
        name: The option as typed (``"--acwr-limit"``).
        help: Its words in ``--help``, a default it shows included (``"  [default: ...]"``).
        type: What the words are parsed into: ``int``, ``float``, ``date`` (YYYY-MM-DD) or
            ``Path`` (a file); ``None`` leaves them text, for the setting's check to read.
        metavar: The placeholder ``--help`` shows for the value, if not the type's.
        flag_value: For an option that takes no value (``--strict``): the setting's value
            when it is given.
        default: The value when the option is left out (``--jobs``: the number of cores), as
            if it were given; ``None``: the config's, else the setting's default.
    """

    name: str
    help: str
    type: type[object] | None = None
    metavar: str | None = None
    flag_value: object = None
    default: Callable[[], object] | None = None


@dataclasses.dataclass(frozen=True)
class Setting:
    """One scalar setting of an analysis, declared once.

    Attributes:
        field: Its field in :class:`loadwatch.model.AnalyzeOptions` and
            :class:`~loadwatch.model.OptionValues` (its keyword in Python), and in
            :class:`Config` if a file can set it.
        name: How :class:`~loadwatch.errors.ConfigError` names it, and its key in a config file:
            a dotted name is a key of a table (``"risk.acwr_limit"``: ``acwr_limit`` in
            ``[risk]``).
        check: Its check from :mod:`~loadwatch.settings.checks`, called as
            ``check(value, name)``, with ``path=`` the file for a config file's value.
        in_file: Whether a config file can set it.
        option: Its option of ``loadwatch analyze``, if it has one.
        default: Its default where that is not AnalyzeOptions' own but found out each time
            (``timezone``: the system's).
        from_file: What a config file's checked value becomes, given the file
            (``surfaces.osm``: a relative path is relative to the file).
    """

    field: str
    name: str
    check: Callable[..., Any]
    in_file: bool = False
    option: CommandOption | None = None
    default: Callable[[], Any] | None = None
    from_file: Callable[[Any, Path], Any] | None = None


def _beside(value: Path, file: Path) -> Path:
    """``value`` relative to the folder of the config file that names it."""
    return file.parent / value


def _cores() -> int:
    """The number of CPU cores, the command line's default for ``--jobs``.

    Measured on 1,000 one-hour FIT runs on 2 cores (benchmarks/cold_import.py): parsing in 2
    worker processes takes the same CPU time as in one (9.1-9.5 s), and the parent's own share
    is about 1.2 s (imports, planning, the analysis), so that one worker per core is the
    fastest; more processes than cores would only add memory (about 16 MB of PSS each).
    """
    return os.cpu_count() or 1


#: Every scalar setting, in the order of their options in ``loadwatch analyze --help``.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "timezone",
        "timezone",
        check_timezone,
        in_file=True,
        default=system_timezone,
        option=CommandOption(
            "--timezone",
            "IANA time zone weeks are counted in  [default: the config's timezone, else the "
            "system's].",
        ),
    ),
    Setting(
        "threshold",
        "threshold",
        check_threshold,
        in_file=True,
        option=CommandOption(
            "--threshold",
            "Week-on-week growth that raises a flag  [default: the config's threshold, else "
            "0.10, i.e. 10%].",
            type=float,
        ),
    ),
    Setting(
        "since",
        "since",
        check_since,
        option=CommandOption(
            "--since",
            "Start at the week holding this date, YYYY-MM-DD (the whole week is kept).",
            type=date,
        ),
    ),
    Setting(
        "as_of",
        "as_of",
        check_as_of,
        in_file=True,
        option=CommandOption(
            "--as-of",
            "Analyse as on this local date, YYYY-MM-DD: later activities are left out  "
            "[default: the config's as_of, else today in the time zone].",
            type=date,
        ),
    ),
    Setting(
        "week_start",
        "week_start",
        check_week_start,
        in_file=True,
        option=CommandOption(
            "--week-start",
            "The day weeks begin on: monday or sunday  [default: the config's week_start, "
            "else monday].",
            metavar="DAY",
        ),
    ),
    Setting(
        "load",
        "risk.load",
        check_load,
        in_file=True,
        option=CommandOption(
            "--load",
            "What ACWR, monotony and strain measure: distance, duration, trimp or srpe  "
            "[default: the config's risk.load, else distance].",
            metavar="BASIS",
        ),
    ),
    Setting(
        "acwr_limit",
        "risk.acwr_limit",
        check_acwr_limit,
        in_file=True,
        option=CommandOption(
            "--acwr-limit",
            "ACWR above which a week is flagged  [default: the config's risk.acwr_limit, "
            "else 1.5].",
            type=float,
        ),
    ),
    Setting("strength_target", "risk.strength_target", check_strength_target, in_file=True),
    Setting(
        "break_days",
        "risk.break_days",
        check_break_days,
        in_file=True,
        option=CommandOption(
            "--break-days",
            "Days without a run after which a run is judged against the runs before the "
            "break  [default: the config's risk.break_days, else 14].",
            type=int,
            metavar="DAYS",
        ),
    ),
    Setting("min_run_s", "runs.min_duration_s", check_min_run_s, in_file=True),
    Setting("min_run_m", "runs.min_distance_m", check_min_run_m, in_file=True),
    Setting("stale_days", "nightly.stale_days", check_stale_days, in_file=True),
    Setting(
        "osm",
        "surfaces.osm",
        check_osm,
        in_file=True,
        from_file=_beside,
        option=CommandOption(
            "--osm",
            "An OpenStreetMap extract of your region (.osm.pbf): road, trail and track by map.",
            type=Path,
        ),
    ),
    Setting(
        "body_log",
        "body.log",
        check_body_log,
        in_file=True,
        from_file=_beside,
        option=CommandOption(
            "--body-log",
            "The body log (pain, effort, strength, check-ins) to read  [default: the config's "
            "body.log, else body-log.jsonl in your data folder].",
            type=Path,
        ),
    ),
    Setting(
        "on_error",
        "on_error",
        check_on_error,
        option=CommandOption(
            "--strict", "Stop at the first file that cannot be used.", flag_value=OnError.RAISE
        ),
    ),
    Setting(
        "jobs",
        "jobs",
        check_jobs,
        option=CommandOption(
            "--jobs",
            "Files to parse at once, each in a process of its own; 1 parses them in this one  "
            "[default: the number of CPU cores].",
            type=int,
            metavar="N",
            default=_cores,
        ),
    ),
    Setting(
        "settle_s",
        "settle_s",
        check_settle,
        option=CommandOption(
            "--settle",
            "Leave files changed less than this long ago (still syncing) for the next run.  "
            "[default: 0]",
            type=float,
            metavar="SECONDS",
        ),
    ),
)

#: The config file's keys that are not scalar settings, by table (``""``: the top level):
#: each has a parser of its own.
_OWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"athlete", "surfaces", "shoes"}),
    "surfaces": frozenset({"rules"}),
}


@dataclasses.dataclass(frozen=True)
class Config:
    """Settings gathered from config files (see :mod:`loadwatch.settings.config` for the format).

    One field per setting of :data:`SETTINGS` that a file can set (``None``: no file set it),
    and the tables of their own shape.

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
        break_days: Days without a run after which a run comes back from a break
            (``[risk] break_days``), or ``None`` for the default (14).
        shoes: The runner's shoes, highest precedence first.
        osm: An OpenStreetMap extract of the runner's region, to tell road, trail and track
            apart by the map (a relative path in a config file is relative to that file).
        week_start: The day weeks start on, or ``None`` for the default (Monday).
        min_run_s: The shortest run in seconds, or ``None`` for the default.
        min_run_m: The shortest run with a distance in metres, or ``None`` for the default.
        as_of: The day to analyse as on (``as_of = 2026-09-20``), or ``None`` for today.
        stale_days: Days without a new activity after which the folder is stale
            (``[nightly] stale_days``), or ``None`` for the default (10).
        body_log: The body log (``[body] log``), or ``None`` for the one in the data folder.
    """

    athlete: Athlete = dataclasses.field(default_factory=Athlete)
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
    min_run_s: float | None = None
    min_run_m: float | None = None
    as_of: date | None = None
    stale_days: int | None = None
    break_days: int | None = None
    body_log: Path | None = None


def file_keys() -> dict[str, frozenset[str]]:
    """The keys a config file may hold, by table (``""``: the top level, which also holds
    the tables)."""
    known = {table: set(keys) for table, keys in _OWN_KEYS.items()}
    for setting in SETTINGS:
        if setting.in_file:
            table, _, key = setting.name.rpartition(".")
            known.setdefault(table, set()).add(key)
            known[""].add(table or key)
    return {table: frozenset(keys) for table, keys in known.items()}
