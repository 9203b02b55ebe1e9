"""A cache that cannot serve: a clear warning and a run with a fresh cache, or without one.

A missing table of the right application id, a dangling symbolic link as the cache path, a
read-only cache file (which failed only when the run's state was saved, after the whole
analysis) and a read-only cache folder (a PermissionError setting the damaged cache aside) used
to end in tracebacks every night. As root, permissions are made real by running the command
without CAP_DAC_OVERRIDE (setpriv).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import gpx

from loadwatch.ingest.cache import Cache
from loadwatch.ingest.cache_checks import CacheWriteError
from loadwatch.nightly import runner


def _without_root_powers() -> list[str]:
    """A command prefix under which file modes bind, even for root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file modes would not bind")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture
def watch(tmp_path: Path) -> Path:
    """Two runs in a folder."""
    folder = tmp_path / "watch"
    folder.mkdir()
    start = datetime(2026, 6, 1, 7, tzinfo=UTC)
    for day in (0, 2):
        (folder / f"run{day}.gpx").write_text(gpx(start + timedelta(days=day), minutes=20))
    return folder


def analyse(watch: Path, cache: Path, *, limited: bool = False) -> subprocess.CompletedProcess[str]:
    """``loadwatch analyze`` in a process of its own, as the nightly job runs it."""
    prefix = _without_root_powers() if limited else []
    command = [*prefix, sys.executable, "-m", "loadwatch", "analyze", str(watch)]
    return subprocess.run(
        [*command, "--cache", str(cache), "--format", "json", "--timezone", "UTC"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _read_both(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["activities"]) == 2


def test_a_missing_table_is_set_aside_and_rebuilt(watch: Path, tmp_path: Path) -> None:
    """A cache of the right id and version without its ``parsed`` table is set aside with a
    warning, and a new one is built."""
    cache = tmp_path / "cache.sqlite3"
    _read_both(analyse(watch, cache))
    with sqlite3.connect(cache) as db:
        db.execute("DROP TABLE parsed")
    result = analyse(watch, cache)
    _read_both(result)
    assert "is damaged (no such table: parsed); it was moved to" in result.stderr
    assert len(list(tmp_path.glob("cache.sqlite3.unusable-*[0-9]"))) == 1
    assert "warning" not in analyse(watch, cache).stderr  # the new one serves


def test_a_dangling_link_runs_without_a_cache(watch: Path, tmp_path: Path) -> None:
    """A cache path that is a link to nothing (a disk not mounted): a warning, a run without
    the cache, and the link left as it was."""
    cache = tmp_path / "cache.sqlite3"
    cache.symlink_to(tmp_path / "unmounted" / "cache.sqlite3")
    result = analyse(watch, cache)
    _read_both(result)
    assert "is a symbolic link to" in result.stderr and "which does not exist" in result.stderr
    assert "this run goes without the cache" in result.stderr
    assert cache.is_symlink() and not (tmp_path / "unmounted").exists()


def test_a_read_only_cache_file_is_found_at_once(watch: Path, tmp_path: Path) -> None:
    """A read-only cache file is found when opened, not after the whole analysis: set aside
    with a warning, and a new cache built beside it."""
    cache = tmp_path / "cache.sqlite3"
    _read_both(analyse(watch, cache))
    cache.chmod(0o444)
    result = analyse(watch, cache, limited=True)
    _read_both(result)
    assert "cannot be written (attempt to write a readonly database)" in result.stderr
    assert "it was moved to cache.sqlite3.unusable-" in result.stderr


def test_a_read_only_cache_folder_runs_without_a_cache(watch: Path, tmp_path: Path) -> None:
    """A damaged cache in a read-only folder cannot be set aside: a warning, and the run goes
    on without the cache."""
    folder = tmp_path / "caches"
    folder.mkdir()
    cache = folder / "cache.sqlite3"
    _read_both(analyse(watch, cache))
    for extra in folder.glob("cache.sqlite3-*"):
        extra.unlink()
    cache.write_bytes(b"not a database at all" * 100)
    folder.chmod(0o555)
    try:
        result = analyse(watch, cache, limited=True)
    finally:
        folder.chmod(0o755)
    _read_both(result)
    assert "it cannot be set aside to build a new one (Permission denied)" in result.stderr
    assert "this run goes without the cache" in result.stderr


def test_state_that_cannot_be_saved_is_a_warning(
    watch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the run's state cannot be saved at the end (a disk that filled up), the report
    stands and the run says so."""

    def full(self: Cache, root: Path, value: object) -> None:
        raise CacheWriteError("cannot be written (database or disk is full)", path=self.path)

    monkeypatch.setattr(Cache, "set_state", full)
    result = runner.run(watch, cache=tmp_path / "c.sqlite3", out=tmp_path / "out", timezone="UTC")
    assert len(result.analysis.timeline) == 2 and (tmp_path / "out" / "latest.json").exists()
    assert any("the next run cannot tell what is new" in m for m in result.messages)


def test_a_closed_database_is_a_cache_write_error(tmp_path: Path) -> None:
    """A write that SQLite refuses is a CacheWriteError naming the cache, in a transaction or
    not."""
    cache = Cache(tmp_path / "c.sqlite3")
    cache.close()
    with pytest.raises(CacheWriteError, match="cannot be written"):
        cache.set_state(tmp_path, {})
    other = Cache(tmp_path / "d.sqlite3")
    with pytest.raises(CacheWriteError, match="run with --no-cache"), other.transaction():
        other.store("x" * 64, "v", [])
        other.close()
