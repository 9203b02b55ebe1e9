"""The whole analysis in one call: folder -> timeline -> weekly metrics and flags.

This is what ``loadwatch analyze`` runs; a notebook user gets the same :class:`Analysis`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Unpack

import pandas as pd

from loadwatch.body.frame import read_logs
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.roots import Inputs, roots_of
from loadwatch.ingest.scan import ProgressCallback, scan
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.metrics.body import attach_rpe
from loadwatch.metrics.calendar import local_dates, to_local, week_of
from loadwatch.metrics.calibration import with_srpe_load
from loadwatch.metrics.redflags import red_flags
from loadwatch.metrics.shoes import assign_gear, gear_through_duplicates, shoe_status
from loadwatch.metrics.spikes import add_spikes
from loadwatch.metrics.timeline import build_timeline, since_filter, thresholds, weeks_since
from loadwatch.metrics.weeks import week_metrics
from loadwatch.model import Analysis, AnalyzeOptions, FileWarning, OptionValues
from loadwatch.options import override_options, resolve_options, today


def analyze(
    path: Inputs,
    options: AnalyzeOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cache: Cache | None = None,
    **overrides: Unpack[OptionValues],
) -> Analysis:
    """Analyse a folder of activity files week by week.

    The settings are ``options`` (from :func:`~loadwatch.options.resolve_options`), or the
    keywords, each of which falls back on the config files, then on the default::

        analyze("runs")
        analyze("runs", timezone="Europe/Berlin", threshold=0.1, since=date(2026, 1, 1))
        analyze("runs", resolve_options("runs", load="trimp"), threshold=0.2)
        analyze(["~/Garmin", "export.zip"])     # several inputs, duplicates left out across them

    Args:
        path: The folder a watch or app syncs into (or one file, or a zip export), or a list
            of several: each one's ``loadwatch.toml`` is read, and an activity in two of them
            is counted once.
        options: The resolved settings; keywords given as well change them.
        progress: Called as ``progress(files_done, files_total, label)`` after each file.
        cache: An open :class:`~loadwatch.ingest.cache.Cache`: files whose content was read
            before are not parsed again. ``None`` reads everything.
        **overrides: Settings by name (see :class:`~loadwatch.model.OptionValues`):
            ``timezone`` (default: the config's, else the system's), ``threshold`` (the
            config's, else 0.10), ``since`` (leave out the weeks before the one holding this
            local date; that week is kept whole, and every figure is computed on the whole
            history before the cut, so that the weeks shown have the numbers they have
            without it), ``config`` (a :class:`Config`, or a file read on top
            of the user config and the folder's ``loadwatch.toml``), ``athlete`` (numbers that
            override the config's, field by field), ``on_error`` (:class:`OnError`: skip a
            file that cannot be used, warn too, or raise), ``load``, ``acwr_limit`` and
            ``strength_target`` (the risk measures' basis, limit and weekly strength
            sessions), ``settle_s`` (leave files modified less than this many seconds ago for
            the next run: :attr:`Analysis.pending`), ``jobs`` (files parsed at once, each in a
            process of its own), ``osm`` (an OpenStreetMap extract: each run's distance is
            split into road, trail and track by the ways it followed; needs
            ``pip install 'loadwatch[maps]'``), ``week_start`` (the day weeks begin on),
            ``as_of`` (the local day to analyse as on: activities starting after it are left
            out, and its week is the week in progress; default today) and ``stale_days``
            (days without a new activity after which :attr:`Analysis.status` is ``"stale"``),
            ``body_log`` (the body log to read, see ``docs/body-log.md``; default the config's
            ``[body] log``, else ``body-log.jsonl`` in the data folder; a ``body-log.csv`` in
            the analysed folder is read too).

    Raises:
        SourceError: ``path`` (or one of them) does not exist or cannot be read, or is an
            empty list.
        ConfigError: A config file or a setting cannot be used; ``setting`` names it.
    """
    roots = roots_of(path)
    root = roots[0]
    if options is None:
        options = resolve_options(roots, **overrides)
    elif overrides:
        options = override_options(options, **overrides)
    settings, person, risk = options.config, options.athlete, options.risk
    zone, limit, extract, since = options.timezone, options.threshold, options.osm, options.since

    found = scan(
        roots,
        on_error=options.on_error,
        progress=progress,
        cache=cache,
        settle_s=options.settle_s,
        jobs=options.jobs,
        min_run_s=options.min_run_s,
        min_run_m=options.min_run_m,
    )
    # Activities after as_of are left out before anything is derived from them: the thresholds
    # guessed from the history and the strapless runs' calibration see only what was known then.
    as_of = options.as_of if options.as_of is not None else today(zone)
    summaries = _until(found.summaries, as_of, zone)
    after_as_of = len(found.summaries) - len(summaries)
    limits = thresholds(summaries, person)
    matched = _map_surfaces(summaries, extract) if extract is not None else None
    frame = build_timeline(
        summaries,
        limits,
        timezone=zone,
        rules=settings.surface_rules,
        sex=person.sex,
        map_surfaces=matched,
    )
    last_activity = pd.Timestamp(frame["start"].max()) if len(frame) else None
    body, body_problems = read_logs(options.body_log, root, zone)
    body = _body_until(body, as_of)
    # Spikes look back 30 days and shoes count every run in them: both use the whole history,
    # and only then is the timeline cut at --since.
    efforts = {s.source: s.rpe for s in summaries if not math.isnan(s.rpe)}
    frame = attach_rpe(add_spikes(frame, break_days=options.break_days), body, efforts)
    frame = with_srpe_load(frame)  # a strapless run's effort gives its load
    gear = found.gear
    strava_gear = gear_through_duplicates(gear.gear, found.duplicates)
    frame = assign_gear(frame, shoes=settings.shoes, strava_gear=strava_gear)
    shoes = shoe_status(frame)
    first_day = week_of(since, options.week_start) if since is not None else None
    everything = len(frame)
    # What the weeks are counted with, for loadwatch.weekly(frame) to count them the same way.
    frame.attrs.update(threshold=limit, risk=risk, week_start=options.week_start, as_of=as_of)
    # The weeks are counted on the whole history, and only then cut at --since: the first
    # weeks shown keep their change and ACWR.
    weeks = week_metrics(
        frame, threshold=limit, risk=risk, week_start=options.week_start, as_of=as_of, body=body
    )
    frame, weeks = since_filter(frame, first_day), weeks_since(weeks, first_day)
    return Analysis(
        root=root,
        timezone=zone,
        threshold=limit,
        timeline=frame,
        weeks=weeks,
        thresholds=limits,
        skipped=found.skipped,
        duplicates=found.duplicates,
        warnings=[
            *found.warnings,
            *(FileWarning(label, text) for label, text in [*gear.problems, *body_problems]),
        ],
        config=settings,
        risk=risk,
        shoes=shoes,
        pending=found.pending,
        surface_map=extract,
        since=first_day,
        before_since=everything - len(frame),
        week_start=options.week_start,
        as_of=as_of,
        after_as_of=after_as_of,
        last_activity=last_activity,
        stale_limit=options.stale_days,
        body=body,
        red_flags=red_flags(body, as_of, week_start=options.week_start),
        roots=roots if len(roots) > 1 else (),
    )


def _until(
    summaries: Sequence[ActivitySummary], as_of: date, timezone: str
) -> list[ActivitySummary]:
    """The activities that started on or before ``as_of``, a local date in ``timezone``."""
    if not summaries:
        return []
    starts = to_local(pd.Series([pd.Timestamp(s.start) for s in summaries]), timezone)
    kept = (local_dates(starts) <= as_of).to_numpy()
    return [s for s, keep in zip(summaries, kept, strict=True) if keep]


def _body_until(body: pd.DataFrame | None, as_of: date) -> pd.DataFrame | None:
    """The body log's entries up to ``as_of``, a local date (``None``: no log)."""
    if body is None or body.empty:
        return body
    kept: pd.DataFrame = body[body["day"].dt.date <= as_of].reset_index(drop=True)
    return kept


