"""Living with loadwatch every night: the cache, settling files, locks, outputs and news."""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import EXIT_BUSY, EXIT_FLAGGED, cli
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest import cache as cache_module
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.lock import RunLock
from loadwatch.ingest.readers import READER_VERSIONS
from loadwatch.nightly.runner import RunResult, run
from loadwatch.render.page import render_index
from loadwatch.settings.config import SURFACES
from loadwatch.units import KM_PER_MILE

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
#: The day the runs are judged on: the Sunday ending week 2, so the folder is current.
AS_OF = date(2026, 6, 21)


def _write_week(folder: Path, week: int, minutes: list[int]) -> list[Path]:
    paths = []
    for day, length in enumerate(minutes):
        path = folder / f"w{week}" / f"run{day}.gpx"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = MONDAY + timedelta(weeks=week, days=2 * day)
        path.write_text(gpx(start, minutes=length, step_s=10))
        paths.append(path)
    return paths


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two steady weeks of three 30-minute runs."""
    root = tmp_path / "watch"
    _write_week(root, 0, [30, 30, 30])
    _write_week(root, 1, [30, 30, 30])
    return root


def _tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's content hash and modification time."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(folder: Path, tmp_path: Path, **options: object) -> RunResult:
    options.setdefault("cache", tmp_path / "cache.sqlite3")
    options.setdefault("timezone", "UTC")
    options.setdefault("as_of", AS_OF)
    return run(folder, **options)  # type: ignore[arg-type]


def test_rerun_parses_only_what_changed(folder: Path, tmp_path: Path, parsed: list[str]) -> None:
    """New files are parsed, unchanged ones come from the cache, changed ones are re-read."""
    first = _run(folder, tmp_path)
    assert len(parsed) == 6
    parsed.clear()
    second = _run(folder, tmp_path)
    assert parsed == []
    assert second.analysis.timeline.equals(first.analysis.timeline)

    new = _write_week(folder, 2, [40])[0]
    changed = folder / "w0" / "run0.gpx"
    changed.write_text(gpx(MONDAY, minutes=45, step_s=10))
    parsed.clear()
    third = _run(folder, tmp_path)
    assert sorted(parsed) == sorted([new.relative_to(folder).as_posix(), "w0/run0.gpx"])
    assert len(third.analysis.timeline) == 7
    assert third.analysis.weeks["distance_km"].iloc[0] == pytest.approx(5.4 * 2 + 8.1, rel=0.01)


def test_renamed_and_deleted_files(folder: Path, tmp_path: Path, parsed: list[str]) -> None:
    """A moved file is not parsed again (same content); a deleted one leaves the analysis."""
    _run(folder, tmp_path)
    (folder / "w0" / "run1.gpx").rename(folder / "w1" / "moved.gpx")
    (folder / "w1" / "run2.gpx").unlink()
    parsed.clear()
    result = _run(folder, tmp_path)
    assert parsed == []
    sources = set(result.analysis.timeline["source"])
    assert "w1/moved.gpx" in sources
    assert "w0/run1.gpx" not in sources and "w1/run2.gpx" not in sources
    assert len(sources) == 5


def test_a_broken_file_is_remembered_until_it_changes(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """A file that fails is not retried every night while unchanged, but is once it changes."""
    broken = folder / "w1" / "half.gpx"
    full = gpx(MONDAY + timedelta(days=12), minutes=20, step_s=10)
    broken.write_text(full[: len(full) // 2])
    first = _run(folder, tmp_path)
    assert [s.source for s in first.analysis.skipped] == ["w1/half.gpx"]
    parsed.clear()
    again = _run(folder, tmp_path)
    assert parsed == []
    assert [s.source for s in again.analysis.skipped] == ["w1/half.gpx"]
    broken.write_text(full)  # the sync completed
    fixed = _run(folder, tmp_path)
    assert parsed == ["w1/half.gpx"]
    assert fixed.analysis.skipped == []
    assert "w1/half.gpx" in set(fixed.analysis.timeline["source"])


def test_a_new_parser_version_reads_its_format_again(
    folder: Path, tmp_path: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bumping the GPX reader's version re-reads GPX files; a FIT reader bump would not."""
    _run(folder, tmp_path)
    monkeypatch.setitem(READER_VERSIONS, "fit", READER_VERSIONS["fit"] + 1)
    parsed.clear()
    _run(folder, tmp_path)
    assert parsed == []
    monkeypatch.setitem(READER_VERSIONS, "gpx", READER_VERSIONS["gpx"] + 1)
    _run(folder, tmp_path)
    assert len(parsed) == 6
    parsed.clear()
    monkeypatch.setattr(cache_module, "SUMMARY_VERSION", cache_module.SUMMARY_VERSION + 1)
    _run(folder, tmp_path)
    assert len(parsed) == 6


