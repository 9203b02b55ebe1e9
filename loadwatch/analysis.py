"""The whole analysis in one call: folder -> timeline -> weekly metrics and flags.

This is what ``loadwatch analyze`` runs; a notebook user gets the same :class:`Analysis`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from loadwatch.errors import ConfigError
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.scan import ProgressCallback, scan
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.metrics.calendar import week_of
from loadwatch.metrics.risk import add_spikes
from loadwatch.metrics.shoes import assign_gear, shoe_status
from loadwatch.metrics.timeline import build_timeline, since_filter, thresholds
from loadwatch.metrics.weekly import DEFAULT_THRESHOLD
from loadwatch.metrics.weeks import week_metrics
from loadwatch.model import DEFAULT_SETTINGS, Analysis, FileWarning, RiskSettings
from loadwatch.settings.checks import (
    check_acwr_limit,
    check_load,
    check_threshold,
    check_timezone,
    system_timezone,
)
from loadwatch.settings.config import Athlete, Config, check_week_start, load_config
from loadwatch.vocab import OnError, WeekStart


def analyze(
    path: str | Path,
    *,
    timezone: str | None = None,
    threshold: float | None = None,
    since: date | None = None,
    config: Config | str | Path | None = None,
    athlete: Athlete | None = None,
    strict: bool = False,
    load: str | None = None,
    acwr_limit: float | None = None,
    progress: ProgressCallback | None = None,
    cache: Cache | None = None,
    settle_s: float = 0.0,
    jobs: int = 1,
    osm: str | Path | None = None,
    week_start: WeekStart | None = None,
) -> Analysis:
    """Analyse a folder of activity files week by week.

    Args:
        path: The folder a watch or app syncs into (or one file, or a zip export).
        timezone: IANA time zone the weeks are counted in; default: the config's, else the
            system's.
        threshold: Week-on-week growth that raises a flag; default: the config's, else 0.10.
        since: Leave out the weeks before the one holding this local date (the whole week is
            kept, from its first day, so that its totals and the next week's changes are not
            cut short).
        config: A :class:`Config`, or a config file to read on top of the user config and the
            folder's ``loadwatch.toml``.
        athlete: Athlete numbers that override the config's, field by field.
        strict: Raise on the first file that cannot be used instead of skipping it.
        load: Basis of ACWR, monotony and strain: ``"distance"``, ``"duration"`` or
            ``"trimp"``; default: the config's, else distance.
        acwr_limit: ACWR above which the ``acwr`` flag is raised; default: the config's,
            else 1.5.
        progress: Called as ``progress(files_done, files_total, label)`` after each file.
        cache: An open :class:`~loadwatch.ingest.cache.Cache`: files whose content was read before
            are not parsed again. ``None`` reads everything.
        settle_s: Leave files modified less than this many seconds ago (still syncing) for the
            next run; they are listed in :attr:`Analysis.pending`.
        jobs: Files parsed at once, each in a process of its own (see
            :func:`loadwatch.ingest.scan.scan`); 1 parses them all in this process.
        osm: An OpenStreetMap extract of the region (default: the config's ``[surfaces] osm``):
            each run's distance is split into road, trail and track by the ways it followed
            (needs ``pip install 'loadwatch[maps]'``).
        week_start: The day weeks start on, :attr:`WeekStart.MONDAY` or
            :attr:`WeekStart.SUNDAY` (or its text); default: the config's ``week_start``, else
            Monday.

    Raises:
        SourceError: ``path`` does not exist or cannot be read.
        ConfigError: A config file or an option cannot be used.
    """
    root = Path(path)
    settings = config if isinstance(config, Config) else load_config(root, config)
    zone = check_timezone(timezone, "--timezone") if timezone else None
    zone = zone or settings.timezone or system_timezone()
    limit = check_threshold(threshold, "--threshold") if threshold is not None else None
    if limit is None:
        limit = settings.threshold if settings.threshold is not None else DEFAULT_THRESHOLD
    person = _override(settings.athlete, athlete)
    _check_heart_rates(person)
    risk = _risk_settings(settings, load, acwr_limit)
    week = check_week_start(week_start, "week_start") if week_start is not None else None
    week = week or settings.week_start or WeekStart.MONDAY

    on_error = OnError.RAISE if strict else OnError.SKIP
    found = scan(
        root, on_error=on_error, progress=progress, cache=cache, settle_s=settle_s, jobs=jobs
    )
    limits = thresholds(found.summaries, person)
    extract = Path(osm) if osm is not None else settings.osm
    matched = _map_surfaces(found.summaries, extract) if extract is not None else None
    frame = build_timeline(
        found.summaries,
        limits,
        timezone=zone,
        rules=settings.surface_rules,
        sex=person.sex,
        map_surfaces=matched,
    )
    # Spikes look back 30 days and shoes count every run in them: both use the whole history,
    # and only then is the timeline cut at --since.
    frame = add_spikes(frame)
    gear = found.gear
    frame = assign_gear(frame, shoes=settings.shoes, strava_gear=gear.gear)
    shoes = shoe_status(frame)
    first_day = week_of(since, week) if since is not None else None
    everything = len(frame)
    frame = since_filter(frame, first_day)
    weeks = week_metrics(frame, threshold=limit, risk=risk, week_start=week)
    return Analysis(
        root=root,
        timezone=zone,
        threshold=limit,
        timeline=frame,
        weeks=weeks,
        thresholds=limits,
        skipped=found.skipped,
        duplicates=found.duplicates,
        warnings=[*found.warnings, *(FileWarning(label, text) for label, text in gear.problems)],
        config=settings,
        risk=risk,
        shoes=shoes,
        pending=found.pending,
        surface_map=extract,
        since=first_day,
        before_since=everything - len(frame),
    )


def _risk_settings(settings: Config, load: str | None, acwr_limit: float | None) -> RiskSettings:
    """The risk settings: options win over the config, the config over the defaults."""
    basis = check_load(load, "--load") if load is not None else settings.load
    limit = check_acwr_limit(acwr_limit, "--acwr-limit") if acwr_limit is not None else None
    limit = limit if limit is not None else settings.acwr_limit
    return RiskSettings(
        load=basis or DEFAULT_SETTINGS.load,
        acwr_limit=limit if limit is not None else DEFAULT_SETTINGS.acwr_limit,
        strength_target=(
            settings.strength_target
            if settings.strength_target is not None
            else DEFAULT_SETTINGS.strength_target
        ),
    )


def _map_surfaces(
    summaries: Sequence[ActivitySummary], extract: Path
) -> dict[str, dict[str, float]]:
    """Km per surface class of each run with GPS, from the map (the optional maps extra)."""
    from loadwatch.maps.runs import match_runs  # pyosmium is optional: only when asked

    return match_runs(summaries, extract).surface_km


def _check_heart_rates(athlete: Athlete) -> None:
    """Heart rates from several places (options, config files) must still make sense together.

    Raises:
        ConfigError: When rest is not below max, or the threshold is not between them.
    """
    rest, top, threshold = athlete.rest_hr, athlete.max_hr, athlete.threshold_hr
    if rest is not None and top is not None and rest >= top:
        raise ConfigError(
            f"the resting heart rate ({rest:g}) must be lower than the maximum ({top:g}); "
            "check --rest-hr/--max-hr and [athlete] in your config"
        )
    low = rest if rest is not None else 0.0
    high = top if top is not None else 1000.0
    if threshold is not None and not low < threshold <= high:
        raise ConfigError(
            f"the threshold heart rate ({threshold:g}) must lie between the resting and the "
            "maximum heart rate; check [athlete] in your config"
        )


def _override(base: Athlete, top: Athlete | None) -> Athlete:
    if top is None:
        return base
    changes = {
        field.name: getattr(top, field.name)
        for field in dataclasses.fields(Athlete)
        if getattr(top, field.name) is not None
    }
    return dataclasses.replace(base, **changes)


def timeline(
    path: str | Path,
    *,
    timezone: str | None = None,
    since: date | None = None,
    config: Config | str | Path | None = None,
    athlete: Athlete | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Read a folder (or file) of activities into a timeline, one row per activity.

    The options are those of :func:`analyze`. Files set aside and the thresholds used are in
    ``frame.attrs`` (``"skipped"``, ``"duplicates"``, ``"warnings"``, ``"thresholds"``).

    Returns:
        A DataFrame with :data:`loadwatch.metrics.timeline.TIMELINE_COLUMNS`, ``start`` in local
        time.
    """
    result = analyze(
        path, timezone=timezone, since=since, config=config, athlete=athlete, strict=strict
    )
    frame = result.timeline
    frame.attrs.update(
        skipped=result.skipped,
        duplicates=result.duplicates,
        warnings=result.warnings,
        thresholds=result.thresholds,
    )
    return frame
