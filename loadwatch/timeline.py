"""From a folder of files to a timeline: one row per activity, duplicates and bad files set aside.

:func:`scan` reads every file (one at a time, or several at once in worker processes),
keeping only each activity's small :class:`~loadwatch.summary.ActivitySummary`;
:func:`thresholds` derives the athlete's numbers and :func:`build_timeline` applies them and
the surface rules. :func:`loadwatch.timeline` runs
all three.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import dataclasses
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from loadwatch.cache import Cache, Outcome, identify, parser_version, relabel, unlabel
from loadwatch.config import SURFACES, Athlete, SurfaceRule
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.readers import read_source
from loadwatch.sources import Skipped, Source, iter_files, sources_in_file
from loadwatch.summary import ActivitySummary, summarise
from loadwatch.surfaces import main_surface, run_surfaces
from loadwatch.trimp import DEFAULT_SEX, activity_load

#: Resting heart rate assumed when the config gives none (bpm).
DEFAULT_REST_HR = 60.0
#: Threshold heart rate as a fraction of heart-rate reserve above rest (Karvonen).
THRESHOLD_HRR_FRACTION = 0.85
#: Threshold speed: this percentile of the mean moving speeds of the longer runs.
THRESHOLD_SPEED_PERCENTILE = 90.0
#: Runs shorter than this (moving time) do not set the threshold speed.
THRESHOLD_SPEED_MIN_MOVING_S = 20 * 60
#: A run counts as heart-rate based when this share of its moving time has a reading.
MIN_HR_COVERAGE = 0.5
#: Two activities of one sport starting this close together...
DUPLICATE_START_S = 60.0
#: ...with distances this close (relative to the longer) are the same activity recorded twice.
DUPLICATE_DISTANCE_FRACTION = 0.03
#: Fastest believable mean speed of a whole activity, by sport (m/s): a damaged file can
#: claim thousands of km in seconds, which would wreck every weekly figure after it.
MAX_MEAN_SPEED_MPS: dict[str, float] = {
    "running": 12.0,  # 43 km/h: faster than any sprint, let alone a run
    "walking": 12.0,
    "swimming": 5.0,
    "cycling": 30.0,  # 108 km/h
    "strength": 30.0,
    "other": 100.0,  # 360 km/h
}
#: When the same activity is in several files, keep the richest format.
FORMAT_RANK: dict[str, int] = {"fit": 0, "tcx": 1, "gpx": 2}

#: The timeline's columns, in order.
TIMELINE_COLUMNS: tuple[str, ...] = (
    "start",
    "sport",
    "sub_sport",
    "surface",
    "distance_km",
    "duration_s",
    "moving_s",
    "elev_gain_m",
    "avg_hr",
    "intensity",
    "hard_minutes",
    "mean_speed_mps",
    "name",
    "device",
    "format",
    "source",
    "trimp",
    "load",
    "load_source",
    "surface_source",
    *(f"surface_km_{surface}" for surface in SURFACES),
)
#: The timeline's columns that are not numbers.
_TEXT_COLUMNS = frozenset(
    {"start", "sport", "sub_sport", "surface", "name", "device", "format", "source"}
    | {"load_source", "surface_source"}
)


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
class Scan:
    """What reading a folder gave: the activities, and what was set aside and why."""

    summaries: list[ActivitySummary]
    skipped: list[Skipped]
    duplicates: list[Duplicate]
    warnings: list[FileWarning]
    pending: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """The numbers intensity is measured against, and where each came from.

    Attributes:
        rest_hr: Resting heart rate (bpm).
        max_hr: Maximum heart rate (bpm), NaN when no run has heart rate and none is configured.
        threshold_hr: Threshold heart rate (bpm), NaN when unknown.
        threshold_speed_mps: Threshold speed (m/s), NaN when unknown.
        origin: For each of the four, ``"config"``, ``"history"`` or ``"default"``.
    """

    rest_hr: float
    max_hr: float
    threshold_hr: float
    threshold_speed_mps: float
    origin: dict[str, str]


#: ``progress(files_done, files_total, label)``, called as each file is dealt with.
ProgressCallback = Callable[[int, int, str], None]


@dataclasses.dataclass(frozen=True)
class FileResult:
    """What one file on disk gave: its summaries and skipped entries (labels relative to it)."""

    outcomes: list[Outcome]


def parse_file(path: Path, label: str, *, strict: bool = False) -> FileResult:
    """Read one file on disk (an activity file or an archive of them) into outcomes.

    This is the unit of parsing work: it needs only the path, and returns only small summaries,
    never samples. Labels in the outcomes are relative to ``label`` (``""`` for the file itself,
    ``"#2"`` for its second session, ``"/activities/1.fit.gz"`` for an archive member).

    Raises:
        LoadwatchError: With ``strict``, the first problem; otherwise problems become
            :class:`~loadwatch.sources.Skipped` outcomes.
    """
    outcomes: list[Outcome] = []
    for item in sources_in_file(path, label):
        if isinstance(item, Skipped):
            if strict:
                raise LoadwatchError(item.reason, path=item.source)
            outcomes.append(item)
            continue
        summaries, problem = _summarise_source(item, strict=strict)
        outcomes.extend(summaries)
        if problem is not None:
            outcomes.append(problem)
    return FileResult([unlabel(outcome, label) for outcome in outcomes])


def scan(
    path: str | Path,
    *,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    cache: Cache | None = None,
    settle_s: float = 0.0,
    jobs: int = 1,
) -> Scan:
    """Read every activity file under ``path`` into summaries.

    Args:
        path: A folder (searched recursively, archives included) or a single file.
        strict: Raise on the first file that cannot be used instead of skipping it.
        progress: Called after each file (see :data:`ProgressCallback`).
        cache: Where to find what unchanged files gave last time, and to keep what new ones
            give; ``None`` parses everything.
        settle_s: Leave files modified less than this many seconds ago for the next run (they
            may still be syncing); they are listed in :attr:`Scan.pending`.
        jobs: How many files to parse at once, each in a process of its own (the first few
            files are parsed here, and 1 parses them all here). Whatever the number, results
            come in file order, so the scan is the same.

    Raises:
        SourceError: ``path`` does not exist or cannot be read.
        LoadwatchError: With ``strict``, the first bad file.
        ConfigError: ``jobs`` is less than 1.
    """
    if jobs < 1:
        raise ConfigError(f"jobs must be 1 or more, not {jobs}")
    files = list(iter_files(path))
    total = len(files)
    now = time.time()
    results: list[tuple[str, FileResult]] = []
    pending: list[str] = []
    seen: set[str] = set()
    context = cache.transaction() if cache is not None else contextlib.nullcontext()
    with context:
        plans = (_plan(file, label, cache, settle_s, now, seen) for file, label in files)
        for done, (work, result) in enumerate(_parsed(plans, strict, jobs), start=1):
            if result is None:
                pending.append(work.label)
            else:
                if cache is not None and work.key is not None and not _hit_a_bug(result):
                    cache.store(*work.key, result.outcomes)
                results.append((work.label, result))
            if progress is not None:
                progress(done, total, work.label)
        if cache is not None:
            cache.forget_files_under(Path(path).resolve(), seen)

    summaries: list[ActivitySummary] = []
    skipped: list[Skipped] = []
    warnings: list[FileWarning] = []
    for label, result in results:
        for outcome in result.outcomes:
            item = relabel(outcome, label)
            if isinstance(item, Skipped):
                if strict:
                    raise LoadwatchError(item.reason, path=item.source)
                skipped.append(item)
                continue
            reason = _unusable(item)
            if reason is not None:
                if strict:
                    raise LoadwatchError(reason, path=item.source)
                skipped.append(Skipped(item.source, reason))
                continue
            summaries.append(item)
            warnings.extend(FileWarning(item.source, text) for text in item.warnings)
    kept, duplicates = drop_duplicates(summaries)
    return Scan(kept, skipped, duplicates, warnings, pending)


@dataclasses.dataclass(frozen=True)
class _Work:
    """What one file needs: nothing (its result is known, or None while it settles), or to be
    parsed, its outcomes then kept in the cache under ``key`` when there is one."""

    path: Path
    label: str
    result: FileResult | None = None
    parse: bool = False
    key: tuple[str, str] | None = None  # the content digest and parser version


def _plan(
    file_path: Path,
    label: str,
    cache: Cache | None,
    settle_s: float,
    now: float,
    seen: set[str],
) -> _Work:
    """Whether a file needs parsing, or what the cache holds for its content."""
    try:
        info = file_path.stat()
    except OSError:
        return _Work(file_path, label, parse=True)  # parsing reports why it cannot be read
    if settle_s > 0 and now - info.st_mtime < settle_s:
        return _Work(file_path, label)
    if cache is None:
        return _Work(file_path, label, parse=True)
    absolute = str(file_path.resolve())
    seen.add(absolute)
    known = cache.known_file(absolute, info)
    identity = known or identify(file_path)
    if identity is None:  # not an activity file (or unreadable): nothing worth keeping
        return _Work(file_path, label, parse=True)
    digest, kind = identity
    if known is None:
        cache.remember_file(absolute, info, digest, kind)
    version = parser_version(kind)
    outcomes = cache.outcomes(digest, version)
    if outcomes is not None:
        return _Work(file_path, label, FileResult(outcomes))
    return _Work(file_path, label, parse=True, key=(digest, version))


#: Files parsed in this process before worker processes start (fewer once parsing here has
#: taken INLINE_SECONDS): an incremental run with a few new files never pays for starting them.
INLINE_FILES = 8
INLINE_SECONDS = 0.25
#: Files a worker process may have queued: enough to keep it busy, few enough to keep memory
#: flat however many files there are.
QUEUED_PER_JOB = 2
_Pending = Future["FileResult"] | FileResult | None


def _parsed(
    plans: Iterable[_Work], strict: bool, jobs: int
) -> Iterator[tuple[_Work, FileResult | None]]:
    """Each file's work and result, in file order; parsing runs in ``jobs`` processes."""
    window: collections.deque[tuple[_Work, _Pending]] = collections.deque()
    pool: ProcessPoolExecutor | None = None
    queued = parsed_here = 0
    inline_s = 0.0
    try:
        for work in plans:
            item: _Pending = work.result
            here = parsed_here < INLINE_FILES and inline_s < INLINE_SECONDS
            if work.parse and pool is None and (jobs == 1 or here):
                parsed_here += 1
                started = time.perf_counter()
                item = parse_file(work.path, work.label, strict=strict)
                inline_s += time.perf_counter() - started
            elif work.parse:
                pool = pool or _worker_pool(jobs)
                item = pool.submit(parse_file, work.path, work.label, strict=strict)
                queued += 1
            window.append((work, item))
            while window and (
                not isinstance(window[0][1], Future)
                or queued > QUEUED_PER_JOB * jobs
                or len(window) > 64 * jobs
            ):
                head, pending = window.popleft()
                queued -= isinstance(pending, Future)
                yield head, _result(pending)
        while window:
            head, pending = window.popleft()
            yield head, _result(pending)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(pending: _Pending) -> FileResult | None:
    """A file's result, waiting for its worker process if need be."""
    if not isinstance(pending, Future):
        return pending
    try:
        return pending.result()
    except BrokenProcessPool as error:
        raise LoadwatchError(
            "a process reading files stopped unexpectedly (out of memory?); "
            "run again with --jobs 1 to find the file that caused it"
        ) from error


