"""What the cache knows of the files under a scan's inputs, loaded in one query per run.

A warm run must not pay per file for what it already knows: :func:`load_memo` reads every
file's memo (size, modification time, inode, content hash and kind) under the inputs, with
the stored result of its content for today's parser version, in a single query (decoding each
result as its row comes, so that the stored bytes are never all held at once).
:meth:`Memo.take` then answers for a file from its ``stat`` alone: by its path, or, for a file
moved or renamed inside the inputs (same inode, size and time), by its old path. A file that is
not an activity (a README, a photo) is remembered with an empty kind, so that it is never
opened again while its signature stays the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Mapping, Sequence

from loadwatch.ingest.cache_codec import Outcome, decode_outcomes

#: The kind under which a file that is none of loadwatch's is remembered (with no hash).
NOT_AN_ACTIVITY = ""


@dataclasses.dataclass(frozen=True)
class Remembered:
    """One file's memo: its signature when last read, what it was, and its stored result.

    Attributes:
        path: The file's real path, as the scan names it.
        size, mtime_ns, inode: The file's signature when it was last read.
        digest: The SHA-256 of its content then (empty for a file that is not an activity).
        kind: What it was (:data:`NOT_AN_ACTIVITY` for none of loadwatch's files).
        outcomes: Its content's stored result for today's parser version, decoded strictly;
            ``None`` when there is none or it is damaged.
    """

    path: str
    size: int
    mtime_ns: int
    inode: int
    digest: str
    kind: str
    outcomes: list[Outcome] | None = dataclasses.field(default=None, repr=False)


class Memo:
    """The memo of every file under a scan's inputs, as it was when the run began."""

    def __init__(self, rows: Mapping[bytes, Remembered]) -> None:
        self._by_path = dict(rows)
        self._by_signature = {(r.inode, r.size, r.mtime_ns): r for r in self._by_path.values()}

    def __len__(self) -> int:
        return len(self._by_path)

    def take(self, key: bytes, info: os.stat_result) -> Remembered | None:
        """The memo of the file at ``key`` (its path's bytes), if it is unchanged since then:
        at this path, or at another one it was moved from (same inode, size and time). Each
        file is asked for once a run, so what is found is forgotten here (its result then
        lives only as long as the scan needs it)."""
        signature = (info.st_ino, info.st_size, info.st_mtime_ns)
        row = self._by_path.pop(key, None)
        if row is None or (row.inode, row.size, row.mtime_ns) != signature:
            row = self._by_signature.get(signature)
        if row is not None:
            self._by_signature.pop(signature, None)
        return row


def load_memo(db: sqlite3.Connection, roots: Sequence[bytes], versions: Mapping[str, str]) -> Memo:
    """Every file's memo under ``roots`` (paths as bytes), with its content's stored result
    for the parser version ``versions`` gives its kind, in one query."""
    if not roots:
        return Memo({})
    kinds = " UNION ALL ".join("SELECT ?, ?" for _ in versions) or "SELECT NULL, NULL"
    under = " OR ".join("f.path = ? OR substr(f.path, 1, ?) = ?" for _ in roots)
    arguments: list[object] = [value for pair in versions.items() for value in pair]
    for root in roots:
        inside = root.rstrip(os.fsencode(os.sep)) + os.fsencode(os.sep)
        arguments += [root, len(inside), inside]
    rows = db.execute(
        f"WITH v(kind, parser) AS ({kinds}) "  # placeholders only
        "SELECT f.path, f.size, f.mtime_ns, f.inode, f.hash, f.kind, p.result, p.digest "
        "FROM files f LEFT JOIN v ON v.kind = f.kind "
        "LEFT JOIN parsed p ON p.hash = f.hash AND p.parser = v.parser "
        f"WHERE {under}",
        arguments,
    )
    memo: dict[bytes, Remembered] = {}
    for path, size, mtime_ns, inode, digest, kind, blob, check in rows:  # decoded as they come
        outcomes = None if blob is None else decoded(blob, check)
        name = bytes(path)
        memo[name] = Remembered(
            os.fsdecode(name), size, mtime_ns, inode, str(digest), str(kind), outcomes
        )
    return Memo(memo)


def decoded(blob: bytes, check: str | None) -> list[Outcome] | None:
    """A stored result, if its checksum holds and it decodes strictly; None otherwise."""
    if check is None or hashlib.sha256(blob).hexdigest() != check:
        return None
    try:
        return decode_outcomes(blob)
    except (ValueError, KeyError, TypeError, zlib.error):
        return None
