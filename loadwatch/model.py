"""The types that travel between the stages: what was found, what was set aside, the result.

Types only, no behaviour beyond a property or two: each stage fills in its own, and
:mod:`loadwatch.render` and :mod:`loadwatch.nightly` read an :class:`Analysis` without
importing the stages that made it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from loadwatch.settings.checks import check_heart_rates
from loadwatch.settings.config import Athlete, Config
from loadwatch.settings.declared import SETTINGS
from loadwatch.vocab import LoadBasis, OnError, RedFlag, WeekStart

if TYPE_CHECKING:  # only in annotations: the fast path of a rerun does not import pandas
    import pandas as pd

_TOLERANCE = 1e-9


@dataclasses.dataclass(frozen=True)
class Skipped:
    """A file that looked like an activity but could not be used, and why.

    Attributes:
        source: The file's label (a folder's ends in ``/``).
        reason: Why, as the user reads it after the label.
        bug: Whether a bug of loadwatch's caused it rather than the file: such a skip is never
            cached, so that a fixed loadwatch reads the file again. Not part of the reports.
    """

    source: str
    reason: str
    bug: bool = False


@dataclasses.dataclass(frozen=True)
class Duplicate:
    """An activity left out because another file holds the same one."""

    source: str
    duplicate_of: str


@dataclasses.dataclass(frozen=True)
class FileWarning:
    """A problem that did not stop a file from being read (a bad checksum, a cut-off end)."""

    source: str
    message: str


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """The numbers intensity is measured against, and where each came from.

    Attributes:
        rest_hr: Resting heart rate (bpm).
        max_hr: Maximum heart rate (bpm), NaN when no run has heart rate and none is configured.
        threshold_hr: Threshold heart rate (bpm), NaN when unknown.
        threshold_speed_mps: Threshold speed (m/s), NaN when unknown.
        origin: For each of the four, ``"config"``, ``"history"``, ``"default"``, ``"guess"``
            or ``"unknown"`` (:class:`loadwatch.vocab.Origin`).
    """

    rest_hr: float
    max_hr: float
    threshold_hr: float
    threshold_speed_mps: float
    origin: dict[str, str]


@dataclasses.dataclass(frozen=True)
class ShoeStatus:
    """How far one pair has gone in the analysed runs.

    Attributes:
        name: The pair's name.
        runs: Runs in it.
        distance_km: Their distance.
        limit_km: The pair's limit.
        first_run: Local date of the first run in it.
        last_run: Local date of the last run in it.
    """

    name: str
    runs: int
    distance_km: float
    limit_km: float
    first_run: date
    last_run: date

    @property
    def worn(self) -> bool:
        """Whether the pair has gone past its limit."""
        return self.distance_km > self.limit_km + _TOLERANCE


@dataclasses.dataclass(frozen=True)
class BodyRedFlag:
    """A red flag found in the body log (``red_flags`` in the JSON; ``docs/body-log.md``).

    Attributes:
        flag: Which sign it is.
        since: The local day it began.
        why: What in the log raised it, in words.
    """

    flag: RedFlag
    since: date
    why: str


#: ACWR above which the acwr flag is raised, unless configured.
DEFAULT_ACWR_LIMIT = 1.5
#: Monotony above which the monotony flag is raised (Foster 1998).
DEFAULT_MONOTONY_LIMIT = 2.0
#: Strength sessions a week below which a week with runs gets low_strength.
DEFAULT_STRENGTH_TARGET = 2
#: Basis of ACWR, monotony and strain unless configured.
DEFAULT_LOAD = LoadBasis.DISTANCE
#: Days without a run after which a run comes back from a break, unless configured.
DEFAULT_BREAK_DAYS = 14


@dataclasses.dataclass(frozen=True)
class RiskSettings:
    """The numbers the risk measures use.

    Attributes:
        load: Basis of ACWR, monotony and strain: ``"distance"`` (km), ``"duration"`` (hours
            of timer time) or ``"trimp"`` (the ``load`` column).
        acwr_limit: ACWR above which the ``acwr`` flag is raised.
        monotony_limit: Monotony above which the ``monotony`` flag is raised.
        strength_target: Strength sessions a week below which ``low_strength`` is noted.
        break_days: Days without a run after which a run is judged as coming back from a
            break (:func:`loadwatch.metrics.spikes.add_spikes`).
    """

    load: LoadBasis = DEFAULT_LOAD
    acwr_limit: float = DEFAULT_ACWR_LIMIT
    monotony_limit: float = DEFAULT_MONOTONY_LIMIT
    strength_target: int = DEFAULT_STRENGTH_TARGET
    break_days: int = DEFAULT_BREAK_DAYS


#: The settings used when none are given.
DEFAULT_SETTINGS = RiskSettings()

#: Growth over the previous week that raises a flag (10%), unless configured.
DEFAULT_THRESHOLD = 0.10
#: A run shorter than this (s) or, with a distance, than DEFAULT_MIN_RUN_M (m) is a fragment.
DEFAULT_MIN_RUN_S = 120.0
DEFAULT_MIN_RUN_M = 200.0
#: Days without a new activity after which a folder is stale, unless configured.
DEFAULT_STALE_DAYS = 10


@dataclasses.dataclass(frozen=True, kw_only=True)
class AnalyzeOptions:
    """Every setting of an analysis, resolved (option > config file > default) and checked.

    Made by :func:`loadwatch.options.resolve_options`, which reads the config files, or by
    hand. Either way each value passes its setting's check here, once, as the object is made
    (``AnalyzeOptions(timezone="UTC", week_start="sunday")`` holds ``WeekStart.SUNDAY``; a bad
    value is a :class:`~loadwatch.errors.ConfigError` naming its setting). One field per
    scalar setting declared in :data:`loadwatch.settings.declared.SETTINGS`, its default here
    (a test checks that the two agree), and the athlete's numbers and the config. The settings
    of a run around the analysis (outputs, units, cache, notification) are
    :func:`loadwatch.nightly.runner.run`'s own keywords.

    Attributes:
        timezone: IANA time zone the weeks are counted in.
        threshold: Week-on-week growth that raises a flag (0.10 is 10%).
        since: Leave out the weeks before the one holding this local date (``None``: none).
        as_of: The local day the analysis is made on: later activities are left out, and the
            week holding it is the week in progress. :func:`~loadwatch.options.resolve_options`
            makes ``None`` today in ``timezone``.
        athlete: The athlete's numbers; ``None`` in a field means "derive it from the history".
        load: Basis of ACWR, monotony and strain.
        acwr_limit: ACWR above which the ``acwr`` flag is raised.
        strength_target: Strength sessions a week below which ``low_strength`` is noted.
        break_days: Days without a run after which a run comes back from a break.
        osm: An OpenStreetMap extract to tell road, trail and track apart by, if any.
        on_error: What to do with a file that cannot be used.
        jobs: Files parsed at once, each in a process of its own; 1 parses them all in this one.
        settle_s: Leave files modified less than this many seconds ago for the next run.
        week_start: The day calendar weeks begin on.
        min_run_s: A run shorter than this many seconds is set aside, too short to be a run.
        min_run_m: So is a run with a distance shorter than this many metres.
        stale_days: Days without a new activity after which the folder is called stale.
        body_log: The body log to read (``None``: the one in the user's data folder, if any).
        config: What the config files said (the surface rules and shoes are taken from there).
    """

    timezone: str
    threshold: float = DEFAULT_THRESHOLD
    since: date | None = None
    as_of: date | None = None
    athlete: Athlete = dataclasses.field(default_factory=Athlete)
    load: LoadBasis = DEFAULT_LOAD
    acwr_limit: float = DEFAULT_ACWR_LIMIT
    strength_target: int = DEFAULT_STRENGTH_TARGET
    break_days: int = DEFAULT_BREAK_DAYS
    osm: Path | None = None
    on_error: OnError = OnError.SKIP
    jobs: int = 1
    settle_s: float = 0.0
    week_start: WeekStart = WeekStart.MONDAY
    min_run_s: float = DEFAULT_MIN_RUN_S
    min_run_m: float = DEFAULT_MIN_RUN_M
    stale_days: int = DEFAULT_STALE_DAYS
    body_log: Path | None = None
    config: Config = dataclasses.field(default_factory=Config)

    def __post_init__(self) -> None:
        """Check every value with its setting's check, keeping what the check makes of it.

        Raises:
            ConfigError: A value that cannot be used, naming its setting.
        """
        for setting in SETTINGS:
            value = getattr(self, setting.field)
            if value is not None:
                object.__setattr__(self, setting.field, setting.check(value, setting.name))
        person = self.athlete
        check_heart_rates(person.rest_hr, person.max_hr, person.threshold_hr)

    @property
    def risk(self) -> RiskSettings:
        """The load basis and limits of the risk measures."""
        return RiskSettings(
            load=self.load,
            acwr_limit=self.acwr_limit,
            strength_target=self.strength_target,
            break_days=self.break_days,
        )


class OptionValues(TypedDict, total=False):
    """The settings of an analysis as a caller gives them, before they are checked.

    The keywords of :func:`loadwatch.analyze` and :func:`loadwatch.options.resolve_options`,
    one per field of :class:`AnalyzeOptions`, typed as callers may give them. A key left out,
    or ``None``, means "the config file's, else the default"; ``athlete`` overrides the
    config's numbers field by field, and ``config`` is a
    :class:`~loadwatch.settings.config.Config` to use as it is, or a config file to read on
    top of the user's and the analysed folder's.
    """

    timezone: str | None
    threshold: float | None
    since: date | str | None
    as_of: date | str | None
    athlete: Athlete | None
    load: LoadBasis | str | None
    acwr_limit: float | None
    strength_target: int | None
    break_days: int | None
    osm: str | Path | None
    on_error: OnError | str | None
    jobs: int | None
    settle_s: float | None
    week_start: WeekStart | str | None
    min_run_s: float | None
    min_run_m: float | None
    stale_days: int | None
    body_log: str | Path | None
    config: Config | str | Path | None


@dataclasses.dataclass(frozen=True)
class Analysis:
    """Everything one analysis found.

    Attributes:
        root: The analysed folder or file (the first of :attr:`roots`, when several were).
        timezone: The IANA time zone weeks were counted in.
        threshold: The growth that raised a flag (0.10 is 10%).
        timeline: One row per activity (see :data:`loadwatch.metrics.timeline.TIMELINE_COLUMNS`),
            with
            each run's spike (:data:`loadwatch.metrics.spikes.SPIKE_COLUMNS`) and shoe
            (:data:`loadwatch.metrics.shoes.GEAR_TIMELINE_COLUMNS`).
        weeks: One row per calendar week (see :data:`loadwatch.metrics.weekly.WEEKLY_COLUMNS`), with
            the risk measures (:data:`loadwatch.metrics.risk.RISK_COLUMNS`) and ``advice`` (for the
            newest week; empty for the others).
        thresholds: The heart-rate and speed thresholds intensity was measured against.
        skipped: Files that could not be used, with the reason.
        duplicates: Activities left out because another file holds the same one.
        warnings: Problems that did not stop a file from being read.
        config: The settings that applied.
        risk: The load basis and limits the risk measures used.
        shoes: How far each pair of shoes has gone in the analysed runs.
        pending: Files left for the next run because they were still changing (``settle_s``).
        surface_map: The OpenStreetMap extract surfaces were matched against, if any.
        since: The first day of the week the timeline starts from (``since``'s week), if it was cut.
        before_since: Activities found but left out of the timeline as older than ``since``:
            with an empty timeline, they tell "nothing in the period" from "nothing found".
        week_start: The day the weeks begin on.
        as_of: The local day the analysis was made on (``None``: a frame made without one).
        after_as_of: Activities found but left out as starting after ``as_of``'s end.
        last_activity: The local start of the newest activity up to ``as_of``, if any.
        stale_limit: Days without a new activity after which the folder is stale.
        body: The body log's entries up to ``as_of`` (:func:`loadwatch.read_body_log`'s
            frame), ``None`` when there is no log.
        red_flags: The red flags the body log raises on ``as_of``.
        roots: Every analysed folder or file, when several were analysed together (``()``:
            only :attr:`root`).
    """

    root: Path
    timezone: str
    threshold: float
    timeline: pd.DataFrame
    weeks: pd.DataFrame
    thresholds: Thresholds
    skipped: list[Skipped]
    duplicates: list[Duplicate]
    warnings: list[FileWarning]
    config: Config
    risk: RiskSettings = DEFAULT_SETTINGS
    shoes: list[ShoeStatus] = dataclasses.field(default_factory=list)
    pending: list[str] = dataclasses.field(default_factory=list)
    surface_map: Path | None = None
    since: date | None = None
    before_since: int = 0
    week_start: WeekStart = WeekStart.MONDAY
    as_of: date | None = None
    after_as_of: int = 0
    last_activity: pd.Timestamp | None = None
    stale_limit: int = DEFAULT_STALE_DAYS
    body: pd.DataFrame | None = None
    red_flags: list[BodyRedFlag] = dataclasses.field(default_factory=list)
    roots: tuple[Path, ...] = ()

    @property
    def stale_days(self) -> int | None:
        """Whole days from the newest activity's local day to ``as_of`` (``None``: either is
        unknown)."""
        if self.as_of is None or self.last_activity is None:
            return None
        return (self.as_of - self.last_activity.date()).days

    @property
    def status(self) -> str:
        """``"stale"`` when :attr:`stale_days` passes :attr:`stale_limit`, else ``"current"``."""
        days = self.stale_days
        return "stale" if days is not None and days > self.stale_limit else "current"
