"""The whole analysis in one call: folder -> timeline -> weekly metrics and flags.

This is what ``loadwatch analyze`` runs; a notebook user gets the same :class:`Analysis`.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd

from loadwatch.config import (
    Athlete,
    Config,
    check_threshold,
    check_timezone,
    load_config,
    system_timezone,
)
from loadwatch.cache import Cache
from loadwatch.sources import Skipped
from loadwatch.timeline import (
    Duplicate,
    FileWarning,
    ProgressCallback,
    Thresholds,
    build_timeline,
    scan,
    since_filter,
    thresholds,
)
from loadwatch.weekly import DEFAULT_THRESHOLD, weekly


@dataclasses.dataclass(frozen=True)
class Analysis:
    """Everything one analysis found.

    Attributes:
        root: The analysed folder or file.
        timezone: The IANA time zone weeks were counted in.
        threshold: The growth that raised a flag (0.10 is 10%).
        timeline: One row per activity (see :data:`loadwatch.timeline.TIMELINE_COLUMNS`).
        weeks: One row per calendar week (see :data:`loadwatch.weekly.WEEKLY_COLUMNS`).
        thresholds: The heart-rate and speed thresholds intensity was measured against.
        skipped: Files that could not be used, with the reason.
        duplicates: Activities left out because another file holds the same one.
        warnings: Problems that did not stop a file from being read.
        config: The settings that applied.
        pending: Files left for the next run because they were still changing (``settle_s``).
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
    pending: list[str] = dataclasses.field(default_factory=list)


def analyze(
    path: str | Path,
    *,
    timezone: str | None = None,
    threshold: float | None = None,
    since: date | None = None,
    config: Config | str | Path | None = None,
    athlete: Athlete | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    cache: Cache | None = None,
    settle_s: float = 0.0,
) -> Analysis:
    """Analyse a folder of activity files week by week.

    Args:
        path: The folder a watch or app syncs into (or one file, or a zip export).
        timezone: IANA time zone the weeks are counted in; default: the config's, else the
            system's.
        threshold: Week-on-week growth that raises a flag; default: the config's, else 0.10.
        since: Leave out activities before this local date.
        config: A :class:`Config`, or a config file to read on top of the user config and the
            folder's ``loadwatch.toml``.
        athlete: Athlete numbers that override the config's, field by field.
        strict: Raise on the first file that cannot be used instead of skipping it.
        progress: Called as ``progress(files_done, files_total, label)`` after each file.
        cache: An open :class:`~loadwatch.cache.Cache`: files whose content was read before
            are not parsed again. ``None`` reads everything.
        settle_s: Leave files modified less than this many seconds ago (still syncing) for the
            next run; they are listed in :attr:`Analysis.pending`.

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

    found = scan(root, strict=strict, progress=progress, cache=cache, settle_s=settle_s)
    limits = thresholds(found.summaries, person)
    frame = build_timeline(found.summaries, limits, timezone=zone, rules=settings.surface_rules)
    frame = since_filter(frame, since)
    return Analysis(
        root=root,
        timezone=zone,
        threshold=limit,
        timeline=frame,
        weeks=weekly(frame, threshold=limit),
        thresholds=limits,
        skipped=found.skipped,
        duplicates=found.duplicates,
        warnings=found.warnings,
        config=settings,
        pending=found.pending,
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
        A DataFrame with :data:`loadwatch.timeline.TIMELINE_COLUMNS`, ``start`` in local time.
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