def _worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Processes that parse files.

    On Linux they are forked from this process: they start at once with its modules (and no
    more: the command line imports matplotlib only after the scan), and the calling script is
    not imported again. Elsewhere the platform's default applies (spawn on macOS and Windows,
    where scripts need the usual ``if __name__ == "__main__":`` guard).
    """
    linux = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if linux else None)
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)
    )


def _end_with(parent: int) -> None:
    """In a worker process: end it as soon as ``parent`` is gone (killed, say), so that no
    worker outlives its run, nor keeps the files it inherited (the cache lock) open.

    Ctrl-C is left to the parent, which stops handing out files; a worker interrupted in the
    middle of one would only make the pool fail.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="loadwatch-parent-watch", daemon=True).start()


def _summarise_source(
    source: Source, *, strict: bool
) -> tuple[list[ActivitySummary], Skipped | None]:
    """The summaries of one activity file's activities, or why it cannot be used."""
    try:
        activities = read_source(source.data, source.format, source.label)
        summaries = [summarise(activity) for activity in activities]
    except LoadwatchError as error:
        if strict:
            raise
        return [], Skipped(source.label, error.message)
    except Exception as error:  # a bug of ours must not end a five-year analysis
        if strict:
            raise
        detail = f"{type(error).__name__}: {error}"
        return [], Skipped(
            source.label,
            f"could not be read because of {_BUG} ({detail}); please report it",
        )
    if len(activities) > 1:
        summaries = [
            dataclasses.replace(s, source=f"{source.label}#{n}") for n, s in enumerate(summaries, 1)
        ]
    return summaries, None


