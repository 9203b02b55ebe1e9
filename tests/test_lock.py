"""One run at a time per cache: the second waits, then gives up with CacheBusyError."""

from __future__ import annotations

import errno
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loadwatch.errors import LoadwatchError
from loadwatch.ingest import lock
from loadwatch.ingest.lock import CacheBusyError, RunLock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock: POSIX only")

#: Holds the lock of the cache named on its command line until its standard input closes.
HOLDER = """
import sys
from pathlib import Path
from loadwatch.ingest.lock import RunLock
with RunLock(Path(sys.argv[1]), wait_s=0):
    print("locked", flush=True)
    sys.stdin.read()
"""


def hold(cache: Path) -> subprocess.Popen[str]:
    """Another process (another loadwatch run) holding ``cache``'s lock."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(cache)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "locked\n"
    return process


def test_a_second_run_waits_then_gives_up(tmp_path: Path) -> None:
    """While another process holds the lock, a run waits its ``wait_s`` and then says why."""
    cache = tmp_path / "cache.sqlite3"
    holder = hold(cache)
    try:
        began = time.monotonic()
        busy = pytest.raises(CacheBusyError, match=r"another loadwatch run .* over 0.3 s")
        with busy, RunLock(cache, wait_s=0.3):
            pass
        assert time.monotonic() - began >= 0.3
    finally:
        holder.communicate("")
    with RunLock(cache, wait_s=0) as held:  # let go when the holder ended
        assert held.path == tmp_path / "cache.sqlite3.lock"


def test_a_killed_run_lets_go(tmp_path: Path) -> None:
    """The operating system releases the lock of a run that was killed."""
    cache = tmp_path / "cache.sqlite3"
    holder = hold(cache)
    holder.kill()
    holder.wait()
    with RunLock(cache, wait_s=5):
        pass


def test_a_file_system_without_locks_is_not_a_busy_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flock failing for another reason than a holder fails at once, with what to do."""

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lock.fcntl, "flock", no_locks)
    began = time.monotonic()
    refused = pytest.raises(LoadwatchError, match=r"No locks available.*--no-cache")
    with refused as caught, RunLock(tmp_path / "cache.sqlite3", wait_s=30):
        pass
    assert not isinstance(caught.value, CacheBusyError)
    assert time.monotonic() - began < 5


def test_an_unwritable_lock_folder(tmp_path: Path) -> None:
    """A lock file that cannot be created says which and what to do."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(LoadwatchError, match=r"lock file.*--no-cache"), RunLock(blocker / "c"):
        pass
