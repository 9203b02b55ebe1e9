"""A warm run costs per file only a stat: no file reopened, one query for every cached result,
and the same results whether files are parsed here or in batches in worker processes."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.ingest import cache as cache_module
from loadwatch.ingest.batches import BATCH_BYTES, Work, _batches
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.cache_codec import encode_outcomes
from loadwatch.ingest.memo import Memo, load_memo
from loadwatch.ingest.parsefile import parse_batch, parse_file
from loadwatch.ingest.roots import real_paths
from loadwatch.ingest.scan import Scan, scan
from loadwatch.ingest.signature import folder_signature
from loadwatch.vocab import OnError

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent
NOT_RUNS = {"README.txt": b"my runs\n" * 20, "notes.csv": b"day,km\n1,5\n" * 10}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Twelve GPX runs in two folders, a Strava activities.csv, and files that are not runs."""
    root = tmp_path / "watch"
    for n in range(12):
        path = root / f"w{n // 6}" / f"run{n:02d}.gpx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(gpx(MONDAY + timedelta(days=n), minutes=20, step_s=10))
    for name, data in NOT_RUNS.items():
        (root / name).write_bytes(data)
    (root / "w0" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(5000))
    (root / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Type,Filename,Activity Gear\n"
        '1,"Jun 1, 2026, 7:00:00 AM",Run,w0/run00.gpx,Pegasus\n'
    )
    return root


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every file opened with os.open (how loadwatch opens files it reads)."""
    names: list[str] = []
    real = os.open

    def spy(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        names.append(Path(os.fsdecode(path)).name)
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    return names


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the cache runs."""
    statements: list[str] = []
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = real(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(cache_module.sqlite3, "connect", connect)
    return statements


def _same(one: Scan, other: Scan) -> bool:
    """Whether two scans found the same (summaries compared as the cache stores them: their
    arrays by value, NaN equal to NaN)."""
    rest = ("skipped", "duplicates", "warnings", "pending", "gear")
    return encode_outcomes(one.summaries) == encode_outcomes(other.summaries) and all(
        getattr(one, name) == getattr(other, name) for name in rest
    )


def _scan(folder: Path, tmp_path: Path, **options: Any) -> Scan:
    with Cache(tmp_path / "cache.sqlite3") as cache:
        return scan(folder, cache=cache, **options)


def test_a_warm_run_opens_no_file(folder: Path, tmp_path: Path, opened: list[str]) -> None:
    """Nothing changed: no file is opened again, runs, csv and files that are not runs alike."""
    first = _scan(folder, tmp_path, jobs=1)
    assert {"README.txt", "notes.csv", "photo.jpg", "activities.csv"} <= set(opened)
    opened.clear()
    again = _scan(folder, tmp_path, jobs=1)
    assert opened == []
    assert _same(again, first)
    assert dict(again.gear.gear) == {"w0/run00.gpx": "Pegasus"}


def test_a_changed_note_is_opened_once_more(
    folder: Path, tmp_path: Path, opened: list[str]
) -> None:
    """A file that is not a run is looked at again when it changes, then not again."""
    _scan(folder, tmp_path, jobs=1)
    (folder / "README.txt").write_bytes(b"longer now\n" * 30)
    opened.clear()
    _scan(folder, tmp_path, jobs=1)
    assert opened == ["README.txt"]
    opened.clear()
    _scan(folder, tmp_path, jobs=1)
    assert opened == []


def test_a_moved_note_is_not_opened(folder: Path, tmp_path: Path, opened: list[str]) -> None:
    """A renamed file keeps its inode, size and time: the memo knows it under its new name."""
    _scan(folder, tmp_path, jobs=1)
    (folder / "notes.csv").rename(folder / "w1" / "notes-2026.csv")
    (folder / "w0" / "run00.gpx").rename(folder / "w1" / "moved.gpx")
    opened.clear()
    moved = _scan(folder, tmp_path, jobs=1)
    assert opened == []
    assert "w1/moved.gpx" in [s.source for s in moved.summaries]
    opened.clear()
    _scan(folder, tmp_path, jobs=1)
    assert opened == []


def test_a_changed_gear_table_is_read_again(folder: Path, tmp_path: Path) -> None:
    """The Strava csv is cached under its whole content: a new row beyond its start counts."""
    _scan(folder, tmp_path, jobs=1)
    with (folder / "activities.csv").open("a") as table:
        table.write('2,"Jun 2, 2026, 7:00:00 AM",Run,w0/run01.gpx,Vomero\n')
    again = _scan(folder, tmp_path, jobs=1)
    assert dict(again.gear.gear) == {"w0/run00.gpx": "Pegasus", "w0/run01.gpx": "Vomero"}


def test_one_query_gives_every_cached_result(
    folder: Path, tmp_path: Path, queries: list[str]
) -> None:
    """A warm run asks the database for the stored results once, not once per file."""
    _scan(folder, tmp_path, jobs=1)
    queries.clear()
    found = _scan(folder, tmp_path, jobs=1)
    assert len(found.summaries) == 12
    reads = [q for q in queries if q.startswith(("SELECT", "WITH")) and "LIMIT 0" not in q]
    assert len([q for q in reads if "parsed" in q]) == 1
    assert len([q for q in reads if "files" in q]) == 2  # the memo, and what is gone


def test_a_file_changed_in_place_is_read_again(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """Same size, same inode, new content and time: it is parsed again, its new values kept."""
    first = _scan(folder, tmp_path, jobs=1)
    path = folder / "w1" / "run07.gpx"
    before = path.stat()
    path.write_text(path.read_text().replace("<gpxtpx:hr>150<", "<gpxtpx:hr>170<"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == before.st_size and path.stat().st_ino == before.st_ino
    parsed.clear()
    again = _scan(folder, tmp_path, jobs=1)
    assert parsed == ["w1/run07.gpx"]
    old = {s.source: s for s in first.summaries}["w1/run07.gpx"]
    new = {s.source: s for s in again.summaries}["w1/run07.gpx"]
    assert new != old


def test_jobs_give_the_same_scan_with_a_cache(folder: Path, tmp_path: Path) -> None:
    """Parsed in batches in two worker processes, or here: the same scan, cold and warm."""
    (folder / "zz-broken.gpx").write_text("<gpx>not closed")
    one = scan(folder, jobs=1)
    with Cache(tmp_path / "two.sqlite3") as cache:
        cold = scan(folder, jobs=2, cache=cache)
        warm = scan(folder, jobs=2, cache=cache)
    assert _same(cold, one) and _same(warm, one)
    assert [s.source for s in one.skipped] == ["zz-broken.gpx"]


def _analysis_json(folder: Path, jobs: str) -> dict[str, Any]:
    args = ["analyze", str(folder), "--jobs", jobs, "--no-cache", "--format", "json", "-q"]
    result = CliRunner().invoke(cli, [*args, "--timezone", "UTC", "--as-of", "2026-06-30"])
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_sample_data_is_the_same_with_one_or_two_jobs() -> None:
    """`loadwatch analyze sample_data --format json` is the same with --jobs 1 and 2."""
    assert _analysis_json(REPO / "sample_data", "2") == _analysis_json(REPO / "sample_data", "1")


def test_the_corpus_is_the_same_with_one_or_two_jobs() -> None:
    """Every corpus file gives the same summaries, skips and duplicates with 1 or 2 jobs."""
    corpus = Path(os.environ.get("LOADWATCH_CORPUS", REPO.parent / "shared" / "corpus"))
    if not corpus.is_dir():
        pytest.skip("the shared corpus is not here")
    assert _same(scan(corpus, jobs=2), scan(corpus, jobs=1))


def test_raise_in_a_worker_is_the_first_bad_file_in_order(tmp_path: Path) -> None:
    """With RAISE, a batch stops at its bad file, and the scan raises that file's error."""
    files = [(tmp_path / "good.gpx", "good.gpx", False), (tmp_path / "bad.gpx", "bad.gpx", False)]
    files[0][0].write_text(gpx(MONDAY))
    files[1][0].write_text("<gpx>")
    (tmp_path / "after.gpx").write_text("<gpx>")
    results = parse_batch([*files, (tmp_path / "after.gpx", "after.gpx", False)], OnError.RAISE)
    assert len(results) == 2
    assert isinstance(results[1], Exception) and not isinstance(results[0], Exception)


def test_batches_are_cut_by_count_and_bytes(tmp_path: Path) -> None:
    """A few batches per worker, consecutive; a file past the bytes goes in a batch alone."""
    info = tmp_path.stat()
    big = os.stat_result((*info[:6], BATCH_BYTES, *info[7:]))
    works = [Work(tmp_path / f"{n}.fit", f"{n}.fit", parse=True, info=info) for n in range(100)]
    works[50] = Work(tmp_path / "big.fit", "big.fit", parse=True, info=big)
    batches = _batches(works, jobs=2)
    assert [w for batch in batches for w in batch] == works
    assert max(len(batch) for batch in batches) == 13  # 100 files, 2 workers, 4 batches each
    assert [works[50]] in batches


def test_a_file_that_cannot_be_read_is_not_remembered(tmp_path: Path) -> None:
    """A file whose first bytes were never read has no kind, digest or memo to keep."""
    result = parse_file(tmp_path / "gone.fit", "gone.fit", digest=True)
    assert (result.digest, result.kind, result.looked) == (None, None, False)
    assert [o.source for o in result.outcomes] == [""]


def test_real_paths_resolve_each_input_once(tmp_path: Path) -> None:
    """A walked file is named by its input's real path and its own names; others resolved."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    real = real_paths(tmp_path / "link")
    resolved = (tmp_path / "real").resolve()
    assert real(tmp_path / "link" / "a" / "b.fit") == str(resolved / "a" / "b.fit")
    assert real(tmp_path / "link") == str(resolved)
    assert real(tmp_path / "elsewhere.fit") == str((tmp_path / "elsewhere.fit").resolve())


def test_an_empty_memo(tmp_path: Path) -> None:
    """No inputs: nothing is asked of the database."""
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    assert len(load_memo(db, [], {})) == 0
    assert Memo({}).take(b"/x", tmp_path.stat()) is None


# -- the folder signature --------------------------------------------------------------------


def _signature_after(folder: Path, change: Callable[[], object]) -> tuple[str, str]:
    before = folder_signature([folder])
    change()
    return before, folder_signature([folder])


def test_the_signature_is_stable_and_opens_nothing(folder: Path, opened: list[str]) -> None:
    """An unchanged folder has the same signature, and taking it opens no file."""
    assert folder_signature([folder]) == folder_signature([folder])
    assert opened == []
    before, after = _signature_after(folder, lambda: (folder / ".sync").write_text("x"))
    assert before == after  # hidden files are not the scan's either


@pytest.mark.parametrize(
    "change",
    [
        lambda f: (f / "w1" / "new.fit").write_bytes(b"x" * 20),
        lambda f: (f / "w0" / "run00.gpx").unlink(),
        lambda f: (f / "w0" / "run00.gpx").rename(f / "w0" / "run99.gpx"),
        lambda f: os.utime(f / "README.txt", ns=(1, 1)),
        lambda f: (f / "notes.csv").write_bytes(b"changed"),
        lambda f: (f / "w1").rename(f / "w2"),
    ],
    ids=["added", "removed", "renamed", "touched", "rewritten", "folder renamed"],
)
def test_the_signature_changes_with_any_file(
    folder: Path, change: Callable[[Path], object]
) -> None:
    """Added, removed, renamed, touched or rewritten: the signature changes."""
    before, after = _signature_after(folder, lambda: change(folder))
    assert before != after


def test_the_signature_of_inputs(folder: Path, tmp_path: Path) -> None:
    """Several inputs, a file input, a missing one, a loop of links: each counts, once."""
    (folder / "w0" / "loop").symlink_to(folder)
    run = folder / "w0" / "run00.gpx"
    both = folder_signature([folder, run])
    assert both != folder_signature([folder]) != folder_signature([run])
    missing = folder_signature([folder, tmp_path / "nowhere"])
    assert missing not in (both, folder_signature([folder]))
    (folder / "w0" / "dangling").symlink_to(tmp_path / "nowhere")
    assert folder_signature([folder]) != folder_signature([folder, run])
