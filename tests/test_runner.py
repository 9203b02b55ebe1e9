"""One nightly run through :func:`loadwatch.nightly.runner.run`: what it remembers and what it
refuses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest import formats
from loadwatch.nightly.runner import RunResult, run
from loadwatch.vocab import OnError

#: The formats every "is not a ... file" message names.
ALL = formats.described()

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def _write_week(folder: Path, week: int, minutes: list[int]) -> None:
    for day, length in enumerate(minutes):
        path = folder / f"w{week}" / f"run{day}.gpx"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = MONDAY + timedelta(weeks=week, days=2 * day)
        path.write_text(gpx(start, minutes=length, step_s=10))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two steady weeks of three 30-minute runs, then a third week that doubles them (flagged)."""
    root = tmp_path / "watch"
    _write_week(root, 0, [30, 30, 30])
    _write_week(root, 1, [30, 30, 30])
    _write_week(root, 2, [60, 60, 60])
    return root


def _run(folder: Path, tmp_path: Path, **options: object) -> RunResult:
    options.setdefault("cache", tmp_path / "cache.sqlite3")
    options.setdefault("timezone", "UTC")
    return run(folder, **options)  # type: ignore[arg-type]


def test_a_failed_notification_is_tried_again(folder: Path, tmp_path: Path) -> None:
    """A --notify command that fails does not mark the flags as told: the next run retries."""
    failed = _run(folder, tmp_path, notify="echo mail server down >&2; exit 7")
    assert failed.notified
    assert any(
        "exit code 7 mail server down" in message and "tried again" in message
        for message in failed.messages
    )

    got = tmp_path / "got.txt"
    retried = _run(folder, tmp_path, notify=f'cat > "{got}"')
    assert retried.notified
    assert "New since the last run: distance" in got.read_text()

    got.unlink()
    told = _run(folder, tmp_path, notify=f'cat > "{got}"')
    assert not told.notified and not got.exists()  # once told, the same flags are not news


