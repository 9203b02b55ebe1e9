"""The last run's answer given again when nothing it depends on has changed, without pandas.

A nightly job reruns ``loadwatch analyze`` whether or not a new run was synced. When nothing that
the answer depends on changed since the last run (see ``docs/nightly.md``, "A rerun with nothing
new"), :func:`last_run` finds that run's record in the cache folder and :func:`replay` prints what
it printed, and exits as it exited, before the analysis, pandas or matplotlib are imported.
:func:`recording` makes the record while a full run prints.

What the answer depends on is put in two digests: ``key``, everything asked and everything read
(the command's options, the settings in force with the as-of day, the inputs' stat signature, the
body log, the map extract, loadwatch's code and readers' versions, the terminal), and the
``--out`` folder's stat signature after the run wrote it. A record is used only when both are
equal, and never when in doubt: a missing, damaged or foreign record, a run that had something to
say beyond its report (a cache rebuilt, a notification to try again), files still settling, or a
file changed within :data:`RACY_NS` of the signature.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from loadwatch._version import __version__
from loadwatch.atomic import write_atomically
from loadwatch.body.store import default_log
from loadwatch.errors import LoadwatchError
from loadwatch.ingest.formats import reader_versions
from loadwatch.ingest.signature import folder_signature, signature_and_newest
from loadwatch.model import AnalyzeOptions
from loadwatch.settings.dirs import user_cache_dir
from loadwatch.settings.seen import seen_file

#: The record file's layout; a file of another one is not read.
RECORD_FORMAT = 1
#: Runs remembered per cache: one per set of inputs, output folder and output format.
MAX_RECORDS = 8
#: The most a record's printed text may hold (characters); a longer answer is not remembered.
MAX_TEXT = 4_000_000
#: A file changed this close before the signature was taken may change again unseen (a file
#: system's clock ticks are coarse: 2 s on FAT): such a run is not remembered.
RACY_NS = 2_000_000_000
#: The environment variables that can change what a run prints.
_ENVIRONMENT = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "TZ", "LANG", "HOME")
_ENVIRONMENT_PREFIXES = ("LOADWATCH_", "LC_", "XDG_")


@dataclasses.dataclass(frozen=True)
class Record:
    """What a run printed and how it ended.

    Attributes:
        printed: Each piece of text in the order printed, and its stream ("out" or "err").
        exit_code: The run's exit code.
    """

    printed: list[tuple[str, str]]
    exit_code: int


@dataclasses.dataclass(frozen=True)
class LastRun:
    """A run's identity, and the last record of it that can be used again (if any).

    Attributes:
        store: The file of records (in the cache folder).
        slot: Which run this is: its inputs, output folder and output format.
        key: Everything the answer depends on, before it is made.
        out: The ``--out`` folder, if any.
        reusable: Whether the signature is old enough for the answer to be remembered.
        record: The record to replay, or ``None``: the analysis must run.
    """

    store: Path
    slot: str
    key: str
    out: Path | None
    reusable: bool
    record: Record | None


def record_path(cache: str | Path | None) -> Path:
    """The file of records beside the cache database (``cache``, else the default one)."""
    # The default database is ingest.cache's default_cache_path(), not imported: it reads files.
    database = Path(cache).expanduser() if cache is not None else user_cache_dir() / "cache.sqlite3"
    return database.with_name(database.name + ".last-runs.json")


def last_run(
    paths: Sequence[Path],
    options: AnalyzeOptions,
    *,
    request: Mapping[str, object],
    cache: str | Path | bool | None,
    out: str | Path | None,
) -> LastRun | None:
    """The run asked for, with the last record of it if nothing it depends on changed since.

    Args:
        paths: The inputs, as given.
        options: The settings in force (with the as-of day).
        request: Every option of the command as parsed (format, units, ``--notify``...).
        cache: The cache database, ``None`` for the default one, ``False`` for none.
        out: The ``--out`` folder.

    Returns:
        ``None`` without a cache (``--no-cache``): nothing is remembered.
    """
    if cache is False:
        return None
    store = record_path(None if cache is True else cache)
    started = time.time_ns()
    signature, newest = signature_and_newest([Path(path) for path in paths])
    folder = Path(out) if out is not None else None
    slot = _digest(
        {
            "inputs": [os.fspath(p) for p in paths],
            "cwd": str(Path.cwd()),
            "out": out,
            "request": _request_slot(request),
        }
    )
    key = _digest(
        {
            "code": _code(),
            "options": repr(options),
            "request": sorted((name, repr(value)) for name, value in request.items()),
            "inputs": [os.path.abspath(path) for path in paths],  # noqa: PTH100
            "signature": signature,
            "files": _files(options),
            "terminal": _terminal(),
        }
    )
    record = _stored(store, slot, key, folder)
    return LastRun(store, slot, key, folder, started - newest > RACY_NS, record)


def replay(record: Record) -> None:
    """Print what the recorded run printed, in its order, and exit as it did.

    Raises:
        SystemExit: With the recorded exit code, when not 0.
    """
    for stream, text in record.printed:
        target = sys.stdout if stream == "out" else sys.stderr
        target.write(text)
    sys.stdout.flush()
    sys.stderr.flush()
    if record.exit_code:
        raise SystemExit(record.exit_code)


@contextlib.contextmanager
def recording(run: LastRun | None, *, keep: bool) -> Iterator[None]:
    """Record what is printed inside the block, and store it as ``run``'s record if it ends
    with exit code 0 or a :class:`SystemExit` (``keep`` false, or ``run`` None: nothing stored).
    """
    if run is None or not keep or not run.reusable:
        yield
        return
    printed: list[tuple[str, str]] = []
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(out, "out", printed), _Tee(err, "err", printed)
    code: int | None = None
    try:
        yield
        code = 0
    except SystemExit as error:
        code = error.code if isinstance(error.code, int) else None
        raise
    finally:
        sys.stdout, sys.stderr = out, err
        if code is not None:
            _store(run, Record(printed, code))


class _Tee(io.TextIOBase):
    """A text stream that writes through to another and remembers what was written."""

    def __init__(self, target: TextIO, name: str, printed: list[tuple[str, str]]) -> None:
        super().__init__()
        self._target, self._name, self._printed = target, name, printed

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._target.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._target.errors

    def write(self, text: str) -> int:
        if text:  # click writes b"" for an empty message
            self._printed.append((self._name, str(text)))
        return self._target.write(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()


def _request_slot(request: Mapping[str, object]) -> str:
    """What tells one run from another of the same inputs: its output format and cache."""
    return repr([request.get(name) for name in ("output_format", "cache_path", "log_file")])


def _digest(parts: Mapping[str, object]) -> str:
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _code() -> list[object]:
    """loadwatch's version, its readers' versions, and its own files' stat (an edited checkout)."""
    package = Path(__file__).resolve().parent.parent
    return [__version__, sorted(reader_versions().items()), folder_signature([package])]