_BUG = "a loadwatch bug"


def _hit_a_bug(result: FileResult) -> bool:
    """Whether a file's result includes a skip caused by a bug of ours (never cached: a fixed
    loadwatch must read the file again, whatever its reader versions say)."""
    return any(isinstance(o, Skipped) and _BUG in o.reason for o in result.outcomes)


def _unusable(summary: ActivitySummary) -> str | None:
    if summary.relative_time:
        return (
            "its timestamps count from the device's power-on, not a real date, "
            "so it cannot be placed in a week"
        )
    if summary.distance_m <= 0 and summary.duration_s <= 0:
        return "is empty: no distance and no duration"
    limit = MAX_MEAN_SPEED_MPS.get(summary.sport, MAX_MEAN_SPEED_MPS["other"])
    elapsed = max(summary.duration_s, summary.moving_s)
    if summary.distance_m > 0 and elapsed <= 0:
        return f"has {summary.distance_m:,.0f} m but no duration: its times are all the same"
    if summary.distance_m > 0 and summary.distance_m / elapsed > limit:
        return (
            f"is not believable: {summary.distance_m / 1000:,.1f} km at "
            f"{summary.distance_m / elapsed * 3.6:,.0f} km/h for {summary.sport}; the file is "
            "probably damaged (export it again)"
        )
    return None