def _map_surfaces(
    summaries: Sequence[ActivitySummary], extract: Path
) -> dict[str, dict[str, float]]:
    """Km per surface class of each run with GPS, from the map (the optional maps extra)."""
    from loadwatch.maps.runs import match_runs  # pyosmium is optional: only when asked

    return match_runs(summaries, extract).surface_km


def timeline(
    path: Inputs,
    options: AnalyzeOptions | None = None,
    **overrides: Unpack[OptionValues],
) -> pd.DataFrame:
    """Read a folder (or file) of activities into a timeline, one row per activity.

    The settings are those of :func:`analyze`. Files set aside and the thresholds used are in
    ``frame.attrs`` (``"skipped"``, ``"duplicates"``, ``"warnings"``, ``"thresholds"``), and so
    are the settings the weeks are counted with (``"threshold"``, ``"risk"``, ``"week_start"``:
    the options' and config files', as on :attr:`Analysis.timeline`), which
    :func:`loadwatch.weekly` takes from there, so that ``weekly(timeline(path))`` is
    ``analyze(path).weeks``. With ``since`` the timeline holds only the activities from its
    week on, while ``analyze`` counts the weeks on the whole history: the first weeks' changes
    and ACWR are then ``analyze(path, since=...).weeks``', not ``weekly``'s.

    Returns:
        A DataFrame with :data:`loadwatch.metrics.timeline.TIMELINE_COLUMNS`, ``start`` in local
        time.
    """
    result = analyze(path, options, **overrides)
    frame = result.timeline
    frame.attrs.update(
        skipped=result.skipped,
        duplicates=result.duplicates,
        warnings=result.warnings,
        thresholds=result.thresholds,
    )
    return frame
