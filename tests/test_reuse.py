"""A rerun with nothing new gives the last run's answer again; anything it depends on redoes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import loadwatch.cli.printing
import loadwatch.nightly.runner
from loadwatch.cli import cli
from loadwatch.ingest.cache import default_cache_path
from loadwatch.nightly import reuse
from loadwatch.render.legend import SEE_DOCS
from tests.factories import runs_folder

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-19"
#: Two easy weeks, then one twice as long: the newest week is flagged.
RUNS = [(0, 8.0), (2, 8.0), (7, 8.0), (9, 8.0), (14, 16.0), (16, 16.0)]
#: An hour ago: older than a file system's clock tick, so a run over these files is remembered.
AN_HOUR_AGO = time.time() - 3600


def settled(folder: Path, when: float = AN_HOUR_AGO) -> Path:
    """``folder`` with every file's modification time set back to ``when``."""
    for path in folder.rglob("*"):
        os.utime(path, (when, when))
    return folder


@pytest.fixture(autouse=True)
def legend_memory_left_alone(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The legend's memory of explained marks is not written (but in the test of it), so that
    every run here prints the same legend and reuse alone decides what a rerun does."""
    if "legend_memory" not in request.fixturenames:
        monkeypatch.setattr(loadwatch.cli.printing, "remember_seen", lambda *_: True)


@pytest.fixture
def legend_memory() -> None:
    """The legend's memory of explained marks is kept, as for a user."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of six GPX runs, written an hour ago."""
    return settled(runs_folder(tmp_path, RUNS))


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call of the analysis (the nightly runner's ``run``), counted."""
    calls: list[Any] = []
    real = loadwatch.nightly.runner.run

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(loadwatch.nightly.runner, "run", counted)
    return calls


def analyze(folder: Path, *args: str) -> Result:
    """``loadwatch analyze FOLDER --as-of AS_OF ARGS``."""
    return CliRunner().invoke(cli, ["analyze", str(folder), "--as-of", AS_OF, *args])


def seen(result: Result) -> tuple[int, str, str]:
    """What a user meets of a run: exit code, standard output, standard error."""
    return result.exit_code, result.stdout, result.stderr


def test_same_day_rerun_is_reused(folder: Path, analyses: list[Any]) -> None:
    """A second run with nothing new prints the same bytes and exits the same, without analysing."""
    first = analyze(folder)
    second = analyze(folder)
    assert first.exit_code == 0, first.output
    assert len(analyses) == 1
    assert seen(second) == seen(first)
    assert "Read 6 activities" in second.stderr


def test_a_legend_explained_once_is_not_replayed(
    folder: Path, analyses: list[Any], legend_memory: None
) -> None:
    """The first run explains its marks and remembers it: the next run analyses again and
    prints no legend (a replay would print it a second time); the run after is reused."""
    first, second, third = analyze(folder), analyze(folder), analyze(folder)
    assert SEE_DOCS in first.stdout and SEE_DOCS not in second.stdout
    assert len(analyses) == 2
    assert seen(third) == seen(second)


def test_rerun_imports_no_pandas(folder: Path) -> None:
    """The rerun with nothing new imports neither pandas, numpy nor matplotlib."""
    script = (
        "import sys\n"
        "from loadwatch.cli import cli\n"
        f"argv = ['analyze', {str(folder)!r}, '--as-of', {AS_OF!r}, '-q']\n"
        "try:\n    cli(argv, prog_name='loadwatch')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        for _ in range(2)
    ]
    assert "'pandas'" in runs[0].stderr
    assert "HEAVY []" in runs[1].stderr, runs[1].stderr
    assert runs[1].stdout == runs[0].stdout


def _new_file(folder: Path, _: pytest.MonkeyPatch) -> None:
    (folder / "new.gpx").write_bytes((folder / "00.gpx").read_bytes().replace(b"2026", b"2025"))
    settled(folder)


def _touched(folder: Path, _: pytest.MonkeyPatch) -> None:
    os.utime(folder / "01.gpx", (AN_HOUR_AGO - 60, AN_HOUR_AGO - 60))


def _removed(folder: Path, _: pytest.MonkeyPatch) -> None:
    (folder / "01.gpx").unlink()


def _body_log(folder: Path, _: pytest.MonkeyPatch) -> None:
    log = Path(os.environ["XDG_DATA_HOME"]) / "loadwatch" / "body-log.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")


def _config(folder: Path, _: pytest.MonkeyPatch) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "loadwatch" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("threshold = 0.3\n")


def _version(_: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reuse, "__version__", "0.0.0-other")


CHANGES: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "a new file": _new_file,
    "a touched file": _touched,
    "a removed file": _removed,
    "the body log": _body_log,
    "the config file": _config,
    "the version": _version,
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_redoes_the_analysis(
    folder: Path, analyses: list[Any], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each thing the answer depends on, changed, makes the next run analyse again; its answer
    is then the one a run without any record gives, and is remembered in turn."""
    analyze(folder)
    CHANGES[change](folder, monkeypatch)
    again = analyze(folder)
    assert len(analyses) == 2
    fresh = analyze(folder, "--no-cache")
    assert seen(again) == seen(fresh)
    assert seen(analyze(folder)) == seen(again)
    assert len(analyses) == 3  # the run after the change was remembered; --no-cache ran


@pytest.mark.parametrize(
    "options",
    [("--threshold", "0.3"), ("--format", "json"), ("--units", "mi"), ("--as-of", "2026-06-20")],
    ids=["an option", "the format", "the units", "the as-of day"],
)
def test_other_options_or_day_redo_the_analysis(
    folder: Path, analyses: list[Any], options: tuple[str, str]
) -> None:
    """A run with another option, output format or as-of day is not answered by the last one."""
    analyze(folder)
    other = analyze(folder, *options)
    assert len(analyses) == 2
    assert seen(other) == seen(analyze(folder, *options, "--no-cache"))


def test_no_cache_never_reuses(folder: Path, analyses: list[Any]) -> None:
    """With --no-cache every run analyses, and no record is kept."""
    analyze(folder, "--no-cache")
    analyze(folder, "--no-cache")
    assert len(analyses) == 2
    assert not reuse.record_path(None).exists()


def test_exit_code_is_replayed(folder: Path, analyses: list[Any]) -> None:
    """A flagged newest week with --fail-on-flag exits 3 again when the answer is reused."""
    first = analyze(folder, "--fail-on-flag")
    second = analyze(folder, "--fail-on-flag")
    assert first.exit_code == 3, first.output
    assert len(analyses) == 1
    assert seen(second) == seen(first)


def test_damaged_record_is_ignored_with_a_warning(folder: Path, analyses: list[Any]) -> None:
    """A record file that is not JSON is said and passed over; the run after is reused again."""
    first = analyze(folder)
    reuse.record_path(None).write_bytes(b"\x00not json")
    second = analyze(folder)
    assert "the record of the last run" in second.stderr
    assert second.stdout == first.stdout
    assert len(analyses) == 2
    assert seen(analyze(folder)) == seen(first)
    assert len(analyses) == 2


def test_foreign_or_odd_records_are_not_used(folder: Path, analyses: list[Any]) -> None:
    """A record of another layout, or an entry missing its parts, makes the run analyse."""
    analyze(folder)
    store = reuse.record_path(None)
    data = json.loads(store.read_text())
    for entry in data["records"].values():
        del entry["printed"]
    store.write_text(json.dumps(data))
    analyze(folder)
    store.write_text(json.dumps({"format": 0, "records": {}}))
    analyze(folder)
    assert len(analyses) == 3


@pytest.mark.parametrize("how", ["removed", "edited"])
def test_out_folder_changed_since_redoes_the_run(
    folder: Path, tmp_path: Path, analyses: list[Any], how: str
) -> None:
    """An --out folder whose report was removed or edited since the last run is written again
    (but not its charts, whose content is unchanged)."""
    out = tmp_path / "out"
    first = analyze(folder, "--out", str(out))
    assert seen(analyze(folder, "--out", str(out))) == seen(first)
    assert len(analyses) == 1
    if how == "removed":
        (out / "weeks.csv").unlink()
    else:
        (out / "index.html").write_text("edited")
    again = analyze(folder, "--out", str(out))
    assert len(analyses) == 2
    assert again.stdout == first.stdout
    assert "weekly-risk.png" in first.stderr
    assert "weekly-risk.png" not in again.stderr  # the same charts: not drawn again
    assert "<html" in (out / "index.html").read_text()
    assert (out / "weeks.csv").is_file()


def test_a_file_changed_just_now_is_not_remembered(folder: Path, analyses: list[Any]) -> None:
    """A run over a file written within the clock's tick is not remembered: it may change unseen."""
    (folder / "00.gpx").touch()
    analyze(folder)
    analyze(folder)
    assert len(analyses) == 2


def test_log_gets_the_replayed_answer(folder: Path, tmp_path: Path, analyses: list[Any]) -> None:
    """With --log, a reused run writes to the log what the first run wrote there."""
    log = tmp_path / "nightly.log"
    analyze(folder, "--log", str(log))
    first = log.read_text()
    analyze(folder, "--log", str(log))
    assert len(analyses) == 1
    text = log.read_text()
    assert text.startswith(first)
    undated = [
        [line for line in part.splitlines() if not line.startswith("== ")]
        for part in (first, text[len(first) :])
    ]
    assert undated[1] == undated[0]  # all but the line saying when the run began


def test_records_are_bounded(folder: Path, tmp_path: Path) -> None:
    """The record file keeps the most recent runs only, and never a too long answer."""
    for n in range(reuse.MAX_RECORDS + 2):
        analyze(folder, "--out", str(tmp_path / f"out{n}"))
    records = json.loads(reuse.record_path(None).read_text())["records"]
    assert len(records) == reuse.MAX_RECORDS
    run = reuse.LastRun(reuse.record_path(None), "slot", "key", None, True, None)
    reuse._store(run, reuse.Record([("out", "x" * (reuse.MAX_TEXT + 1))], 0))
    assert "slot" not in json.loads(reuse.record_path(None).read_text())["records"]


def test_record_sits_beside_the_cache(tmp_path: Path) -> None:
    """The record is kept beside the cache database: the default one, or --cache's."""
    assert reuse.record_path(None).parent == default_cache_path().parent
    assert reuse.record_path(tmp_path / "c.db") == tmp_path / "c.db.last-runs.json"


def test_unwritable_record_is_no_error(folder: Path, tmp_path: Path) -> None:
    """A record that cannot be written costs the next run its speed, nothing else."""
    store = tmp_path / "blocked"
    store.write_text("a file where the record's folder would be")
    run = reuse.LastRun(store / "records.json", "slot", "key", None, True, None)
    reuse._store(run, reuse.Record([("out", "text")], 0))
    assert store.is_file()


@pytest.mark.parametrize(
    ("first_day", "next_day", "redrawn"),
    [("2026-08-01", "2026-08-02", False), ("2026-06-19", "2026-06-24", True)],
    ids=["same charts", "another week"],
)
def test_new_day_is_analysed_and_charts_drawn_only_if_changed(
    folder: Path, tmp_path: Path, analyses: list[Any], first_day: str, next_day: str, redrawn: bool
) -> None:
    """A run on a new day analyses again (from the cached files), and draws the charts again
    only when what they show changed."""
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["analyze", str(folder), "--as-of", first_day, "--out", str(out)])
    chart = (out / "weekly-risk.png").stat()
    later = CliRunner().invoke(
        cli, ["analyze", str(folder), "--as-of", next_day, "--out", str(out)]
    )
    assert later.exit_code == 0, later.output
    assert len(analyses) == 2
    assert ("weekly-risk.png" in later.stderr) is redrawn
    assert ((out / "weekly-risk.png").stat().st_ino != chart.st_ino) is redrawn


def test_unlistable_folder_is_in_the_signature(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be listed gives a signature of its own, not an error."""
    import loadwatch.ingest.signature as signature

    before = signature.folder_signature([folder])
    real = os.scandir

    def refused(path: Any) -> Any:
        if os.fspath(path) != os.fspath(folder):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(signature.os, "scandir", refused)
    (folder / "sub").mkdir()
    assert signature.folder_signature([folder]) != before