def drop_duplicates(
    summaries: Iterable[ActivitySummary],
) -> tuple[list[ActivitySummary], list[Duplicate]]:
    """Keep one of each activity recorded in several files.

    Two activities of the same sport that start within :data:`DUPLICATE_START_S` of each other
    and whose distances differ by at most :data:`DUPLICATE_DISTANCE_FRACTION` of the longer are
    one activity. The richest is kept: FIT over TCX over GPX, then the one with more samples,
    then the first by path.

    Returns:
        The activities kept, sorted by start, and the ones dropped.
    """
    ranked = sorted(summaries, key=_richness)
    kept: list[ActivitySummary] = []
    by_start: list[tuple[float, int]] = []  # (start, index in kept), sorted: a window search
    duplicates: list[Duplicate] = []
    for candidate in ranked:
        start = candidate.start.timestamp()
        low = bisect.bisect_left(by_start, (start - DUPLICATE_START_S, -1))
        high = bisect.bisect_right(by_start, (start + DUPLICATE_START_S, len(kept)))
        near = sorted(index for _, index in by_start[low:high])  # richest first, as before
        twin = next((kept[i] for i in near if _same_activity(kept[i], candidate)), None)
        if twin is None:
            bisect.insort(by_start, (start, len(kept)))
            kept.append(candidate)
        else:
            duplicates.append(Duplicate(candidate.source, twin.source))
    kept.sort(key=lambda s: (s.start, s.source))
    duplicates.sort(key=lambda d: d.source)
    return kept, duplicates


