"""One complete run, as ``loadwatch analyze`` does it every night: cache, analysis, outputs, news.

:func:`run` takes the lock on the cache, analyses the folder (parsing only what changed), writes
the outputs atomically, works out whether the newest week gained a flag since the last run, runs
the notification hook if so, and remembers the new state. The CLI only prints what it returns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Unpack

from loadwatch.analysis import analyze
from loadwatch.errors import ConfigError, LoadwatchError, SourceError
from loadwatch.ingest import formats
from loadwatch.ingest.cache import Cache, default_cache_path
from loadwatch.ingest.cache_checks import CacheUnusableError, CacheWriteError
from loadwatch.ingest.lock import DEFAULT_WAIT_S, RunLock
from loadwatch.ingest.roots import Inputs, roots_of
from loadwatch.ingest.scan import ProgressCallback
from loadwatch.labels import shown
from loadwatch.model import Analysis, AnalyzeOptions, OptionValues
from loadwatch.nightly.notify import WeekStatus, newest_week, run_notify
from loadwatch.nightly.outputs import write_outputs
from loadwatch.nightly.places import refuse_inside
from loadwatch.vocab import Units


@dataclasses.dataclass(frozen=True)
class RunResult:
    """What a run did.

    Attributes:
        analysis: The analysis.
        written: The output files written (empty without ``out``).
        status: The newest week and which of its flags are new since the last run.
        notified: Whether the notification command was run.
        messages: Warnings for the user (a cache rebuilt, a notification that failed).
    """

    analysis: Analysis
    written: list[Path]
    status: WeekStatus | None
    notified: bool
    messages: list[str]


def resolve_cache_path(root: Path, cache: str | Path | None) -> Path:
    """The cache database to use for ``root``, refusing one inside the analysed folder.

    Raises:
        ConfigError: The cache would be written inside the watched folder.
    """
    path = Path(cache).expanduser() if cache is not None else default_cache_path()
    resolved = path.resolve()
    watched = root.resolve()
    if watched.is_dir() and (resolved == watched or watched in resolved.parents):
        raise ConfigError(
            f"cache {path} would be inside the analysed folder, which loadwatch never "
            "writes to; choose a cache path outside it",
            setting="cache",
        )
    return path


def run(
    path: Inputs,
    options: AnalyzeOptions | None = None,
    *,
    out: str | Path | None = None,
    units: Units | str = Units.KM,
    cache: str | Path | bool | None = None,
    wait_s: float = DEFAULT_WAIT_S,
    notify: str | None = None,
    generated: datetime | None = None,
    progress: ProgressCallback | None = None,
    **overrides: Unpack[OptionValues],
) -> RunResult:
    """Analyse ``path`` with the incremental cache, write outputs, and notify on new flags.

    The analysis's settings are ``options`` and ``overrides``, as for
    :func:`loadwatch.analysis.analyze`; the keywords in between are the run's own. No config
    file sets those, so they need no resolving.

    Args:
        path: The watched folder, or several folders and files analysed together (the
            run's state, for the notification, is kept under the first).
        options: The analysis's settings (from :func:`loadwatch.options.resolve_options`).
        out: Folder for the charts, ``weeks.csv``, ``latest.json`` and ``index.html``.
        units: Distance units of the charts.
        cache: The cache database (default: the user cache folder), or ``False`` for none.
        wait_s: How long to wait for another run that holds the cache.
        notify: A shell command run when the newest week gains a flag, and once when the
            folder goes stale (see :func:`loadwatch.nightly.notify.run_notify`). Without a
            cache every flag, and every stale run, counts as new.
        generated: The time shown on ``index.html``.
        progress: Called after each file, as by :func:`loadwatch.analysis.analyze`.
        **overrides: Settings of the analysis by name (``timezone``, ``threshold``, ``since``,
            ``on_error``, ``settle_s``...: see :class:`~loadwatch.model.OptionValues`).

    Raises:
        LoadwatchError: The folder cannot be read, the config is wrong, an output cannot be
            written, or another run holds the cache for longer than ``wait_s``
            (:class:`~loadwatch.ingest.lock.CacheBusyError`).
    """
    roots = roots_of(path)
    root = roots[0]
    messages: list[str] = []
    if out is not None:
        for watched in roots:
            refuse_inside(watched, Path(out))
    with _opened_cache(roots, cache, wait_s, messages) as database:
        result = analyze(roots, options, progress=progress, cache=database, **overrides)
        previous = database.get_state(root.resolve()) if database is not None else None
        if result.timeline.empty:
            messages.extend(_when_empty(result, None if out is None else Path(out)))
        written: list[Path] = []
        charts_key = None
        if out is not None:
            drawn = (previous or {}).get("charts", {})
            outputs = write_outputs(
                result,
                out,
                units=units,
                generated=generated,
                unchanged_charts=drawn.get(str(Path(out).resolve())),
            )
            written, charts_key = outputs.files, outputs.chart_key
        status = newest_week(result, previous)
        notified = told = False
        if notify and status is not None:
            told = True
            if status.news:
                report = Path(out) / "latest.json" if out else None
                problem = run_notify(notify, status, report)
                notified = True
                if problem is not None:
                    told = False
                    messages.append(f"{problem.rstrip()}; it will be tried again on the next run")
        if database is not None:
            state = dict(previous or {})
            if status is not None and told:
                # Only a run that told the news moves the "already told" mark: a run by hand
                # without --notify, or a notification that failed, must not swallow it.
                state.update(status.state())
            if out is not None and charts_key is not None:
                state["charts"] = {**state.get("charts", {}), str(Path(out).resolve()): charts_key}
            try:
                database.set_state(root.resolve(), state)
            except CacheWriteError as error:  # the report is written: say so, and go on
                messages.append(f"{error}; the next run cannot tell what is new since this one")
    return RunResult(result, written, status, notified, messages)


@contextlib.contextmanager
def _opened_cache(
    roots: tuple[Path, ...], cache: str | Path | bool | None, wait_s: float, messages: list[str]
) -> Iterator[Cache | None]:
    """The cache, locked, its warnings added to ``messages``; None without one, or when it can
    be neither used nor rebuilt (said in ``messages``: the run goes on without it)."""
    if cache is False:
        yield None
        return
    chosen = None if cache is True else cache
    locations = [resolve_cache_path(root, chosen) for root in roots]  # each input checked
    location = locations[0]
    with RunLock(location, wait_s):
        try:
            database = Cache(location)
        except CacheUnusableError as error:
            messages.append(
                f"{error}; this run goes without the cache (every file is read again and every "
                "flag counts as new): make it writable, or choose another --cache"
            )
            yield None
            return
        with database:
            messages.extend(database.warnings)
            yield database


def _refuse_empty_over_report(root: Path, out: Path) -> None:
    """Keep the last good report when the folder suddenly holds nothing (not mounted, not synced).

    Raises:
        LoadwatchError: When ``out`` holds a report with weeks in it.
    """
    weeks = _weeks_in_report(out)
    if weeks:
        raise LoadwatchError(
            f"found no activities in {root}, although the last report in {out} had "
            f"{weeks} weeks; is the folder mounted and synced? The last report was kept",
            path=root,
        )


def _nothing_since(result: Analysis, out: Path | None) -> str:
    """The warning for a ``--since`` past every activity found (the folder is not empty)."""
    text = (
        f"none of the {result.before_since} activities found in {result.root} is in or after "
        f"the week of {result.since} (--since); choose an earlier date to see them"
    )
    weeks = _weeks_in_report(out) if out is not None else 0
    if weeks:
        text += f". The report in {out} had {weeks} weeks and now has none"
    return text


def _when_empty(result: Analysis, out: Path | None) -> list[str]:
    """What to say of an analysis with no activity in it, or the error that keeps the report.

    Raises:
        LoadwatchError: The folder holds nothing at all while ``out`` holds a report with weeks.
    """
    if result.before_since:
        # The folder is there and full: --since is past all of it. Say so, then report.
        return [_nothing_since(result, out)]
    if result.after_as_of:
        return [_nothing_by(result)]  # a day chosen before it all: say so, then report
    if out is not None:
        _refuse_empty_over_report(result.root, out)
    roots = result.roots or (result.root,)
    if result.pending:  # files still syncing: the next run reads them
        return []
    if result.skipped and not all(root.is_file() for root in roots):
        return []  # a folder's files, each set aside with its reason: the listing says why
    raise SourceError(_no_activity(result, roots), path=None)


def _no_activity(result: Analysis, roots: tuple[Path, ...]) -> str:
    """Why an analysis of ``roots`` found no activity at all: each input file set aside and its
    reason, or that the folder holds no activity file, or that the file is none."""
    where = ", ".join(shown(root) for root in roots)
    if result.skipped:
        reasons = "; ".join(f"{shown(s.source)} {shown(s.reason)}" for s in result.skipped[:3])
        more = len(result.skipped) - 3
        return f"no activity could be read from {where}: {reasons}" + (
            f" (and {more} more)" if more > 0 else ""
        )
    files = [root for root in roots if root.is_file()]
    if files:
        return (
            f"{', '.join(shown(file) for file in files)}: not {formats.described()}, nor a .gz "
            "or .zip archive holding one"
        )
    return (
        f"no {formats.described()} files found in {where}: is it the folder your watch or app "
        "syncs into?"
    )


def _nothing_by(result: Analysis) -> str:
    """The warning for an as-of day before every activity found (the folder is not empty)."""
    return (
        f"all {result.after_as_of} activities found in {result.root} start after "
        f"{result.as_of} (--as-of, or as_of in a config file); choose a later day to see them"
    )


def _weeks_in_report(out: Path) -> int:
    """How many weeks the report in ``out`` holds (0 when there is none, or it is unreadable)."""
    try:
        weeks = json.loads((out / "latest.json").read_text(encoding="utf-8")).get("weeks", [])
    except (OSError, ValueError, AttributeError):
        return 0
    return len(weeks) if isinstance(weeks, list) else 0
