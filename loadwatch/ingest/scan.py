"""From a folder of files to activity summaries, parsing only what the cache does not know.

:func:`scan` reads every file (one at a time, or several at once in worker processes), keeping
only each activity's small :class:`~loadwatch.ingest.summary.ActivitySummary`, and the gear that
a Strava ``activities.csv`` names (:mod:`loadwatch.ingest.gear`), in the same walk; files that
cannot be used, activities that are not believable and duplicates are set aside, each with its
reason (see :mod:`loadwatch.ingest.usable`), as :class:`~loadwatch.vocab.OnError` says.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import gc
import hashlib
import logging
import stat
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from loadwatch.errors import LoadwatchError, SourceError
from loadwatch.ingest.cache import Cache, identify, parser_version
from loadwatch.ingest.cache_codec import Outcome, relabel, unlabel
from loadwatch.ingest.gear import GearTable, StravaGear, collect_gear, gear_tables, with_strava
from loadwatch.ingest.readers import read_source
from loadwatch.ingest.roots import Inputs, forget_missing, iter_inputs
from loadwatch.ingest.sources import Source, iter_files, sources_in_file
from loadwatch.ingest.summary import ActivitySummary, summarise
from loadwatch.ingest.usable import MIN_RUN_M, MIN_RUN_S, drop_duplicates, drop_fragments, unusable
from loadwatch.ingest.workers import worker_pool as _worker_pool
from loadwatch.model import Duplicate, FileWarning, Skipped
from loadwatch.settings.checks import check_jobs, check_on_error
from loadwatch.vocab import OnError

#: Where :attr:`OnError.WARN <loadwatch.vocab.OnError.WARN>` logs each file set aside.
logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Scan:
    """What reading a folder gave: the activities, and what was set aside and why.

    Attributes:
        summaries: One per activity kept, in file order.
        skipped: Files (and folders) that could not be used, with the reason.
        duplicates: Activities left out because another file holds the same one.
        warnings: Problems that did not stop an activity file from being read.
        pending: Files left for the next run because they were still changing.
        gear: What the Strava ``activities.csv`` files found say about gear (their problems
            are in :attr:`StravaGear.problems <loadwatch.ingest.gear.StravaGear.problems>`).
    """

    summaries: list[ActivitySummary]
    skipped: list[Skipped]
    duplicates: list[Duplicate]
    warnings: list[FileWarning]
    pending: list[str] = dataclasses.field(default_factory=list)
    gear: StravaGear = dataclasses.field(default_factory=StravaGear)


#: ``progress(files_done, files_total, label)``, called as each file is dealt with.
ProgressCallback = Callable[[int, int, str], None]


@dataclasses.dataclass(frozen=True)
class FileResult:
    """What one file on disk gave: its summaries, skipped entries and gear tables (labels
    relative to it), and the SHA-256 of the bytes that gave them, when asked for."""

    outcomes: list[Outcome]
    digest: str | None = None


#: An activity file at least this large is followed by a garbage collection once summarised:
#: a reader's exception keeps its frames, and so the file's bytes, alive in a reference cycle.
COLLECT_AFTER_BYTES = 4 * 1024 * 1024


def parse_file(
    path: Path, label: str, *, on_error: OnError = OnError.SKIP, digest: bool = False
) -> FileResult:
    """Read one file on disk (an activity file, an archive of them or an ``activities.csv``).

    This is the unit of parsing work: it needs only the path, and returns only small summaries,
    never samples. Labels in the outcomes are relative to ``label`` (``""`` for the file itself,
    ``"#2"`` for its second session, ``"/activities/1.fit.gz"`` for an archive member).

    Args:
        path: The file on disk.
        label: Its label, relative to the scanned path.
        on_error: With ``RAISE``, stop at the first problem; ``SKIP`` and ``WARN`` both make
            problems :class:`~loadwatch.model.Skipped` outcomes (:func:`scan` does the logging,
            for cached outcomes too).
        digest: Also give the SHA-256 of the bytes read (:attr:`FileResult.digest`), so that
            the outcomes are cached under the content that gave them.

    Raises:
        LoadwatchError: With ``RAISE``, the first problem.
    """
    outcomes: list[Outcome] = []
    hasher = hashlib.sha256() if digest else None
    for item in sources_in_file(path, label, digest=hasher):
        if isinstance(item, Skipped):
            if on_error == OnError.RAISE:
                raise LoadwatchError(item.reason, path=item.source)
            outcomes.append(item)
            continue
        summaries, problem = _summarise_source(item, on_error=on_error)
        outcomes.extend(summaries)
        if problem is not None:
            outcomes.append(problem)
        if len(item.data) >= COLLECT_AFTER_BYTES:
            del item
            gc.collect()
    outcomes.extend(gear_tables(path, label))
    found = None if hasher is None else hasher.hexdigest()
    return FileResult([unlabel(outcome, label) for outcome in outcomes], found)


def scan(
    path: Inputs,
    *,
    on_error: OnError = OnError.SKIP,
    progress: ProgressCallback | None = None,
    cache: Cache | None = None,
    settle_s: float = 0.0,
    jobs: int = 1,
    min_run_s: float = MIN_RUN_S,
    min_run_m: float = MIN_RUN_M,
) -> Scan:
    """Read every activity file under ``path`` into summaries, and Strava's gear with them.

    Args:
        path: A folder (searched recursively, archives included) or a file, or several.
        on_error: What to do with a file that cannot be used: ``SKIP`` sets it aside in
            :attr:`Scan.skipped` with its reason; ``WARN`` also logs a warning (on the
            :data:`logger` ``loadwatch.ingest.scan``); ``RAISE`` raises the first one's error,
            in file order. A Strava ``activities.csv`` that cannot be used is only ever noted
            in :attr:`Scan.gear`.
        progress: Called after each file (see :data:`ProgressCallback`).
        cache: Where to find what unchanged files gave last time, and to keep what new ones
            give; ``None`` parses everything.
        settle_s: Leave files modified less than this many seconds ago for the next run (they
            may still be syncing); they are listed in :attr:`Scan.pending`.
        jobs: How many files to parse at once, each in a process of its own (the first few
            files are parsed here, and 1 parses them all here). Whatever the number, results
            come in file order, so the scan is the same.
        min_run_s, min_run_m: A run shorter than this many seconds, or with a distance shorter
            than this many metres, is set aside (:func:`~loadwatch.ingest.usable.too_short`).

    Raises:
        SourceError: ``path`` does not exist or cannot be read.
        LoadwatchError: With ``RAISE``, the first bad file or folder that cannot be read.
        ConfigError: ``jobs`` is less than 1, or ``on_error`` is not an :class:`OnError`.
    """
    found = _Found(check_on_error(on_error))
    jobs = check_jobs(jobs)
    files = found.files(path)
    total = len(files)
    now = time.time()
    pending: list[str] = []
    seen: set[str] = set()
    context = cache.transaction() if cache is not None else contextlib.nullcontext()
    with context:
        plans = (_plan(item, cache, settle_s, now, seen, found.on_error) for item in files)
        with contextlib.closing(_parsed(plans, found.on_error, jobs)) as parsed:
            for done, (work, result) in enumerate(parsed, start=1):
                if result is None:
                    pending.append(work.label)
                else:
                    if cache is not None and work.key is not None and _keep(work.key, result):
                        cache.store(*work.key, result.outcomes)
                    found.add(work.label, result)
                if progress is not None:
                    progress(done, total, work.label)
        forget_missing(cache, path, seen)
    return found.scan(pending, min_run_s=min_run_s, min_run_m=min_run_m)


class _Found:
    """What a scan has found so far, in file order; files set aside as ``on_error`` says."""

    def __init__(self, on_error: OnError) -> None:
        self.on_error = on_error
        self.summaries: list[ActivitySummary] = []
        self.skipped: list[Skipped] = []
        self.warnings: list[FileWarning] = []
        self.tables: list[GearTable] = []

    def files(self, path: Inputs) -> list[tuple[Path, str] | Skipped]:
        """The files under ``path``, setting aside the folders that cannot be listed (the
        entries the walk skipped, an empty file say, keep their place in file order)."""
        files: list[tuple[Path, str] | Skipped] = []
        for item in iter_inputs(path, iter_files):
            if isinstance(item, Skipped) and item.source.endswith("/"):
                self.set_aside(item, SourceError)
            else:
                files.append(item)
        return files

    def add(self, label: str, result: FileResult) -> None:
        """Take in what the file labelled ``label`` gave."""
        for outcome in result.outcomes:
            item = relabel(outcome, label)
            if isinstance(item, GearTable):
                self.tables.append(item)
            elif isinstance(item, Skipped):
                self.set_aside(item)
            elif (reason := unusable(item)) is not None:
                self.set_aside(Skipped(item.source, reason))
            else:
                self.summaries.append(item)
                self.warnings.extend(FileWarning(item.source, text) for text in item.warnings)

    def set_aside(self, entry: Skipped, error: type[LoadwatchError] = LoadwatchError) -> None:
        """Skip ``entry``, log it too, or raise ``error`` for it."""
        if self.on_error == OnError.RAISE:
            raise error(entry.reason, path=entry.source)
        if self.on_error == OnError.WARN:
            logger.warning("%s: %s", entry.source, entry.reason)
        self.skipped.append(entry)

    def scan(self, pending: list[str], *, min_run_s: float, min_run_m: float) -> Scan:
        """The scan, duplicates set aside, then the runs too short to be runs."""
        kept, duplicates = drop_duplicates(with_strava(self.summaries, self.tables))
        kept, fragments = drop_fragments(kept, min_run_s=min_run_s, min_run_m=min_run_m)
        for fragment in fragments:
            self.set_aside(fragment)
            self.warnings = [w for w in self.warnings if w.source != fragment.source]
        gear = collect_gear(self.tables)
        return Scan(kept, self.skipped, duplicates, self.warnings, pending, gear)


@dataclasses.dataclass(frozen=True)
class _Work:
    """What one file needs: nothing (its result is known, or None while it settles), or to be
    parsed, its outcomes then kept in the cache under ``key`` when there is one."""

    path: Path
    label: str
    result: FileResult | None = None
    parse: bool = False
    key: tuple[str, str] | None = None  # the content digest and parser version


_NO_FILE = Path()


def _plan(
    item: tuple[Path, str] | Skipped,
    cache: Cache | None,
    settle_s: float,
    now: float,
    seen: set[str],
    on_error: OnError,
) -> _Work:
    """Whether a file needs parsing, or what the cache holds for its content.

    With ``RAISE``, a file the cache knows as set aside is parsed again, so that it raises its
    own error (a :class:`~loadwatch.errors.CorruptFileError` at its byte offset, say) rather
    than one rebuilt from the reason's text: a warm run raises what a cold one does. An entry
    the walk skipped needs nothing.
    """
    if isinstance(item, Skipped):
        return _Work(_NO_FILE, item.source, FileResult([Skipped("", item.reason)]))
    file_path, label = item
    try:
        info = file_path.stat()
    except OSError:
        return _Work(file_path, label, parse=True)  # parsing reports why it cannot be read
    if not stat.S_ISREG(info.st_mode):
        return _Work(file_path, label, parse=True)  # parsing says what it is, without waiting
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
    raises = on_error == OnError.RAISE and any(isinstance(o, Skipped) for o in outcomes or ())
    if outcomes is not None and not raises:
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
    plans: Iterable[_Work], on_error: OnError, jobs: int
) -> Generator[tuple[_Work, FileResult | None]]:
    """Each file's work and result, in file order; parsing runs in ``jobs`` processes."""
    window: collections.deque[tuple[_Work, _Pending]] = collections.deque()
    pool: ProcessPoolExecutor | None = None
    queued = parsed_here = 0
    inline_s = 0.0
    try:
        for work in plans:
            item: _Pending = work.result
            digest = work.key is not None
            here = parsed_here < INLINE_FILES and inline_s < INLINE_SECONDS
            if work.parse and pool is None and (jobs == 1 or here):
                parsed_here += 1
                started = time.perf_counter()
                item = parse_file(work.path, work.label, on_error=on_error, digest=digest)
                inline_s += time.perf_counter() - started
            elif work.parse:
                pool = pool or _worker_pool(jobs)
                item = pool.submit(
                    parse_file, work.path, work.label, on_error=on_error, digest=digest
                )
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