def _richness(summary: ActivitySummary) -> tuple[int, int, str]:
    return (FORMAT_RANK.get(summary.format, 9), -summary.samples, summary.source)


def _same_activity(a: ActivitySummary, b: ActivitySummary) -> bool:
    if a.sport != b.sport:
        return False
    if abs((a.start - b.start).total_seconds()) > DUPLICATE_START_S:
        return False
    longer = max(a.distance_m, b.distance_m)
    return abs(a.distance_m - b.distance_m) <= DUPLICATE_DISTANCE_FRACTION * longer


def thresholds(summaries: Sequence[ActivitySummary], athlete: Athlete) -> Thresholds:
    """Work out the athlete's thresholds from the config, else from the running history.

    Defaults (see ``docs/metrics.md``): rest 60 bpm; max = the highest 99th-percentile heart
    rate of any run; threshold heart rate = rest + 0.85 x (max - rest); threshold speed = the
    90th percentile of the mean moving speeds of runs of 20 minutes or more.
    """
    runs = [s for s in summaries if s.sport == "running"]
    origin: dict[str, str] = {}
    if athlete.rest_hr is not None:
        rest, origin["rest_hr"] = athlete.rest_hr, "config"
    else:
        rest, origin["rest_hr"] = DEFAULT_REST_HR, "default"
    peaks = [s.hr_p99 for s in runs if math.isfinite(s.hr_p99)]
    if athlete.max_hr is not None:
        top, origin["max_hr"] = athlete.max_hr, "config"
    else:
        top, origin["max_hr"] = (max(peaks), "history") if peaks else (math.nan, "history")
    if athlete.threshold_hr is not None:
        threshold_hr, origin["threshold_hr"] = athlete.threshold_hr, "config"
    elif math.isfinite(top) and top > rest:
        threshold_hr = rest + THRESHOLD_HRR_FRACTION * (top - rest)
        origin["threshold_hr"] = "config" if origin["max_hr"] == "config" else "history"
    else:
        threshold_hr, origin["threshold_hr"] = math.nan, "history"
    if athlete.threshold_pace_s_per_km is not None:
        speed, origin["threshold_speed_mps"] = 1000.0 / athlete.threshold_pace_s_per_km, "config"
    else:
        speeds = [
            s.mean_moving_speed_mps
            for s in runs
            if s.moving_s >= THRESHOLD_SPEED_MIN_MOVING_S and math.isfinite(s.mean_moving_speed_mps)
        ]
        speed = float(np.percentile(speeds, THRESHOLD_SPEED_PERCENTILE)) if speeds else math.nan
        origin["threshold_speed_mps"] = "history"
    return Thresholds(rest, top, threshold_hr, speed, origin)


