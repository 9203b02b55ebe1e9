"""A run killed while writing --out: the folder keeps one run's whole set, and what the killed
run left is cleared (or finished) by the next.

A kill during the write phase used to leave the new PNG beside the old SVG, CSV, JSON and HTML,
and the ``.tmp`` files of killed runs were never removed. The kills here are real SIGKILLs of a
``loadwatch analyze`` process, at chosen points of the writing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import gpx

from loadwatch.atomic import STAGING_PREFIX, staged_set
from loadwatch.errors import LoadwatchError

#: Runs ``loadwatch analyze`` and kills itself (SIGKILL) at a point of the writing: after the
#: charts are drawn, or after the first file of the set is renamed into place.
KILLER = """
import os, signal, sys
import loadwatch.atomic as atomic
import loadwatch.render.charts as charts
from loadwatch.cli import cli

def die():
    os.kill(os.getpid(), signal.SIGKILL)

stage, watch, out = sys.argv[1:4]
if stage == "drawn":
    draw = charts.write_charts
    def drawn_then_killed(*args, **kwargs):
        draw(*args, **kwargs)
        die()
    charts.write_charts = drawn_then_killed
else:
    move = atomic._move
    moved = []
    def killed_on_the_second(source, target):
        if moved:
            die()
        moved.append(target)
        move(source, target)
    atomic._move = killed_on_the_second
cli(["analyze", watch, "--out", out, "--no-cache", "--timezone", "UTC", "--quiet"])
"""


def _add_run(folder: Path, day: int) -> None:
    start = datetime(2026, 6, 1, 7, tzinfo=UTC) + timedelta(days=day)
    (folder / f"run{day}.gpx").write_text(gpx(start, minutes=25 + day))


def _analyse(watch: Path, out: Path, stage: str | None = None) -> int:
    """Run the command in a process of its own (killed at ``stage``); its exit code."""
    if stage is None:
        command = [sys.executable, "-m", "loadwatch", "analyze", str(watch), "--out", str(out)]
        command += ["--no-cache", "--timezone", "UTC", "--quiet"]
    else:
        command = [sys.executable, "-c", KILLER, stage, str(watch), str(out)]
    return subprocess.run(command, capture_output=True, timeout=180).returncode


def _contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _runs_in(out: Path) -> int:
    return len(json.loads((out / "latest.json").read_text())["activities"])


@pytest.fixture
def watch(tmp_path: Path) -> Path:
    folder = tmp_path / "watch"
    folder.mkdir()
    _add_run(folder, 0)
    _add_run(folder, 2)
    return folder


def test_a_kill_while_writing_keeps_the_old_set(watch: Path, tmp_path: Path) -> None:
    """Killed once the new charts are drawn: --out holds the previous set, byte for byte; the
    next run removes the killed run's staging folder and writes a whole new set."""
    out = tmp_path / "out"
    assert _analyse(watch, out) == 0
    before = _contents(out)
    watch_before = _contents(watch)
    _add_run(watch, 4)
    assert _analyse(watch, out, "drawn") == -signal.SIGKILL
    assert _contents(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert _analyse(watch, out) == 0
    assert _runs_in(out) == 3
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    assert _contents(watch) == {**watch_before, "run4.gpx": (watch / "run4.gpx").read_bytes()}


def test_a_kill_between_the_renames_is_finished_next_time(watch: Path, tmp_path: Path) -> None:
    """Killed after the first file is renamed into place: the next run first publishes the
    rest of that set, then its own; the set is whole and equal to a clean run's."""
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert _analyse(watch, out) == 0
    _add_run(watch, 4)
    assert _analyse(watch, out, "published") == -signal.SIGKILL
    assert _analyse(watch, out) == 0
    assert _analyse(watch, clean) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in clean.iterdir())
    assert _runs_in(out) == 3
    for name in ("weekly-risk.png", "weeks.csv", "latest.json"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_the_set_marked_complete_is_finished_before_anything_else(tmp_path: Path) -> None:
    """A staging folder marked complete (its run killed between renames) is published by the
    next set's opening; incomplete ones of dead processes and stray .tmp files are removed."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a")
    (out / "b.txt").write_text("old b")
    done = out / f"{STAGING_PREFIX}999999999-aa"
    done.mkdir()
    (done / "b.txt").write_text("new b")
    (done / ".complete").write_text('["a.txt", "b.txt"]')  # a.txt was renamed already
    dead = out / f"{STAGING_PREFIX}999999998-bb"
    dead.mkdir()
    (dead / "a.txt").write_text("half")
    (out / ".a.txt.0123456789ab.tmp").write_text("half")
    with staged_set(out) as staging:
        assert (out / "b.txt").read_text() == "new b"
        (staging / "c.txt").write_text("c")
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt", "c.txt"]


def test_an_error_while_writing_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    """An error inside the block publishes nothing and leaves no staging folder."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old")
    with pytest.raises(LoadwatchError), staged_set(out) as staging:
        (staging / "a.txt").write_text("new")
        raise LoadwatchError("drawing failed")
    assert [p.name for p in out.iterdir()] == ["a.txt"] and (out / "a.txt").read_text() == "old"


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    """A target that is a file cannot hold the set: a LoadwatchError naming it."""
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(LoadwatchError, match="cannot be written"), staged_set(target):
        pass


def test_a_live_runs_staging_is_left_and_a_bad_marker_dropped(tmp_path: Path) -> None:
    """The staging folder of a process still running is left alone (it is being written); one
    whose completion marker cannot be read is removed, its files unpublished."""
    out = tmp_path / "out"
    out.mkdir()
    live = out / f"{STAGING_PREFIX}{os.getppid()}-cc"
    live.mkdir()
    (live / "a.txt").write_text("being written")
    bad = out / f"{STAGING_PREFIX}999999997-dd"
    bad.mkdir()
    (bad / "a.txt").write_text("untrusted")
    (bad / ".complete").write_text("[not json")
    with staged_set(out, order=["b.txt"]) as staging:
        (staging / "b.txt").write_text("b")
        (staging / "a.txt").write_text("a")
    assert sorted(p.name for p in out.iterdir()) == sorted(["a.txt", "b.txt", live.name])
    assert (out / "a.txt").read_text() == "a"