def test_an_unreadable_folder_is_reported_not_lost(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week's folder that cannot be listed is in the skipped list of the report, with why."""
    locked = folder / "w2"
    real_scandir = os.scandir

    def scandir(path: str) -> object:  # as for a folder of mode 000 (the tests may run as root)
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    result = _run(folder, tmp_path, out=out)
    assert len(result.analysis.timeline) == 6
    reason = (
        "is a folder that cannot be read (Permission denied); the activities in it were left out"
    )
    report = json.loads((out / "latest.json").read_text())
    assert {"source": "w2/", "reason": reason} in report["skipped"]
    page = (out / "index.html").read_text()
    assert "w2/" in page and "<h2>Files and folders skipped (1)</h2>" in page
    told = CliRunner().invoke(cli, ["analyze", str(folder), "--no-cache"])
    assert f"Skipped 1 folder: w2/: {reason}" in " ".join(told.stderr.split())
    with pytest.raises(LoadwatchError, match="cannot be read"):
        _run(folder, tmp_path, on_error=OnError.RAISE)


def test_a_watched_folder_that_cannot_be_read_fails_and_says_why(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watched folder itself of mode 000: the run fails with the folder's error, as
    docs/nightly.md promises, with no traceback and nothing written."""
    real_scandir, real_stat = os.scandir, Path.stat

    def scandir(path: str) -> object:  # as for a folder of mode 000 (the tests may run as root)
        if os.fspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def stat(self: Path, **kwargs: bool) -> os.stat_result:  # nor can anything in it be seen
        if folder in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "stat", stat)
    out = tmp_path / "out"
    message = r"is a folder that cannot be read \(Permission denied\); check its permissions"
    with pytest.raises(LoadwatchError, match=message) as raised:
        _run(folder, tmp_path, out=out)
    assert raised.value.path == str(folder)
    assert not out.exists()


def test_since_past_every_run_is_an_empty_period_not_an_unmounted_folder(
    folder: Path, tmp_path: Path
) -> None:
    """--since after the newest run gives an empty report, and says that it replaced one."""
    out = tmp_path / "out"
    _run(folder, tmp_path, out=out)
    result = _run(folder, tmp_path, out=out, since=date(2027, 1, 1))
    assert result.analysis.timeline.empty and result.analysis.before_since == 9
    assert result.messages == [
        f"none of the 9 activities found in {folder} is in or after the week of 2026-12-28 "
        f"(--since); choose an earlier date to see them. The report in {out} had 3 weeks and "
        "now has none"
    ]
    assert json.loads((out / "latest.json").read_text())["weeks"] == []

    args = ["analyze", str(folder), "--out", str(out), "--since", "2027-01-01", "--no-cache"]
    shown = CliRunner().invoke(cli, args)
    assert shown.exit_code == 0
    assert "none of the 9 activities found" in shown.stderr
    assert "mounted" not in shown.stderr
    assert f"No {ALL} files found" not in shown.stderr  # there are: all before --since


def test_an_empty_folder_with_since_is_still_refused(folder: Path, tmp_path: Path) -> None:
    """With --since too, a folder that holds nothing at all keeps the last report: exit 1."""
    out = tmp_path / "out"
    _run(folder, tmp_path, out=out)
    before = (out / "latest.json").read_bytes()
    empty = tmp_path / "unmounted"
    empty.mkdir()
    with pytest.raises(LoadwatchError, match="is the folder mounted and synced"):
        _run(empty, tmp_path, out=out, since=date(2026, 6, 8))
    assert (out / "latest.json").read_bytes() == before


def _without_root_powers() -> list[str]:
    """A command prefix under which mode-000 folders really cannot be read, even for root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: mode 000 would not keep root out")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_real_mode_000_folders_from_the_command_line(tmp_path: Path) -> None:
    """With real permissions: a locked subfolder is skipped with why, a locked PATH is an error."""
    runs = tmp_path / "runs"
    locked = runs / "locked"
    locked.mkdir(parents=True)
    start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    (runs / "open.gpx").write_text(gpx(start), encoding="utf-8")
    (locked / "hidden.gpx").write_text(gpx(start + timedelta(days=1)), encoding="utf-8")
    command = [*_without_root_powers(), sys.executable, "-m", "loadwatch", "analyze"]
    locked.chmod(0)
    try:
        seen = subprocess.run([*command, str(runs), "--no-cache"], capture_output=True, text=True)
        shut = subprocess.run([*command, str(locked), "--no-cache"], capture_output=True, text=True)
    finally:
        locked.chmod(0o700)
    assert seen.returncode == 0, seen.stderr
    said = " ".join(seen.stderr.split())
    assert "Read 1 activity (1 run)" in said
    assert "locked/: is a folder that cannot be read (Permission denied)" in said
    assert shut.returncode == 1 and "Traceback" not in shut.stderr
    assert "is a folder that cannot be read (Permission denied)" in shut.stderr


def test_outputs_in_the_watched_folder_name_the_setting(folder: Path, tmp_path: Path) -> None:
    """From Python the error names the setting (out, cache); the command line names the option,
    and it stays an error of the run (exit 1), not a usage error."""
    charts, cache = folder / "charts", folder / "c.sqlite3"
    with pytest.raises(ConfigError) as caught:
        run(folder, out=charts, cache=False, timezone="UTC")
    assert caught.value.setting == "out"
    assert caught.value.message.startswith(f"out {charts} is inside the analysed folder")
    with pytest.raises(ConfigError) as caught:
        run(folder, cache=cache, timezone="UTC")
    assert caught.value.setting == "cache"
    assert caught.value.message.startswith(f"cache {cache} would be inside the analysed folder")
    for args, words in [
        (["--out", str(charts)], f"Error: --out {charts} is inside the analysed folder"),
        (["--cache", str(cache)], f"Error: --cache {cache} would be inside the analysed folder"),
    ]:
        shown = CliRunner().invoke(cli, ["analyze", str(folder), *args])
        assert shown.exit_code == 1 and words in shown.stderr
    assert not charts.exists() and not cache.exists()
