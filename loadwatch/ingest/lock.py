"""One loadwatch run at a time per cache, so that two runs never write the same database at once.

A second run (a scheduled one while you run it by hand, say) waits for the first to finish, up to
a limit, and then gives up with :class:`CacheBusyError` rather than waiting for ever. The lock is
an operating-system lock on a file beside the cache (``flock`` on POSIX, ``msvcrt.locking`` on
Windows), so it is let go even when the run holding it is killed. Only "another process holds
it" means wait: any other locking error (a network share without locks) is said at once.

Ours rather than filelock: that is well kept, but its 4.x is some 3,600 lines of leases, soft,
read-write and async locks, where loadwatch needs one exclusive lock with a wait; the one thing
it did better (telling a held lock from a file system without locks) is done here too.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from loadwatch.errors import ConfigError, LoadwatchError

#: How long a run waits for another one holding the same cache (seconds).
DEFAULT_WAIT_S = 60.0


class CacheBusyError(LoadwatchError):
    """Another loadwatch run holds the cache, and did not finish within the wait."""


class RunLock:
    """One loadwatch run at a time per cache: an exclusive lock on ``<cache>.lock``.

    Args:
        cache_path: The cache database the lock protects.
        wait_s: How long to wait for another run to finish before giving up.

    Raises:
        ConfigError: ``wait_s`` is not a finite number of seconds, 0 or more (NaN would never
            time out).
        CacheBusyError: On entering, when the lock was not free within ``wait_s``.
    """

    def __init__(self, cache_path: Path, wait_s: float = 60.0) -> None:
        if not math.isfinite(wait_s) or wait_s < 0:
            raise ConfigError(
                f"wait must be a number of seconds, 0 or more, not {wait_s}", setting="wait"
            )
        self.path = Path(f"{cache_path}.lock")
        self.wait_s = wait_s
        self._handle: Any = None

    def __enter__(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+b")
        except OSError as error:
            raise LoadwatchError(
                f"cannot create the cache's lock file ({error.strerror or error}); choose "
                "another --cache, or run with --no-cache",
                path=self.path,
            ) from error
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                locked = _try_lock(handle)
            except OSError as error:
                handle.close()
                raise LoadwatchError(
                    f"cannot lock the cache ({error.strerror or error}): its file system may not "
                    "support file locks; choose another --cache, or run with --no-cache",
                    path=self.path,
                ) from error
            if locked:
                self._handle = handle
                _say_holder(handle)
                return self
            if time.monotonic() >= deadline:
                holder = _holder(handle)
                handle.close()
                raise CacheBusyError(
                    f"another loadwatch run{holder} has been using the cache for over "
                    f"{self.wait_s:g} s; try again when it has finished (or use --wait to wait "
                    "longer). If it hangs, end that process: every later run waits for it",
                    path=self.path,
                )
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None


def _say_holder(handle: Any) -> None:
    """Write which process holds the lock, and since when, into the lock file."""
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        handle.write(f"{os.getpid()} {stamp}\n".encode())
        handle.flush()


def _holder(handle: Any) -> str:
    """`` (process 1234, since 2026-06-01T02:30:00+02:00)``, as the holder wrote it; or ``""``."""
    try:
        handle.seek(0)
        pid, stamp = handle.read(100).decode("ascii").split()
    except (OSError, ValueError):
        return ""
    return f" (process {int(pid)}, since {stamp})" if pid.isdigit() else ""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: Any) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: Any) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import errno
    import fcntl

    # What flock says when another process holds the lock (EACCES on some file systems); any
    # other error (ENOLCK on a network share without locks, say) is no reason to wait.
    _HELD = frozenset({errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES})

    def _try_lock(handle: Any) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in _HELD:
                return False
            raise
        return True

    def _unlock(handle: Any) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
