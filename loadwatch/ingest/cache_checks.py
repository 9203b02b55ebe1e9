"""Whether a database file can serve as loadwatch's cache, and the errors when it cannot.

A database of another program, of a newer schema, damaged, missing a table, or that cannot be
written is :class:`Unusable`: :class:`~loadwatch.ingest.cache.Cache` sets it aside and builds a
new one. When that cannot be done either (a read-only folder, a link to a disk not mounted), it
is a :class:`CacheUnusableError`, and the run goes on without a cache, with a warning.
"""

from __future__ import annotations

import sqlite3

from loadwatch.errors import LoadwatchError


class Unusable(Exception):
    """The database file cannot be used as a loadwatch cache (said why in the message)."""


class CacheUnusableError(LoadwatchError):
    """The cache can be neither used nor rebuilt (a dangling link, a read-only folder): the run
    goes on without it (see :func:`loadwatch.nightly.runner.run`)."""


class CacheWriteError(LoadwatchError):
    """The cache could be opened but not written (a disk that filled up during the run)."""


#: The columns each table must have: a database of the right id and version that lacks them
#: (a table dropped by hand, a half-made copy) is set aside like a damaged one.
_TABLES = {
    "parsed": "hash, parser, result, digest, stored_at",
    "files": "path, size, mtime_ns, inode, hash, kind",
    "state": "root, value",
}


def check_tables(db: sqlite3.Connection) -> None:
    """Raise :class:`sqlite3.OperationalError` when a table or column the cache uses is missing."""
    for table, columns in _TABLES.items():
        db.execute(f"SELECT {columns} FROM {table} LIMIT 0")


def check_writable(db: sqlite3.Connection) -> None:
    """Find a database that cannot be written now (a read-only file), not after the whole run.

    Rewriting the schema version writes the file's header (and changes nothing).
    """
    (version,) = db.execute("PRAGMA user_version").fetchone()
    try:
        db.execute(f"PRAGMA user_version = {int(version)}")
    except sqlite3.OperationalError as error:
        raise Unusable(f"cannot be written ({error})") from error


def check_identity(db: sqlite3.Connection, application_id: int, schema: int) -> None:
    """Raise :class:`Unusable` for a database of another program, a newer schema, or damaged."""
    (application,) = db.execute("PRAGMA application_id").fetchone()
    if application != application_id:
        raise Unusable("is not a loadwatch cache")
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > schema:
        raise Unusable(f"was written by a newer loadwatch (schema {version})")
    (verdict,) = db.execute("PRAGMA quick_check").fetchone()
    if verdict != "ok":
        raise Unusable(f"is damaged ({verdict})")
