"""One file on disk to small summaries: the unit of parsing work, here or in a worker process.

:func:`parse_file` reads one file (an activity file, an archive of them or a Strava
``activities.csv``) once, hashing the bytes as they are read, and says what kind of file it
was, so that the scan can keep the result under the content that gave it without having read
the file a second time. :func:`parse_batch` parses several in a row: what a worker process is
handed, so that it stays busy without the scan waiting on each file.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from collections.abc import Sequence
from pathlib import Path

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.cache_codec import Outcome, unlabel
from loadwatch.ingest.formats import SNIFF_BYTES
from loadwatch.ingest.gear import GEAR_KIND, gear_tables, is_activities_csv
from loadwatch.ingest.sources import Source, sniff, sources_in_file
from loadwatch.ingest.summarise import summarise_source
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.ingest.walk import open_regular
from loadwatch.model import Skipped
from loadwatch.vocab import OnError


@dataclasses.dataclass(frozen=True)
class FileResult:
    """What one file on disk gave: its summaries, skipped entries and gear tables (labels
    relative to it), and, when asked for, the SHA-256 of the bytes that gave them.

    Attributes:
        outcomes: The summaries, skipped entries and gear tables.
        digest: The SHA-256 of the bytes read, when asked for and the file could be read.
        kind: What the file is, as the cache files it (``fit``, ``gpx``, ``zip``, ``gzip``,
            ``strava-csv``...), or ``None`` when it is none of loadwatch's (a photo, a note).
        looked: Whether the file's first bytes were read (so ``kind`` is known, not guessed).
    """

    outcomes: list[Outcome]
    digest: str | None = None
    kind: str | None = None
    looked: bool = False


#: An activity file at least this large is followed by a garbage collection once summarised:
#: a reader's exception keeps its frames, and so the file's bytes, alive in a reference cycle.
COLLECT_AFTER_BYTES = 4 * 1024 * 1024


class _Reading:
    """A SHA-256 that keeps the first bytes it is fed: the file's head, which says its kind
    (discovery feeds a file's bytes from the first one on)."""

    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.head: bytes | None = None

    def update(self, data: bytes, /) -> None:
        if self.head is None:
            self.head = bytes(data[:SNIFF_BYTES])
        self.sha.update(data)


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
            problems :class:`~loadwatch.model.Skipped` outcomes (the scan does the logging,
            for cached outcomes too).
        digest: Also give the SHA-256 of the bytes read and the file's kind
            (:attr:`FileResult.digest`, :attr:`FileResult.kind`), so that the outcomes are
            cached under the content that gave them.

    Raises:
        LoadwatchError: With ``RAISE``, the first problem.
    """
    outcomes: list[Outcome] = []
    reading = _Reading() if digest else None
    for item in sources_in_file(path, label, digest=reading):
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
    gear = reading is not None and is_activities_csv(path)
    found = _whole_digest(path) if gear else None
    outcomes.extend(gear_tables(path, label))
    relative = [unlabel(outcome, label) for outcome in outcomes]
    if reading is None or reading.head is None:
        return FileResult(relative)
    kind = sniff(reading.head)
    if kind is None and gear:
        # The table is read apart from discovery: it is filed under its whole content, and
        # only if that did not change while it was read.
        same = found is not None and found == _whole_digest(path)
        return FileResult(relative, found if same else None, GEAR_KIND, looked=True)
    named = None if kind is None else str(kind)
    return FileResult(relative, reading.sha.hexdigest(), named, looked=True)


def _whole_digest(path: Path) -> str | None:
    """The SHA-256 of a whole (small) file, or None when it cannot be read."""
    try:
        handle, _ = open_regular(path)  # never blocks: a pipe swapped in is not waited on
        with handle:
            sha = hashlib.sha256()
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    except (OSError, LoadwatchError):
        return None
    return sha.hexdigest()


def parse_batch(
    files: Sequence[tuple[Path, str, bool]], on_error: OnError
) -> list[FileResult | Exception]:
    """Parse several files in a row (what a worker process is handed at a time).

    Args:
        files: ``(path, label, digest)`` of each file, as for :func:`parse_file`.
        on_error: As for :func:`parse_file`.

    Returns:
        Each file's result in order; with ``RAISE``, the results up to the first file that
        raised, then its error (the scan raises it when it comes to that file, so that the
        first problem in file order is the one raised).
    """
    results: list[FileResult | Exception] = []
    for path, label, digest in files:
        try:
            results.append(parse_file(path, label, on_error=on_error, digest=digest))
        except Exception as error:  # only with RAISE: parse_file keeps the rest as outcomes
            results.append(error)
            break
    return results


def _summarise_source(
    source: Source, *, on_error: OnError
) -> tuple[list[ActivitySummary], Skipped | None]:
    """The summaries of one activity file's activities, or why it cannot be used."""
    try:
        summaries = summarise_source(source.data, source.format, source.label, source.opener)
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
