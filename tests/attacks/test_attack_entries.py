"""Hostile entries in the watched folder (issue 13 #9, #11, #14, #17): nothing blocks, nothing
raises, every entry left out is listed with its reason, and no broken parse is cached."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import hostile
import pytest
from conftest import assert_bounded, folder_digest, run_cli

from loadwatch.ingest import scan as scan_module
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.readers import read_activities
from loadwatch.ingest.scan import FileResult, parse_file, scan
from loadwatch.ingest.sources import iter_sources
from loadwatch.model import Skipped
from loadwatch.vocab import OnError


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail a test that blocks (on a named pipe, say) instead of hanging the suite."""

    def stop(*_: object) -> None:
        raise TimeoutError("blocked")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_fifo_as_path_is_an_error_not_a_hang(tmp_path: Path) -> None:
    """A named pipe given as PATH ends at once with exit 1 and says what it is."""
    os.mkfifo(tmp_path / "pipe.fit")
    run = run_cli(str(tmp_path / "pipe.fit"), timeout=20)
    assert_bounded(run, code=1)
    assert "is a named pipe (FIFO), not a file" in run.stderr


def test_read_activities_of_a_fifo(tmp_path: Path, deadline: None) -> None:
    """read_activities on a named pipe raises loadwatch's error instead of blocking."""
    os.mkfifo(tmp_path / "pipe.gpx")
    with pytest.raises(Exception, match="named pipe") as info:
        read_activities(tmp_path / "pipe.gpx")
    assert type(info.value).__module__ == "loadwatch.errors"


def test_a_file_swapped_for_a_fifo_after_the_walk(tmp_path: Path, deadline: None) -> None:
    """A file the walk saw, then replaced by a named pipe, is skipped (typed on the opened
    descriptor), not waited on forever."""
    os.mkfifo(tmp_path / "run.fit")
    result = parse_file(tmp_path / "run.fit", "run.fit")
    assert result.outcomes == [Skipped("", "is a named pipe (FIFO), not a file; not read")]


def test_fifos_and_devices_named_like_activities_are_listed(attack: Path) -> None:
    """A FIFO named .fit and a device named .gpx are listed as skipped, with what they are."""
    os.mkfifo(attack / "pipe.fit")
    (attack / "null.gpx").symlink_to("/dev/null")
    before = folder_digest(attack)
    run = run_cli(str(attack))
    assert_bounded(run)
    assert run.skipped() == {
        "pipe.fit": "is a named pipe (FIFO), not a file; not read",
        "null.gpx": "is a device, not a file; not read",
    }
    assert folder_digest(attack) == before


def test_zip_members_named_to_climb_out_are_listed(attack: Path) -> None:
    """Members named ../... are listed as skipped, never read (nor written anywhere)."""
    member = hostile.stored(hostile.tcx_huge_lap_totals())
    (attack / "up.zip").write_bytes(hostile.zip_of([("../../evil.fit", member)]))
    run = run_cli(str(attack))
    assert_bounded(run)
    assert run.skipped() == {
        "up.zip/../../evil.fit": "has a name that leads out of its archive; not read"
    }


def test_an_entry_that_cannot_be_looked_at_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry whose stat fails (a folder of mode 0644 for a user, a link into /proc) is
    listed as skipped, and the walk goes on."""
    (tmp_path / "locked.fit").write_bytes(hostile.fit(10))
    (tmp_path / "ok.fit").write_bytes(hostile.fit(10))
    real_stat = os.stat

    def stat(path: str | Path, *args: object, **kwargs: object) -> os.stat_result:
        if Path(path).name == "locked.fit":
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    found = {
        item.source if isinstance(item, Skipped) else item.label: item
        for item in iter_sources(tmp_path)
    }
    assert found["locked.fit"] == Skipped("locked.fit", "cannot be read: Permission denied")
    assert not isinstance(found["ok.fit"], Skipped)


def test_a_file_changed_between_hashing_and_parsing_is_not_cached_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file rewritten (broken) after it was hashed is not cached under the good content's
    hash: once it is good again, it is read as good."""
    folder = tmp_path / "runs"
    folder.mkdir()
    run = folder / "run.gpx"
    good = write_gpx_run()
    run.write_bytes(good)
    real = scan_module.parse_file

    def break_first(path: Path, label: str, **kwargs: object) -> FileResult:
        path.write_bytes(good[: len(good) // 2])  # changed after the hash was taken
        return real(path, label, **kwargs)  # type: ignore[arg-type]

    with Cache(tmp_path / "cache.sqlite3") as cache:
        monkeypatch.setattr(scan_module, "parse_file", break_first)
        first = scan(folder, cache=cache, on_error=OnError.SKIP)
        assert [s.source for s in first.skipped] == ["run.gpx"]
        monkeypatch.setattr(scan_module, "parse_file", real)
        run.write_bytes(good)
        again = scan(folder, cache=cache)
    assert [s.source for s in again.summaries] == ["run.gpx"] and again.skipped == []


def write_gpx_run() -> bytes:
    """A plain half-hour GPX run."""
    from factories import gpx

    return gpx(datetime.fromisoformat("2025-03-03T07:00:00+00:00")).encode()


def test_a_fifo_after_the_walk_with_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: None
) -> None:
    """With the cache, a file swapped for a named pipe after the walk is neither hashed nor
    read (both would wait forever, holding the run lock): it is skipped, saying what it is."""
    os.mkfifo(tmp_path / "run.fit")
    monkeypatch.setattr(
        scan_module, "iter_files", lambda path: iter([(path / "run.fit", "run.fit")])
    )
    with Cache(tmp_path / "cache.sqlite3") as cache:
        found = scan(tmp_path, cache=cache)
    assert found.skipped == [Skipped("run.fit", "is a named pipe (FIFO), not a file; not read")]
    from loadwatch.ingest.cache import identify

    assert identify(tmp_path / "run.fit") is None
