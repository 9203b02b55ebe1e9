"""From a folder of files to activity summaries, parsing only what the cache does not know.

:func:`scan` reads every file (one at a time, or several at once in worker processes), keeping
only each activity's small :class:`~loadwatch.ingest.summary.ActivitySummary`, and the gear that
a Strava ``activities.csv`` names (:mod:`loadwatch.ingest.gear`), in the same walk; files that
cannot be used, activities that are not believable and duplicates are set aside, each with its
reason (see :mod:`loadwatch.ingest.usable`), as :class:`~loadwatch.vocab.OnError` says.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from loadwatch.errors import LoadwatchError, SourceError
from loadwatch.ingest.batches import INLINE_FILES, Work, parsed
from loadwatch.ingest.cache import Cache, parser_version
from loadwatch.ingest.cache_codec import relabel
from loadwatch.ingest.gear import GearTable, StravaGear, collect_gear, with_strava
from loadwatch.ingest.memo import NOT_AN_ACTIVITY, Memo
from loadwatch.ingest.parsefile import FileResult, parse_file
from loadwatch.ingest.roots import Inputs, forget_missing, iter_inputs, real_paths, roots_of
from loadwatch.ingest.sources import iter_files
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.ingest.usable import MIN_RUN_M, MIN_RUN_S, drop_duplicates, drop_fragments, unusable
from loadwatch.ingest.workers import worker_pool as _worker_pool
from loadwatch.model import Duplicate, FileWarning, Skipped
from loadwatch.settings.checks import check_jobs, check_on_error
from loadwatch.vocab import OnError

#: What the scan's callers and tests import from here (the parts moved to their own modules).
__all__ = [
    "INLINE_FILES",
    "FileResult",
    "ProgressCallback",
    "Scan",
    "_worker_pool",
    "iter_files",
    "parse_file",
    "scan",
]

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
            files are parsed here, and 1 parses them all here; see
            :mod:`~loadwatch.ingest.batches`). Whatever the number, results come in file order,
            so the scan is the same.
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
    pending: list[str] = []
    context = cache.transaction() if cache is not None else contextlib.nullcontext()
    with context:
        planner = _Planner(path, cache, settle_s, found.on_error)
        works = [planner.plan(item) for item in files]
        with contextlib.closing(parsed(works, found.on_error, jobs, parse_file)) as results:
            del works  # given to parsed(), which lets each go once its result is taken in
            for done, (work, result) in enumerate(results, start=1):
                if result is None:
                    pending.append(work.label)
                else:
                    if cache is not None:
                        _remember(cache, planner, work, result)
                    found.add(work.label, result)
                if progress is not None:
                    progress(done, total, work.label)
        forget_missing(cache, path, planner.seen)
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


_NO_FILE = Path()


class _Planner:
    """What each file needs, from its ``stat`` and the cache's memo, loaded once for the run.

    With ``RAISE``, a file the cache knows as set aside is parsed again, so that it raises its
    own error (a :class:`~loadwatch.errors.CorruptFileError` at its byte offset, say) rather
    than one rebuilt from the reason's text: a warm run raises what a cold one does. An entry
    the walk skipped needs nothing.
    """

    def __init__(
        self, inputs: Inputs, cache: Cache | None, settle_s: float, on_error: OnError
    ) -> None:
        self.cache, self.settle_s, self.on_error = cache, settle_s, on_error
        self.now = time.time()
        self.seen: set[str] = set()
        self.real_path: Callable[[Path], str] = real_paths(inputs)
        self.memo = Memo({})
        if cache is not None:
            self.memo = cache.memo_under([Path(self.real_path(r)) for r in roots_of(inputs)])
        self.versions: dict[str, str] = {}

    def plan(self, item: tuple[Path, str] | Skipped) -> Work:
        """Whether a file needs parsing, or what the cache holds for its content."""
        if isinstance(item, Skipped):
            return Work(_NO_FILE, item.source, FileResult([Skipped("", item.reason)]))
        file_path, label = item
        try:
            info = file_path.stat()
        except OSError:
            return Work(file_path, label, parse=True)  # parsing reports why it cannot be read
        if not stat.S_ISREG(info.st_mode):
            return Work(file_path, label, parse=True)  # parsing says what it is, without waiting
        if self.settle_s > 0 and self.now - info.st_mtime < self.settle_s:
            return Work(file_path, label)
        if self.cache is None:
            return Work(file_path, label, parse=True)
        key = self.real_path(file_path)
        self.seen.add(key)
        work = Work(file_path, label, parse=True, digest=True, key=key, info=info)
        known = self.memo.take(os.fsencode(key), info)
        if known is None:
            return work
        moved = known.path != key  # found by its signature: remembered at its new path too
        if known.kind == NOT_AN_ACTIVITY:
            nothing = FileResult([], looked=True)
            return Work(file_path, label, nothing, digest=moved, key=key, info=info)
        outcomes = known.outcomes
        raises = self.on_error == OnError.RAISE and any(
            isinstance(o, Skipped) for o in outcomes or ()
        )
        if outcomes is None or raises:
            return work
        result = FileResult(outcomes, known.digest, known.kind, looked=True)
        return Work(file_path, label, result, digest=moved, key=key, info=info)

    def version(self, kind: str) -> str:
        """The parser version of ``kind``, worked out once per run."""
        if kind not in self.versions:
            self.versions[kind] = parser_version(kind)
        return self.versions[kind]


def _remember(cache: Cache, planner: _Planner, work: Work, result: FileResult) -> None:
    """Keep what a file gave: its memo (by its signature before it was read), and its result
    under the content that gave it, unless a bug of ours gave it. A file the memo knew at its
    path needs nothing kept."""
    if not work.digest or work.key is None or work.info is None:
        return
    if result.kind is None:
        if result.looked and not result.outcomes:  # nothing of loadwatch's: never opened again
            cache.remember_file(work.key, work.info, "", NOT_AN_ACTIVITY)
        return
    if result.digest is None:
        return
    cache.remember_file(work.key, work.info, result.digest, result.kind)
    if work.parse and not _hit_a_bug(result):
        cache.store(result.digest, planner.version(result.kind), result.outcomes)


def _hit_a_bug(result: FileResult) -> bool:
    """Whether a file's result includes a skip caused by a bug of ours (never cached: a fixed
    loadwatch must read the file again, whatever its reader versions say)."""
    return any(isinstance(o, Skipped) and o.bug for o in result.outcomes)
