"""Several inputs in one analysis, and the exit codes of inputs that hold no activity."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch import SourceError, analyze
from loadwatch.cli import cli
from loadwatch.nightly.runner import run
from tests.factories import gpx

AS_OF = ("--as-of", "2026-06-30", "--timezone", "UTC", "--jobs", "1")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _runs(folder: Path, days: range) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for day in days:
        start = datetime(2026, 6, 1, 7, tzinfo=UTC) + timedelta(days=day)
        (folder / f"run-{day}.gpx").write_text(gpx(start), encoding="utf-8")


@pytest.fixture
def watch_and_export(tmp_path: Path) -> tuple[Path, Path]:
    """A watch folder with runs on days 0-5, and an export zip holding days 4-9."""
    watch, export = tmp_path / "watch", tmp_path / "export"
    _runs(watch, range(6))
    _runs(export, range(4, 10))
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for file in sorted(export.iterdir()):
            handle.write(file, f"activities/{file.name}")
    shutil.rmtree(export)
    return watch, archive


def test_several_paths_count_each_activity_once(watch_and_export: tuple[Path, Path]) -> None:
    """analyze WATCH EXPORT.zip reads both; the runs in both are counted once."""
    watch, archive = watch_and_export
    code, out, err = invoke("analyze", str(watch), str(archive), "--format", "json", *AS_OF)
    assert code == 0, err
    weeks = json.loads(out)["weeks"]
    assert sum(week["runs"] for week in weeks) == 10
    assert "Left out 2 duplicates" in err and "watch/run-4.gpx" in err
    assert f"from {watch}, {archive}" in err


def test_an_input_given_twice_or_inside_another_is_read_once(tmp_path: Path) -> None:
    """analyze W W and analyze W W/sub: each file once, no duplicates, no doubled skips."""
    watch = tmp_path / "watch"
    _runs(watch / "sub", range(3))
    (watch / "sub" / "broken.fit").write_bytes(b"not a fit file")
    for extra in (str(watch), str(watch / "sub")):
        code, out, err = invoke("analyze", str(watch), extra, "--format", "json", *AS_OF)
        assert code == 0, err
        assert sum(week["runs"] for week in json.loads(out)["weeks"]) == 3
        assert "duplicate" not in err
        assert err.count("broken.fit") == 1


def test_analyze_takes_a_list_and_still_one_path(watch_and_export: tuple[Path, Path]) -> None:
    """analyze([a, b]) labels files by their input; analyze(a) is as it always was."""
    watch, archive = watch_and_export
    both = analyze([watch, archive], timezone="UTC", as_of=datetime(2026, 6, 30).date())
    assert len(both.timeline) == 10 and len(both.duplicates) == 2
    assert both.root == watch and both.roots == (watch, archive)
    labels = set(both.timeline["source"])
    assert "export.zip/activities/run-9.gpx" in labels
    one = analyze(watch, timezone="UTC", as_of=datetime(2026, 6, 30).date())
    assert len(one.timeline) == 6 and one.roots == () and "run-0.gpx" in set(one.timeline["source"])
    with pytest.raises(SourceError, match="no folder or file"):
        analyze([])


def test_same_named_inputs_keep_apart(tmp_path: Path) -> None:
    """Two inputs of the same name get labels of their own; each folder's config is read."""
    first, second = tmp_path / "a" / "runs", tmp_path / "b" / "runs"
    _runs(first, range(2))
    _runs(second, range(3, 5))
    (second / "loadwatch.toml").write_text('timezone = "Asia/Tokyo"\n', encoding="utf-8")
    result = analyze([first, second], as_of=datetime(2026, 6, 30).date())
    assert {"runs/run-0.gpx", "runs (2)/run-4.gpx"} <= set(result.timeline["source"])
    assert result.timezone == "Asia/Tokyo"


