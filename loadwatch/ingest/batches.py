"""Files parsed in file order, here or in batches handed to worker processes.

The scan plans every file first (a ``stat`` and the cache's memo: cheap), so it knows how many
files need parsing before any is parsed. A few are parsed here (starting processes would cost
more than they save). With more, the first is parsed here, then the rest go to
:func:`~loadwatch.ingest.workers.worker_pool` processes in batches, each a run of consecutive
files sized by count and bytes so that every worker always has the next batch queued, and the
parent only collects results. Results come back in file order whatever the number of
processes, so the scan is the same.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import os
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.parsefile import FileResult, parse_batch
from loadwatch.ingest.workers import worker_pool
from loadwatch.vocab import OnError


@dataclasses.dataclass(frozen=True)
class Work:
    """What one file needs: nothing (its result is known, or None while it settles), or to be
    parsed (with its digest when the result is to be cached).

    Attributes:
        path: The file on disk.
        label: Its label.
        result: Its known result, when it is not parsed.
        parse: Whether it is parsed.
        digest: Whether what the file gives is kept in the cache (its memo at this path, and
            a parsed result): parsing then gives the digest and kind.
        key: The file's real path (as the cache's memo keeps it) when it is cached.
        info: Its ``stat`` before it was read, when it is cached.
    """

    path: Path
    label: str
    result: FileResult | None = None
    parse: bool = False
    digest: bool = False
    key: str | None = None
    info: os.stat_result | None = None


#: With at most this many files to parse, they are all parsed here: an incremental run with a
#: few new files never pays for starting processes.
INLINE_FILES = 8
#: A batch holds at most this many files, and about this many bytes (a larger file goes alone):
#: each worker gets about BATCHES_PER_JOB batches, so none waits long for the last one.
BATCH_FILES = 32
BATCH_BYTES = 32 * 1024 * 1024
BATCHES_PER_JOB = 4
#: Batches a worker process may have queued: enough to keep it busy, few enough to keep memory
#: flat however many files there are.
QUEUED_PER_JOB = 2

#: Parses one file here: ``parse(path, label, on_error=..., digest=...)``.
Parse = Callable[..., FileResult]


def parsed(
    works: Sequence[Work], on_error: OnError, jobs: int, parse: Parse
) -> Generator[tuple[Work, FileResult | None]]:
    """Each file's work and result, in file order; parsing runs in ``jobs`` processes.

    Args:
        works: Every file's work, in file order.
        on_error: As for :func:`~loadwatch.ingest.parsefile.parse_file`.
        jobs: Processes to parse in; 1 parses here, without any.
        parse: How a file is parsed here (:func:`~loadwatch.ingest.parsefile.parse_file`).
    """
    todo = [work for work in works if work.parse]
    queue = collections.deque(works)
    del works  # each work is let go once given: cached results flow on, never held twice
    if jobs == 1 or len(todo) <= INLINE_FILES:
        while queue:
            work = queue.popleft()
            if work.parse:
                yield work, parse(work.path, work.label, on_error=on_error, digest=work.digest)
            else:
                yield work, work.result
        return
    results: Generator[FileResult | Exception] | None = None
    try:
        while queue:
            work = queue.popleft()
            if not work.parse:
                yield work, work.result
            elif results is None:
                # The first file is parsed here: what reading builds the first time is then
                # shared by the forked workers, not built in each (7 MB of PSS with 2 jobs).
                yield work, parse(work.path, work.label, on_error=on_error, digest=work.digest)
                results = _from_workers(_batches(todo[1:], jobs), on_error, jobs)
            else:
                yield work, _raised(next(results))
    finally:
        if results is not None:
            results.close()


def _batches(todo: Sequence[Work], jobs: int) -> list[list[Work]]:
    """Consecutive files in batches: a few per worker, none past the count or bytes."""
    size = max(1, min(BATCH_FILES, math.ceil(len(todo) / (jobs * BATCHES_PER_JOB))))
    batches: list[list[Work]] = []
    current: list[Work] = []
    held = 0
    for work in todo:
        weight = work.info.st_size if work.info is not None else 0
        if current and (len(current) >= size or held + weight > BATCH_BYTES):
            batches.append(current)
            current, held = [], 0
        current.append(work)
        held += weight
    if current:
        batches.append(current)
    return batches


def _from_workers(
    batches: list[list[Work]], on_error: OnError, jobs: int
) -> Generator[FileResult | Exception]:
    """Every file's result, batch after batch, from worker processes kept busy."""
    pool: ProcessPoolExecutor = worker_pool(jobs)
    queued: collections.deque[Future[list[FileResult | Exception]]] = collections.deque()
    waiting: Iterator[list[Work]] = iter(batches)
    try:
        while True:
            for batch in waiting:
                items = [(work.path, work.label, work.digest) for work in batch]
                queued.append(pool.submit(parse_batch, items, on_error))
                if len(queued) >= QUEUED_PER_JOB * jobs:
                    break
            if not queued:
                return
            yield from _batch_results(queued.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _batch_results(pending: Future[list[FileResult | Exception]]) -> list[FileResult | Exception]:
    """A batch's results, waiting for its worker process if need be."""
    try:
        return pending.result()
    except BrokenProcessPool as error:
        raise LoadwatchError(
            "a process reading files stopped unexpectedly (out of memory?); "
            "run again with --jobs 1 to find the file that caused it"
        ) from error


def _raised(result: FileResult | Exception) -> FileResult:
    """A file's result, or its error raised (only with ``RAISE``)."""
    if isinstance(result, Exception):
        raise result
    return result