@pytest.mark.parametrize(
    "damage",
    [
        b"this is not a database at all" * 100,
        b"SQLite format 3\x00" + b"\xff" * 4000,
    ],
)
def test_a_corrupt_cache_is_set_aside_and_rebuilt(
    folder: Path, tmp_path: Path, damage: bytes
) -> None:
    """A damaged cache never gives numbers: it is moved aside with a warning and rebuilt."""
    clean = _run(folder, tmp_path, cache=False)
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(damage)
    result = _run(folder, tmp_path)
    assert any("moved to" in message for message in result.messages)
    assert result.analysis.timeline.equals(clean.analysis.timeline)
    assert len(list(tmp_path.glob("cache.sqlite3.unusable-*"))) == 1
    assert _run(folder, tmp_path).messages == []


def test_a_foreign_database_is_not_used(folder: Path, tmp_path: Path) -> None:
    """Another program's SQLite file is not mistaken for a cache."""
    import sqlite3

    path = tmp_path / "cache.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE parsed (hash TEXT, parser TEXT, result BLOB)")
    result = _run(folder, tmp_path)
    assert any("not a loadwatch cache" in message for message in result.messages)


def test_tampered_cache_entries_are_ignored(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """A cached result whose checksum does not match is treated as not cached."""
    _run(folder, tmp_path)
    with Cache(tmp_path / "cache.sqlite3") as database:
        database._db.execute("UPDATE parsed SET result = zeroblob(10)")
    parsed.clear()
    result = _run(folder, tmp_path)
    assert len(parsed) == 6
    assert len(result.analysis.timeline) == 6


def test_settle_leaves_syncing_files_for_the_next_run(folder: Path, tmp_path: Path) -> None:
    """A file still being written is pending, not broken; once it settles it is read."""
    past = time.time() - 3600
    for path in folder.rglob("*.gpx"):
        os.utime(path, (past, past))  # synced an hour ago
    growing = folder / "w1" / "syncing.gpx"
    full = gpx(MONDAY + timedelta(days=13), minutes=20, step_s=10)
    growing.write_text(full[:500])
    result = _run(folder, tmp_path, settle_s=120)
    assert result.analysis.pending == ["w1/syncing.gpx"]
    assert result.analysis.skipped == []
    growing.write_text(full)
    past = time.time() - 600
    os.utime(growing, (past, past))
    result = _run(folder, tmp_path, settle_s=120)
    assert result.analysis.pending == []
    assert "w1/syncing.gpx" in set(result.analysis.timeline["source"])


def test_the_watched_folder_is_never_touched(folder: Path, tmp_path: Path) -> None:
    """Byte for byte and timestamp for timestamp, the folder is the same after every run."""
    before = _tree(folder)
    for _ in range(2):
        _run(folder, tmp_path, out=tmp_path / "out")
        assert _tree(folder) == before


def test_outputs_inside_the_watched_folder_are_refused(folder: Path, tmp_path: Path) -> None:
    """Neither --out nor --cache may point into the watched folder."""
    runner = CliRunner()
    result = runner.invoke(cli, ["analyze", str(folder), "--out", str(folder / "charts")])
    assert result.exit_code == 1 and "inside the analysed folder" in result.stderr
    result = runner.invoke(cli, ["analyze", str(folder), "--cache", str(folder / "c.sqlite3")])
    assert result.exit_code == 1 and "inside the analysed folder" in result.stderr
    assert not (folder / "charts").exists() and not (folder / "c.sqlite3").exists()


def test_a_second_run_waits_then_gives_up(folder: Path, tmp_path: Path) -> None:
    """While another run holds the cache, a run waits --wait seconds, then exits with code 4."""
    cache = tmp_path / "cache.sqlite3"
    with RunLock(cache, wait_s=0):
        started = time.monotonic()
        result = CliRunner().invoke(
            cli, ["analyze", str(folder), "--cache", str(cache), "--wait", "0.5"]
        )
        waited = time.monotonic() - started
    assert result.exit_code == EXIT_BUSY
    assert "another loadwatch run" in result.stderr
    assert waited >= 0.5
    assert CliRunner().invoke(cli, ["analyze", str(folder), "--cache", str(cache)]).exit_code == 0


def test_a_failed_run_leaves_the_previous_outputs(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails halfway, every output (the charts too) stays as the last good run left
    it, and the error is loadwatch's, naming the folder."""
    out = tmp_path / "out"
    _run(folder, tmp_path, out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _write_week(folder, 2, [60, 60])

    import loadwatch.nightly.outputs

    real = loadwatch.nightly.outputs.write_atomically

    def fail_on_json(target: Path, data: bytes) -> None:
        if Path(target).name == "latest.json":
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(loadwatch.nightly.outputs, "write_atomically", fail_on_json)
    with pytest.raises(LoadwatchError, match="No space left on device"):
        _run(folder, tmp_path, out=out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_killed_run_leaves_the_previous_outputs(folder: Path, tmp_path: Path) -> None:
    """A run killed with SIGKILL part-way leaves every output file as the last good run left it."""
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    cache = tmp_path / "cache.sqlite3"
    args = [sys.executable, "-m", "loadwatch", "analyze", str(folder), "--out", str(out)]
    args += ["--cache", str(cache), "--timezone", "UTC", "-q"]
    subprocess.run(args, check=True, capture_output=True)
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    for week in range(2, 20):
        _write_week(folder, week, [30, 30, 30])
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.8)  # past start-up, into the parsing of the new files
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    finished = after["latest.json"] != before["latest.json"]
    if not finished:  # killed before writing: everything is as before
        assert after == before
    json.loads(after["latest.json"])  # never half a file
    subprocess.run(args, check=True, capture_output=True)  # and the next run is fine
    weeks = json.loads((out / "latest.json").read_text())["weeks"]
    assert len(weeks) == 20


class _Structure(HTMLParser):
    """Checks that elements nest and close properly (void elements aside)."""

    VOID = frozenset({"meta", "img", "br", "hr", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> with {self.stack[-3:]} open")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_index_html_is_valid_and_shows_latest_json(folder: Path, tmp_path: Path) -> None:
    """index.html is well-formed, self-contained, and says what latest.json says."""
    _write_week(folder, 2, [45, 45, 45, 45])  # +100%: the newest week is flagged
    out = tmp_path / "out"
    _run(folder, tmp_path, out=out)
    page, report, text = _page_and_report(out)
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page  # works offline
    newest = report["weeks"][-1]
    assert f"Week of {newest['week_start']}: {newest['risk']} risk, from " in text
    assert "distance +100%" in text and "number of runs +33%" in text
    for week in report["weeks"]:
        assert week["week_start"] in text
    assert 'src="weekly-risk.svg"' in page


def _page_and_report(out: Path) -> tuple[str, dict[str, Any], str]:
    """index.html (checked to be well-formed), latest.json, and the page's visible text."""
    page = (out / "index.html").read_text(encoding="utf-8")
    report = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    checker = _Structure()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    return page, report, " ".join(checker.text)


def test_index_html_shows_miles_with_units_mi(folder: Path, tmp_path: Path) -> None:
    """With --units mi the page's status, table and advice are in miles; latest.json stays km."""
    _write_week(folder, 2, [45, 45, 45, 45])  # +100%: the newest week is flagged, with advice
    out = tmp_path / "out"
    _run(folder, tmp_path, out=out, units="mi")
    page, report, text = _page_and_report(out)
    newest = report["weeks"][-1]
    miles = newest["distance_km"] / KM_PER_MILE
    assert f'<dd id="card-distance">{miles:.1f} mi</dd>' in page
    assert "<th>mi</th><th>Δ mi</th>" in page
    assert all(f"<th>{surface} mi</th>" in page for surface in SURFACES)
    for week in report["weeks"]:
        assert f"<td>{week['distance_km'] / KM_PER_MILE:,.1f}</td>" in page
    assert f"Distance rose +100% to {miles:.1f} mi." in text
    assert f"stay at or below {miles * 1.1:.1f} mi" in text
    assert " km" not in text and "<th>km</th>" not in page
    assert report["units"] == "km"  # the data files keep their documented units
    assert f"to {newest['distance_km']:.1f} km." in newest["advice"][0]


def test_index_html_never_mixes_units() -> None:
    """Without advice in the page's units, the page names the notes, not the JSON's km advice."""
    week = {
        "week_start": "2026-06-15",
        "runs": 3,
        "distance_km": 16.09344,
        "duration_s": 5400.0,
        "flags": [],
        "notes": ["hard_surface"],
        "advice": ["Next week, stay at or below 17.7 km."],
    }
    report = {"units": "km", "threshold": 0.1, "weeks": [week]}
    page = render_index(report, units="mi", chart=None)
    assert '<dd id="card-distance">10.0 mi</dd>' in page and "1:30 h" in page
    assert "17.7 km" not in page and "almost all on road" in page
    assert "17.7 km" in render_index(report, chart=None)
    advice = ["Next week, stay at or below 11.0 mi."]
    assert advice[0] in render_index(report, units="mi", advice=advice, chart=None)
    with pytest.raises(ConfigError, match="units"):
        render_index(report, units="furlongs")


def test_notify_summary_words_each_flag() -> None:
    """The summary says what each flag means: only the 10%-rule flags are growth."""
    from loadwatch.nightly.notify import WeekStatus

    flags = ("distance", "frequency", "session_spike", "acwr", "monotony")
    text = WeekStatus("2026-06-15", flags, ("acwr",), 42.0, 4).summary()
    assert text.splitlines() == [
        "loadwatch: week of 2026-06-15: 4 runs, 42.0 km.",
        "Flagged: distance and the number of runs grew more than the week-on-week rule allows; "
        "a run more than 10% longer than the longest run before it (of the last 30 days, or "
        "before a break); a load high against the 3 weeks before (ACWR, a disputed measure); "
        "days too much alike (monotony, a disputed measure).",
        "New since the last run: a load high against the 3 weeks before (ACWR, a disputed "
        "measure).",
    ]
    only_spike = WeekStatus("2026-06-15", ("session_spike",), (), 42.0, 4).summary()
    assert "grew" not in only_spike


def test_notify_runs_only_when_the_newest_week_gains_a_flag(folder: Path, tmp_path: Path) -> None:
    """The hook runs on a new flag, with the summary on stdin and in the environment, once."""
    log = tmp_path / "notified.txt"
    command = f'{{ cat; echo "week=$LOADWATCH_WEEK flags=$LOADWATCH_FLAGS"; }} >> "{log}"'
    quiet = _run(folder, tmp_path, notify=command)
    assert not quiet.notified and not log.exists()  # steady weeks: nothing to say

    _write_week(folder, 2, [40, 40, 40])
    first = _run(folder, tmp_path, notify=command)
    assert first.notified
    text = log.read_text()
    # Its 40-minute runs after 30-minute ones are also a spike on a short history (two weeks).
    assert "week=2026-06-15 flags=distance,session_spike" in text
    assert "Flagged: distance grew more than the week-on-week rule allows;" in text
    assert "of your first 14 days of records (5.4 km), a short reference: a moderate spike" in text

    again = _run(folder, tmp_path, notify=command)
    assert not again.notified  # the same flag is not news
    _write_week(folder, 2, [40, 40, 40, 30])  # now the number of runs grew too
    more = _run(folder, tmp_path, notify=command)
    assert more.notified
    assert "New since the last run: the number of runs." in log.read_text()


def test_a_failing_notify_command_is_a_warning(folder: Path, tmp_path: Path) -> None:
    """A broken hook is reported, and the analysis still succeeds."""
    _write_week(folder, 2, [50, 50, 50])
    result = _run(folder, tmp_path, notify="exit 7")
    assert result.notified
    assert any("exit code 7" in message for message in result.messages)


def test_fail_on_flag_exit_code(folder: Path, tmp_path: Path) -> None:
    """--fail-on-flag exits 3 when the newest week is flagged, 0 otherwise."""
    runner = CliRunner()
    args = ["analyze", str(folder), "--fail-on-flag", "--cache", str(tmp_path / "c.sqlite3")]
    assert runner.invoke(cli, args).exit_code == 0
    _write_week(folder, 2, [50, 50, 50])
    assert runner.invoke(cli, args).exit_code == EXIT_FLAGGED


def test_log_file_is_appended_and_rotated(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--log collects the output; past its size limit the log is rotated, not grown forever."""
    from loadwatch.nightly import log as logfile

    log = tmp_path / "logs" / "nightly.log"
    args = ["analyze", str(folder), "--log", str(log), "--cache", str(tmp_path / "c.sqlite3")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Week of" in log.read_text()
    monkeypatch.setattr(logfile, "LOG_MAX_BYTES", 10)
    CliRunner().invoke(cli, args)
    assert (tmp_path / "logs" / "nightly.log.1").exists()
    assert log.read_text().count("== ") == 1


def test_log_is_never_written_in_the_analysed_folder(folder: Path, tmp_path: Path) -> None:
    """A --log in the analysed folder (or the analysed file itself) is refused before anything
    is opened, created or rotated, with the same wording as for --out."""
    from loadwatch.nightly import log as logfile

    fit = next((Path(__file__).parent.parent / "sample_data").rglob("*.fit"))
    activity = folder / "garmin" / "x.fit"
    activity.parent.mkdir()
    activity.write_bytes(fit.read_bytes())
    before = _tree_bytes(folder)
    cache = ["--cache", str(tmp_path / "c.sqlite3")]
    for path, log in [(folder, activity), (folder, folder / "new.log"), (activity, activity)]:
        result = CliRunner().invoke(cli, ["analyze", str(path), "--log", str(log), *cache])
        assert result.exit_code == 1, result.output
        assert f"--log {log} is" in result.stderr and "loadwatch never writes to" in result.stderr
        assert "Traceback" not in result.output
        assert _tree_bytes(folder) == before
    with pytest.raises(logfile.LoadwatchError, match="inside the analysed folder"):
        logfile.open_log(folder / "big.log", watched=folder)


def test_log_never_appends_to_an_activity_or_binary_file(folder: Path, tmp_path: Path) -> None:
    """An existing --log that is an activity, an archive or binary is refused and left as it
    was; a text log (another tool's) is appended to."""
    fit = next((Path(__file__).parent.parent / "sample_data").rglob("*.fit"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = {
        "run.fit": (fit.read_bytes(), "a FIT activity file"),
        "run.gpx": (gpx(MONDAY, minutes=5).encode(), "a GPX activity file"),
        "export.zip": (b"PK\x03\x04" + bytes(40), "an archive"),
        "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "not a text log"),
    }
    args = ["analyze", str(folder), "--cache", str(tmp_path / "c.sqlite3"), "--log"]
    for name, (data, what) in files.items():
        (elsewhere / name).write_bytes(data)
        result = CliRunner().invoke(cli, [*args, str(elsewhere / name)])
        assert result.exit_code == 1, result.output
        assert f"is {what}; loadwatch only appends to its own logs" in result.stderr
        assert (elsewhere / name).read_bytes() == data
    shared = elsewhere / "cron.log"
    shared.write_text("backup done\n")
    assert CliRunner().invoke(cli, [*args, str(shared)]).exit_code == 0
    assert shared.read_text().startswith("backup done\n") and "Week of" in shared.read_text()


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_progress_bar_on_a_terminal_only(folder: Path, tmp_path: Path) -> None:
    """The bar shows count, rate and time left; off a terminal nothing of it is printed."""
    import io

    from loadwatch.render.console import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(1, 4, "a.fit")
    bar(4, 4, "d.fit")
    bar.close()
    drawn = stream.getvalue()
    assert "4/4 files" in drawn and "/s" in drawn and "left" in drawn
    assert drawn.endswith("\r")  # the line is cleared for what follows
    result = CliRunner().invoke(cli, ["analyze", str(folder), "--no-cache"])
    assert "\r" not in result.stderr


def test_an_empty_folder_never_replaces_a_good_report(folder: Path, tmp_path: Path) -> None:
    """A synced folder that is suddenly empty (not mounted) keeps the last report: exit 1."""
    out = tmp_path / "out"
    _run(folder, tmp_path, out=out)
    before = (out / "latest.json").read_bytes()
    moved = tmp_path / "moved-away"
    folder.rename(moved)
    folder.mkdir()
    result = CliRunner().invoke(
        cli, ["analyze", str(folder), "--out", str(out), "--cache", str(tmp_path / "c.sqlite3")]
    )
    assert result.exit_code == 1
    assert "is the folder mounted and synced?" in result.stderr
    assert (out / "latest.json").read_bytes() == before


def test_a_run_without_notify_does_not_swallow_the_news(folder: Path, tmp_path: Path) -> None:
    """Looking at the report by hand in the evening must not silence the nightly notification."""
    log = tmp_path / "notified.txt"
    _run(folder, tmp_path, notify=f'cat >> "{log}"')
    _write_week(folder, 2, [50, 50, 50])
    _run(folder, tmp_path)  # by hand, no --notify
    nightly = _run(folder, tmp_path, notify=f'cat >> "{log}"')
    assert nightly.notified


def test_chart_key_follows_the_strength_days_the_pain_panel_draws(tmp_path: Path) -> None:
    """A recorded strength session moved to another day of the same week changes no weekly
    figure but moves its mark on the pain panel: the charts must be drawn again."""
    import dataclasses

    from loadwatch.analysis import analyze
    from loadwatch.body.entries import make_entry
    from loadwatch.body.store import append
    from loadwatch.nightly.outputs import chart_key

    root = Path(__file__).resolve().parent.parent / "sample_data"
    log = tmp_path / "body.jsonl"
    pain = {"date": date(2026, 9, 15), "level": 2, "where": "knee", "when": "after"}
    append(log, [make_entry("pain", pain, date.max)])
    before = analyze(root, body_log=log, as_of=date(2026, 9, 20))
    timeline = before.timeline.copy()
    strength = timeline.index[timeline["sport"] == "strength"][-1]
    timeline.loc[strength, "start"] -= timedelta(days=1)
    after = dataclasses.replace(before, timeline=timeline)
    assert chart_key(before, "km") != chart_key(after, "km")