def test_outputs_and_log_are_refused_in_any_input(
    watch_and_export: tuple[Path, Path], tmp_path: Path
) -> None:
    """--out and --log inside the second input are refused as inside the first are."""
    watch, archive = watch_and_export
    other = tmp_path / "other"
    _runs(other, range(1))
    code, _, err = invoke("analyze", str(archive), str(other), "--out", str(other / "o"), *AS_OF)
    assert code == 1 and "inside the analysed folder" in err
    code, _, err = invoke("analyze", str(watch), str(other), "--log", str(other / "l"), *AS_OF)
    assert code == 1 and "inside the analysed folder" in err


def test_the_nightly_run_takes_several_inputs(
    watch_and_export: tuple[Path, Path], tmp_path: Path
) -> None:
    """run() with two inputs and a cache reads both, and reads them again from the cache."""
    watch, archive = watch_and_export
    cache = tmp_path / "cache.sqlite3"
    for _ in range(2):
        outcome = run([watch, archive], cache=cache, timezone="UTC", jobs=1)
        assert len(outcome.analysis.timeline) == 10


@pytest.mark.parametrize("kind", ["random bytes", "truncated zip", "empty folder", "all bad"])
def test_no_activity_at_all_exits_1_with_the_reason(tmp_path: Path, kind: str) -> None:
    """A damaged archive, a file that is none, broken files given as PATHs, or a folder with
    no activity file: exit 1, and why."""
    target = tmp_path / "input"
    if kind == "random bytes":
        target = tmp_path / "fake.zip"
        target.write_bytes(bytes(range(256)) * 8)
        words = "nor a .gz or .zip archive"
    elif kind == "truncated zip":
        folder = tmp_path / "src"
        _runs(folder, range(3))
        whole = tmp_path / "whole.zip"
        with zipfile.ZipFile(whole, "w") as handle:
            for file in folder.iterdir():
                handle.write(file, file.name)
        target = tmp_path / "export.zip"
        target.write_bytes(whole.read_bytes()[:200])
        words = "damaged zip archive"
    elif kind == "empty folder":
        target.mkdir()
        (target / "notes.txt").write_text("no runs here", encoding="utf-8")
        words = "files found in"
    else:
        target.mkdir()
        for number in range(5):
            (target / f"broken-{number}.gpx").write_text("<gpx>", encoding="utf-8")
        words = "no activity could be read from"
    inputs = sorted(str(file) for file in target.iterdir()) if kind == "all bad" else [target]
    code, out, err = invoke("analyze", *map(str, inputs), *AS_OF)
    assert code == 1 and words in err and out == ""
    if kind == "all bad":
        assert "(and 2 more)" in err


def test_a_folder_of_files_set_aside_lists_them_and_exits_0(tmp_path: Path) -> None:
    """A folder whose every file is set aside is no error: each is listed with its reason."""
    for number in range(2):
        (tmp_path / f"broken-{number}.gpx").write_text("<gpx>", encoding="utf-8")
    code, _, err = invoke("analyze", str(tmp_path), *AS_OF)
    assert code == 0 and "Skipped 2 files" in err


def test_files_still_syncing_are_no_error(tmp_path: Path) -> None:
    """A folder whose only files are still being written waits for the next run (exit 0)."""
    _runs(tmp_path / "syncing", range(1))
    code, _, err = invoke("analyze", str(tmp_path / "syncing"), "--settle", "3600", *AS_OF)
    assert code == 0, err


@pytest.mark.parametrize(
    "args",
    [
        ("--threshold", "-1"),
        ("--rest-hr", "190", "--max-hr", "150"),
        ("--week-start", "friday"),
        ("--jobs", "0"),
        ("--timezone", "Mars/Olympus"),
        ("--wait", "-3"),
    ],
)
def test_every_bad_option_value_exits_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Each bad option value is a usage error: exit 2 with click's usage line."""
    _runs(tmp_path / "runs", range(1))
    code, _, err = invoke("analyze", str(tmp_path / "runs"), *args)
    assert code == 2 and "Usage: " in err, err