def _summarise_source(
    source: Source, *, on_error: OnError
) -> tuple[list[ActivitySummary], Skipped | None]:
    """The summaries of one activity file's activities, or why it cannot be used."""
    try:
        activities = read_source(source.data, source.format, source.label, source.opener)
        summaries = [summarise(activity) for activity in activities]
    except LoadwatchError as error:
        if on_error == OnError.RAISE:
            raise
        return [], Skipped(source.label, error.message)
    except Exception as error:  # a bug of ours must not end a five-year analysis
        if on_error == OnError.RAISE:
            raise
        detail = f"{type(error).__name__}: {error}"
        return [], Skipped(
            source.label,
            f"could not be read because of a loadwatch bug ({detail}); please report it",
            bug=True,
        )
    if len(summaries) > 1:
        summaries = [
            dataclasses.replace(s, source=f"{source.label}#{n}") for n, s in enumerate(summaries, 1)
        ]
    return summaries, None


def _keep(key: tuple[str, str], result: FileResult) -> bool:
    """Whether a parsed file's outcomes go into the cache under ``key``: not when a bug of ours
    gave them, nor when the bytes parsed are not those hashed (the file changed in between)."""
    return result.digest == key[0] and not _hit_a_bug(result)


def _hit_a_bug(result: FileResult) -> bool:
    """Whether a file's result includes a skip caused by a bug of ours (never cached: a fixed
    loadwatch must read the file again, whatever its reader versions say)."""
    return any(isinstance(o, Skipped) and o.bug for o in result.outcomes)
