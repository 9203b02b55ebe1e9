"""The incremental cache: what each file gave last time, so that a rerun parses only what changed.

An SQLite database (stdlib :mod:`sqlite3`, WAL mode) in the user's cache folder, never in the
watched folder. Two tables carry the work:

- ``parsed``: what a file's *content* gave — its activity summaries, skipped entries and the
  gear a Strava ``activities.csv`` names (:mod:`loadwatch.ingest.gear`) — keyed by the SHA-256
  of the bytes and the version of the parser that read them. A renamed or moved file has the
  same content, so it is not parsed again; a new loadwatch whose readers read a format
  differently has a new version for that format, so those files are parsed again.
- ``files``: a memo from a path's size, modification time and inode to its content hash, so that
  an unchanged file is not even read on a rerun; a file that is not an activity (a README, a
  photo) is kept with an empty kind, so that it is not opened again either. A run loads the
  memo of all its files, with their results, in one query (:mod:`loadwatch.ingest.memo`).
  Paths are kept as their bytes (like the ``state`` table's folders), so that a name that is
  not UTF-8 round-trips.

The cache can only save work, never change a result: every stored result carries a checksum and
is decoded strictly; anything that does not decode is treated as not cached. A database that is
corrupt, of another program or of an unknown schema is set aside (renamed, never deleted) and a
new one is built, with a warning.

How a result is turned into bytes is :mod:`loadwatch.ingest.cache_codec`; whether a database can
serve, :mod:`loadwatch.ingest.cache_checks`; keeping to one run at a time per cache is
:mod:`loadwatch.ingest.lock`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.cache_checks import (
    CacheUnusableError,
    CacheWriteError,
    Unusable,
    check_identity,
    check_tables,
    check_writable,
)
from loadwatch.ingest.cache_codec import Outcome, encode_outcomes
from loadwatch.ingest.formats import SNIFF_BYTES
from loadwatch.ingest.gear import GEAR_KIND, GEAR_VERSION, is_activities_csv
from loadwatch.ingest.memo import Memo, decoded, load_memo
from loadwatch.ingest.readers import READER_VERSIONS
from loadwatch.ingest.sources import sniff
from loadwatch.ingest.summary import SUMMARY_VERSION
from loadwatch.ingest.walk import open_regular
from loadwatch.settings.dirs import user_cache_dir

#: Tags the database file as loadwatch's (SQLite ``PRAGMA application_id``: "LWch").
APPLICATION_ID = 0x4C576368
#: The schema this code writes; older ones are migrated, newer ones set aside.
SCHEMA_VERSION = 2


def default_cache_path() -> Path:
    """The cache database in the platform's user cache folder."""
    return user_cache_dir() / "cache.sqlite3"