def build_timeline(
    summaries: Sequence[ActivitySummary],
    limits: Thresholds,
    *,
    timezone: str,
    rules: Sequence[SurfaceRule] = (),
    sex: str | None = None,
    map_surfaces: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per activity (columns :data:`TIMELINE_COLUMNS`), ``start`` in local time.

    Each run's distance is split over the surface classes (``surface_km_*``, see
    :func:`loadwatch.surfaces.run_surfaces`), from ``map_surfaces`` (km per class, by source
    label) where a map was matched; ``surface`` is the class with most distance.

    Intensity of a run is the moving-time mean of (hr - rest) / (threshold_hr - rest) when at
    least half of its moving time has heart rate; otherwise, for runs, its mean moving speed /
    threshold speed. ``hard_minutes`` are the moving minutes at or above threshold.
    ``trimp`` is Banister's TRIMP over the heart-rate histogram, ``load`` that or (for runs
    without heart rate) an estimate from pace, and ``load_source`` says which
    (:func:`loadwatch.trimp.activity_load`); ``sex`` picks the TRIMP constants (default male).
    """
    zone = zoneinfo.ZoneInfo(timezone)
    matched = map_surfaces or {}
    rows = [_row(s, limits, rules, sex or DEFAULT_SEX, matched.get(s.source)) for s in summaries]
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    frame["start"] = pd.to_datetime(frame["start"], utc=True).dt.tz_convert(zone)
    for column in TIMELINE_COLUMNS:
        if column not in _TEXT_COLUMNS:  # numbers stay float64 even when all are missing
            frame[column] = frame[column].astype("float64")
    return frame.sort_values(["start", "source"], kind="stable").reset_index(drop=True)


def _row(
    summary: ActivitySummary,
    limits: Thresholds,
    rules: Sequence[SurfaceRule],
    sex: str,
    from_map: Mapping[str, float] | None,
) -> dict[str, object]:
    avg_hr = summary.hr.mean()
    hr_based = (
        summary.hr_coverage >= MIN_HR_COVERAGE
        and math.isfinite(limits.threshold_hr)
        and limits.threshold_hr > limits.rest_hr
    )
    speed = summary.mean_moving_speed_mps
    if hr_based:
        intensity = (avg_hr - limits.rest_hr) / (limits.threshold_hr - limits.rest_hr)
        hard_s = summary.hr.seconds_at_or_above(limits.threshold_hr)
    elif (
        summary.sport == "running"
        and math.isfinite(limits.threshold_speed_mps)
        and math.isfinite(speed)
    ):
        intensity = speed / limits.threshold_speed_mps
        hard_s = summary.speed.seconds_at_or_above(limits.threshold_speed_mps)
    else:
        intensity, hard_s = math.nan, 0.0
    surface: str | None = None
    surface_source: str | None = None
    breakdown = dict.fromkeys(SURFACES, 0.0)
    if summary.sport == "running":
        breakdown, surface_source = run_surfaces(
            source=summary.source,
            sub_sport=summary.sub_sport,
            activity_type=summary.activity_type,
            name=summary.name,
            has_gps=summary.has_gps,
            distance_m=summary.distance_m,
            rules=rules,
            from_map=from_map,
        )
        surface = main_surface(breakdown)
    load = activity_load(
        summary,
        rest_hr=limits.rest_hr,
        max_hr=limits.max_hr,
        threshold_hr=limits.threshold_hr,
        threshold_speed_mps=limits.threshold_speed_mps,
        sex=sex,
        min_hr_coverage=MIN_HR_COVERAGE,
    )
    return {
        "start": summary.start,
        "sport": summary.sport,
        "sub_sport": summary.sub_sport,
        "surface": surface,
        "distance_km": summary.distance_m / 1000.0,
        "duration_s": summary.duration_s,
        "moving_s": summary.moving_s,
        "elev_gain_m": summary.elev_gain_m,
        "avg_hr": avg_hr,
        "intensity": intensity,
        "hard_minutes": hard_s / 60.0,
        "mean_speed_mps": speed,
        "name": summary.name,
        "device": summary.device,
        "format": summary.format,
        "source": summary.source,
        "trimp": load.trimp,
        "load": load.load,
        "load_source": load.source,
        "surface_source": surface_source,
        **{f"surface_km_{s}": km for s, km in breakdown.items()},
    }


def since_filter(frame: pd.DataFrame, since: date | None) -> pd.DataFrame:
    """Rows whose local start date is on or after ``since`` (all rows when ``None``)."""
    if since is None or frame.empty:
        return frame
    local_dates = frame["start"].dt.date
    kept: pd.DataFrame = frame[local_dates >= since].reset_index(drop=True)
    return kept