def _files(options: AnalyzeOptions) -> list[str]:
    """The stat of the files a run reads outside its inputs: body log, map extract, and the
    marks the table's legend has explained already (it explains a mark the first time only)."""
    body_log = options.body_log if options.body_log is not None else default_log()
    files = [body_log, options.osm, seen_file()]
    return [_stat_line(Path(file)) for file in files if file is not None]


def _stat_line(path: Path) -> str:
    try:
        info = path.stat()
    except OSError as error:
        return f"{path} ! {error.errno}"
    return f"{path} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"


def _terminal() -> list[object]:
    """What the terminal changes in what is printed: colours, width, locale."""
    size = shutil.get_terminal_size()
    names = sorted(
        name
        for name in os.environ
        if name in _ENVIRONMENT or name.startswith(_ENVIRONMENT_PREFIXES)
    )
    return [
        sys.stdout.isatty(),
        sys.stderr.isatty(),
        [size.columns, size.lines],
        [(name, os.environ[name]) for name in names],
    ]


def _out_signature(folder: Path | None) -> str:
    return "" if folder is None else folder_signature([folder])


def _read(store: Path) -> dict[str, Any]:
    """The records in ``store`` (none when it is missing; a warning when it is damaged)."""
    try:
        data = json.loads(store.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        sys.stderr.write(
            f"warning: the record of the last run ({store}) cannot be read ({error}); "
            "this run analyses everything again\n"
        )
        return {}
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        return {}
    records = data.get("records")
    return records if isinstance(records, dict) else {}


def _stored(store: Path, slot: str, key: str, out: Path | None) -> Record | None:
    """The record of ``slot`` when it has ``key`` and the ``--out`` folder is as it left it."""
    entry = _read(store).get(slot)
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    try:
        printed = [(str(stream), str(text)) for stream, text in entry["printed"]]
        code = int(entry["exit_code"])
        written = str(entry["out"])
    except (KeyError, TypeError, ValueError):
        return None
    if written != _out_signature(out):  # a file of the report removed or edited since
        return None
    return Record(printed, code)


def _store(run: LastRun, record: Record) -> None:
    """Keep ``record`` as ``run``'s, with the most recent others (a failure to is no error)."""
    if sum(len(text) for _, text in record.printed) > MAX_TEXT:
        return
    records = {slot: entry for slot, entry in _read(run.store).items() if slot != run.slot}
    kept = sorted(records.items(), key=lambda item: _when(item[1]))[-(MAX_RECORDS - 1) :]
    entry = {
        "key": run.key,
        "out": _out_signature(run.out),
        "printed": record.printed,
        "exit_code": record.exit_code,
        "when": time.time_ns(),
    }
    data = {"format": RECORD_FORMAT, "records": {**dict(kept), run.slot: entry}}
    with contextlib.suppress(LoadwatchError):  # only the next run's speed is at stake
        write_atomically(run.store, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _when(entry: object) -> int:
    when = entry.get("when") if isinstance(entry, dict) else None
    return when if isinstance(when, int) else 0
