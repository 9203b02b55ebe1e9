"""The body log on the nightly page and in the advice: the newest entries, how to log strength."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import loadwatch
from loadwatch.body.entries import make_entry
from loadwatch.body.frame import body_frame
from loadwatch.cli import cli
from loadwatch.metrics.body import body_days
from loadwatch.render.bodylog import latest_entries
from tests.factories import gpx


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Three 30-minute runs in the week of 2 March 2026, and one strength session."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in (2, 4, 6):
        start = datetime(2026, 3, day, 6, 0, tzinfo=UTC)
        (folder / f"{day}.gpx").write_text(gpx(start, minutes=30), encoding="utf-8")
    gym = gpx(datetime(2026, 3, 3, 17, 0, tzinfo=UTC), minutes=30, type_="strength_training")
    (folder / "gym.gpx").write_text(gym, encoding="utf-8")
    (folder / "loadwatch.toml").write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    return folder


def _log(*args: str) -> None:
    result = CliRunner().invoke(cli, ["log", *args, "--as-of", "2026-03-08"])
    assert result.exit_code == 0, result.output


def _page(runs: Path, out: Path) -> str:
    """``loadwatch analyze --out`` on 8 March 2026, and the index.html it writes."""
    args = ["analyze", str(runs), "--out", str(out), "--as-of", "2026-03-08", "--jobs", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return (out / "index.html").read_text(encoding="utf-8")


def test_the_page_lists_the_newest_ten_entries_escaped(runs: Path, tmp_path: Path) -> None:
    """Twelve entries: the page lists the newest 10, newest first, after the card (which the
    red flag heads), with a note's markup escaped; the oldest two are left out."""
    for day in range(1, 7):
        _log("pain", "2", "--where", "knee", "--when", "after", "--date", f"2026-03-0{day}")
    for day in range(1, 6):
        _log("strength", "--minutes", "25", "--date", f"2026-03-0{day}")
    _log("pain", "7", "--where", "calf", "--when", "during", "--date", "2026-03-07",
         "--note", "<b>sharp</b>")  # fmt: skip
    page = _page(runs, tmp_path / "out")
    assert "Your body log, newest first (10 entries)" in page
    assert (
        "<li>Sat 7 Mar 2026: pain 7/10, calf, during a run (&lt;b&gt;sharp&lt;/b&gt;)</li>" in page
    )
    assert "<b>sharp</b>" not in page
    newest, oldest = page.index("Sat 7 Mar 2026: pain"), page.index("Mon 2 Mar 2026: pain")
    assert page.index('id="status"') < page.index("RED FLAG") < newest < oldest
    assert "Mon 2 Mar 2026: pain" in page and "Sun 1 Mar 2026" not in page


def test_without_a_log_the_page_has_no_body_log(runs: Path, tmp_path: Path) -> None:
    """No log: no body-log list; the week's low strength says how to log a session, on the
    page and in the advice."""
    page = _page(runs, tmp_path / "out")
    assert "Your body log" not in page
    assert "<code>loadwatch log strength --minutes 30</code>" in page
    assert (
        "1 strength session this week: physiotherapists advise strength training 2–3 times a "
        "week (log one your watch did not record with `loadwatch log strength --minutes 30`)."
    ) in page


def test_each_kind_of_entry_in_words() -> None:
    """Strength with an effort, a run's effort (with and without its start) and a check-in."""
    day = date(2026, 3, 5)
    entries = [
        make_entry("strength", {"date": day, "minutes": 20, "rpe": 6.5}, day),
        make_entry("rpe", {"date": day, "rpe": 7, "run": "2026-03-05T18:30:00+01:00"}, day),
        make_entry("rpe", {"date": day, "rpe": 4}, day),
        make_entry("check-in", {"date": day, "answers": [1, 1, 0, 1]}, day),
    ]
    numbered = [dataclasses.replace(e, id=k) for k, e in enumerate(entries, start=1)]
    assert latest_entries(body_frame(numbered, "Europe/Berlin")) == [
        "Thu 5 Mar 2026: check-in, OSTRC severity 22/100",
        "Thu 5 Mar 2026: effort 4/10 for the run",
        "Thu 5 Mar 2026: effort 7/10 for the run at 18:30",
        "Thu 5 Mar 2026: strength, 20 min, effort 6.5/10",
    ]
    assert latest_entries(None) == []


def test_the_chart_gets_the_log_by_day_and_redraws_when_it_changes(
    runs: Path, tmp_path: Path
) -> None:
    """The analysis gives the chart each day's pain per region, the strength sessions and the
    check-ins; no log gives no pain panel; a new entry redraws the charts."""
    analyse = {"as_of": "2026-03-08", "jobs": 1}
    assert body_days(loadwatch.analyze(runs, **analyse).body, pd.DataFrame()) is None
    out = tmp_path / "out"
    _page(runs, out)
    before = (out / "weekly-risk.png").read_bytes()
    _log("pain", "4", "--where", "knee", "--when", "after", "--date", "2026-03-04")
    _log("pain", "2", "--where", "knee", "--when", "next-morning", "--date", "2026-03-04")
    _log("check-in", "--participation", "1", "--volume", "0", "--performance", "0",
         "--symptoms", "1", "--date", "2026-03-08")  # fmt: skip
    analysis = loadwatch.analyze(runs, **analyse)
    days = body_days(analysis.body, analysis.timeline)
    assert days is not None
    assert days.pain.to_dict() == {"knee": {pd.Timestamp("2026-03-04"): 4.0}}
    assert list(days.strength_recorded) == [pd.Timestamp("2026-03-03")]
    assert days.check_ins.to_dict() == {pd.Timestamp("2026-03-08"): 16.0}
    _page(runs, out)
    assert (out / "weekly-risk.png").read_bytes() != before