_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the first schema.
    """
    CREATE TABLE parsed (
        hash TEXT NOT NULL,
        parser TEXT NOT NULL,
        result BLOB NOT NULL,
        digest TEXT NOT NULL,
        stored_at REAL NOT NULL,
        PRIMARY KEY (hash, parser)
    );
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        hash TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE TABLE state (
        root TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 1 -> 2: paths are kept as their bytes (os.fsencode), so that a file name that is not
    # UTF-8 (b"M\xfcnchen.gpx") round-trips; SQLite text cannot hold it.
    """
    CREATE TABLE files_v2 (
        path BLOB PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        hash TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    INSERT INTO files_v2 SELECT CAST(path AS BLOB), size, mtime_ns, inode, hash, kind FROM files;
    DROP TABLE files;
    ALTER TABLE files_v2 RENAME TO files;
    CREATE TABLE state_v2 (
        root BLOB PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO state_v2 SELECT CAST(root AS BLOB), value FROM state;
    DROP TABLE state;
    ALTER TABLE state_v2 RENAME TO state;
    """,
)


class Cache:
    """The cache database, opened (and if need be created, migrated or rebuilt).

    Args:
        path: The database file. Its folder is created if needed.

    Attributes:
        path: The database file.
        warnings: What happened on opening that the user should hear of (a cache set aside).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LoadwatchError(
                f"cannot create the cache folder: {error.strerror}; choose another with "
                "--cache or run with --no-cache",
                path=self.path.parent,
            ) from error
        if self.path.is_symlink() and not self.path.exists():
            raise CacheUnusableError(
                f"is a symbolic link to {self.path.readlink()}, which does not exist (a disk "
                "not mounted?)",
                path=self.path,
            )
        try:
            self._db = self._open()
        except Unusable as problem:
            self._db = self._rebuilt(problem)

    def _rebuilt(self, problem: Unusable) -> sqlite3.Connection:
        """Set the unusable database aside and open a new one; when either cannot be done,
        :class:`CacheUnusableError` (the run goes on without a cache)."""
        try:
            aside = self._set_aside()
        except OSError as error:
            raise CacheUnusableError(
                f"{problem}, and it cannot be set aside to build a new one "
                f"({error.strerror or error})",
                path=self.path,
            ) from error
        self.warnings.append(
            f"the cache {self.path} {problem}; it was moved to {aside.name} and is rebuilt"
        )
        try:
            return self._open()
        except Unusable as again:
            raise CacheUnusableError(
                f"{problem}, and a new one {again} either", path=self.path
            ) from None

    # -- opening -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        existed = self.path.exists() and self.path.stat().st_size > 0
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as error:
            raise Unusable(f"cannot be opened ({error})") from error
        try:
            if existed:
                check_identity(db, APPLICATION_ID, SCHEMA_VERSION)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._migrate(db)
            check_tables(db)
            check_writable(db)
        except sqlite3.DatabaseError as error:
            db.close()
            raise Unusable(f"is damaged ({error})") from error
        except Unusable:
            db.close()
            raise
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        for step in range(version, SCHEMA_VERSION):
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {step + 1}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _set_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.unusable-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.replace(Path(f"{aside}{suffix}"))
        return aside

    # -- use -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known_file(self, path: str, stat: os.stat_result) -> tuple[str, str] | None:
        """``(content hash, kind)`` of ``path`` if it is unchanged since it was last read."""
        row = self._db.execute(
            "SELECT size, mtime_ns, inode, hash, kind FROM files WHERE path = ?", (_key(path),)
        ).fetchone()
        if row is None:
            return None
        size, mtime_ns, inode, digest, kind = row
        if (size, mtime_ns, inode) != (stat.st_size, stat.st_mtime_ns, stat.st_ino):
            return None
        return str(digest), str(kind)

    def remember_file(self, path: str, stat: os.stat_result, digest: str, kind: str) -> None:
        """Note that ``path``, as it is now, has content hash ``digest`` and format ``kind``."""
        self._db.execute(
            "INSERT OR REPLACE INTO files (path, size, mtime_ns, inode, hash, kind) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_key(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, digest, kind),
        )

    def forget_files_under(self, root: Path, keep: set[str]) -> None:
        """Drop the memo of files under ``root`` that are no longer there."""
        prefix = _key(root)
        inside = prefix + os.fsencode(os.sep)
        rows = self._db.execute(
            "SELECT path FROM files WHERE path = ? OR substr(path, 1, ?) = ?",
            (prefix, len(inside), inside),
        ).fetchall()
        kept = {_key(path) for path in keep}
        gone = [(path,) for (path,) in rows if path not in kept]
        if gone:
            self._db.executemany("DELETE FROM files WHERE path = ?", gone)

    def outcomes(self, digest: str, parser: str) -> list[Outcome] | None:
        """What content ``digest`` gave the parser of version ``parser``, if cached.

        Labels in the returned outcomes are relative to the file (see :func:`relabel`).
        """
        row = self._db.execute(
            "SELECT result, digest FROM parsed WHERE hash = ? AND parser = ?", (digest, parser)
        ).fetchone()
        return None if row is None else decoded(row[0], row[1])

    def memo_under(self, roots: Sequence[Path]) -> Memo:
        """What is known of every file under ``roots`` (resolved), with each one's stored
        result for today's parsers, in one query (:mod:`loadwatch.ingest.memo`)."""
        kinds = (*READER_VERSIONS, "gzip", "zip", GEAR_KIND)
        versions = {kind: parser_version(kind) for kind in kinds}
        return load_memo(self._db, [_key(root) for root in roots], versions)

    def store(self, digest: str, parser: str, outcomes: Sequence[Outcome]) -> None:
        """Keep what content ``digest`` gave (labels relative to the file)."""
        blob = encode_outcomes(outcomes)
        self._db.execute(
            "INSERT OR REPLACE INTO parsed (hash, parser, result, digest, stored_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (digest, parser, blob, hashlib.sha256(blob).hexdigest(), time.time()),
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: one commit for a whole run is much faster than one per file."""
        self._db.execute("BEGIN")
        try:
            yield
            self._db.execute("COMMIT")
        except sqlite3.Error as error:  # a disk full, a file made read-only during the run
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise CacheWriteError(
                f"cannot be written ({error}); run with --no-cache or choose another --cache",
                path=self.path,
            ) from error
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def get_state(self, root: Path) -> dict[str, Any] | None:
        """What the last run over ``root`` remembered (e.g. the newest week's flags)."""
        row = self._db.execute("SELECT value FROM state WHERE root = ?", (_key(root),)).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set_state(self, root: Path, value: dict[str, Any]) -> None:
        """Remember ``value`` for the next run over ``root``.

        Raises:
            CacheWriteError: The database cannot be written (the disk is full, say).
        """
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO state (root, value) VALUES (?, ?)",
                (_key(root), json.dumps(value, sort_keys=True)),
            )
        except sqlite3.Error as error:
            raise CacheWriteError(f"cannot be written ({error})", path=self.path) from error


def _key(path: str | Path) -> bytes:
    """A path as the cache keeps it: its bytes on disk, whatever they decode to (or not)."""
    return os.fsencode(path)


def identify(path: Path) -> tuple[str, str] | None:
    """``(content hash, kind)`` of an activity file, archive or gear table; None for the rest.

    ``kind`` is what :func:`loadwatch.ingest.sources.sniff` says (fit, gpx, tcx, gzip, zip), or
    :data:`~loadwatch.ingest.gear.GEAR_KIND` for a Strava ``activities.csv``. Unrelated files
    (photos, notes) are not hashed, so a large video in the folder costs nothing.
    """
    try:
        handle, _ = open_regular(path)  # never blocks: a pipe swapped in is not waited on
        with handle:
            head = handle.read(SNIFF_BYTES)
            kind = sniff(head) or (GEAR_KIND if is_activities_csv(path) else None)
            if kind is None:
                return None
            digest = hashlib.sha256(head)
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except (OSError, LoadwatchError):
        return None
    return digest.hexdigest(), kind


def parser_version(kind: str) -> str:
    """The version of what reads ``kind``: results cached under another version are re-read.

    A FIT file depends on the FIT reader and the summariser only, so a change to the GPX
    reader does not make every FIT file be parsed again; archives may hold any format, and a
    zip a Strava ``activities.csv`` too (an ``activities.csv`` depends on its reader only).
    """
    if kind == GEAR_KIND:
        return f"gear{GEAR_VERSION}"
    formats = (kind,) if kind in READER_VERSIONS else tuple(sorted(READER_VERSIONS))
    readers = ".".join(f"{name}{READER_VERSIONS[name]}" for name in formats)
    gear = f".gear{GEAR_VERSION}" if kind == "zip" else ""
    return f"{readers}.summary{SUMMARY_VERSION}{gear}"
