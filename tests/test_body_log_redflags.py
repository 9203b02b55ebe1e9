"""Red flags from the body log, at their edges (7 vs 8 weeks, a foot pain before vs during a
back spell, 6 vs 7 out of 10), and where they are said: JSON, table, page, --notify, advice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from loadwatch.body.entries import Entry, make_entry
from loadwatch.body.frame import body_frame
from loadwatch.body.store import append
from loadwatch.cli import cli
from loadwatch.metrics.advice import RED_FLAGS
from loadwatch.metrics.redflags import red_flags, trunk_spells
from loadwatch.render.page import render_index
from loadwatch.vocab import RedFlag
from tests.factories import gpx

AS_OF = date(2026, 3, 15)  # a Sunday


def pain(day: date, level: int = 3, where: str = "lower-back") -> Entry:
    values = {"date": day, "level": level, "where": where, "when": "after"}
    return make_entry("pain", values, date.max)


def log(*entries: Entry) -> pd.DataFrame:
    import dataclasses

    numbered = [dataclasses.replace(e, id=k) for k, e in enumerate(entries, start=1)]
    return body_frame(numbered, "Europe/Berlin")


@pytest.mark.parametrize(("weeks", "raised"), [(7, False), (8, True), (9, True)])
def test_pain_in_8_weeks_in_a_row(weeks: int, raised: bool) -> None:
    """Pain logged in each of 7 weeks is not the flag; in each of 8 it is, since the first."""
    days = [AS_OF - timedelta(days=7 * k + 2) for k in range(weeks)]
    found = red_flags(log(*(pain(d) for d in days)), AS_OF)
    assert [f.flag for f in found] == ([RedFlag.PAIN_8_WEEKS] if raised else [])
    if raised:
        assert found[0].since == min(days)
        assert found[0].why.startswith(f"pain logged in each of the {weeks} weeks since")


def test_a_week_without_pain_breaks_the_streak_but_this_week_may_be_empty_yet() -> None:
    """A gap resets the count; the week of as_of without pain yet does not."""
    days = [AS_OF - timedelta(days=7 * k + 7) for k in range(8)]  # last week back, none this
    assert [f.flag for f in red_flags(log(*(pain(d) for d in days)), AS_OF)] == [
        RedFlag.PAIN_8_WEEKS
    ]
    gap = [d for d in days if d != days[3]]
    assert red_flags(log(*(pain(d) for d in gap)), AS_OF) == []


def test_foot_pain_during_a_back_spell_is_spreading() -> None:
    """Foot pain appearing while a back pain spell lasts raises pain_spreading on its day."""
    back = [date(2026, 3, d) for d in (2, 4, 8, 10)]
    found = red_flags(log(*(pain(d) for d in back), pain(date(2026, 3, 9), 2, "foot")), AS_OF)
    assert [f.flag for f in found] == [RedFlag.PAIN_SPREADING]
    assert found[0].since == date(2026, 3, 9)
    assert (
        found[0].why
        == "foot pain from 9 Mar 2026, during a lower back pain spell that began 2 Mar 2026"
    )


def test_foot_pain_before_the_back_spell_is_not_spreading() -> None:
    """A foot pain there before the back pain began did not spread from it."""
    back = [date(2026, 3, d) for d in (2, 4, 8, 10)]
    entries = [*(pain(d) for d in back), pain(date(2026, 2, 25), 2, "foot"),
               pain(date(2026, 3, 9), 2, "foot")]  # fmt: skip
    assert red_flags(log(*entries), AS_OF) == []


def test_a_spell_ends_after_a_week_without_back_pain() -> None:
    """Back pain 8 days apart is two spells; leg pain after the first one ended is not in it."""
    entries = [pain(date(2026, 2, 1)), pain(date(2026, 2, 9)), pain(date(2026, 2, 16), where="hip")]
    assert trunk_spells(log(*entries).assign(date=lambda f: f["day"].dt.date)) == [
        (date(2026, 2, 1), date(2026, 2, 1)),
        (date(2026, 2, 9), date(2026, 2, 16)),
    ]
    late = [pain(date(2026, 3, 1)), pain(date(2026, 3, 10), 2, "calf")]
    assert red_flags(log(*late), AS_OF) == []


@pytest.mark.parametrize(("level", "raised"), [(6, False), (7, True), (10, True)])
def test_severe_pain_is_7_or_more(level: int, raised: bool) -> None:
    """6/10 is not severe; 7/10 is, named with its region and day."""
    found = red_flags(log(pain(date(2026, 3, 10), level, "knee")), AS_OF)
    assert [f.flag for f in found] == ([RedFlag.SEVERE_PAIN] if raised else [])
    if raised:
        assert found[0].why == f"a pain of {level}/10 in the knee on 10 Mar 2026"


def test_an_old_severe_pain_or_one_after_as_of_is_not_a_flag() -> None:
    """Severe pain more than 28 days before as_of, or after it, raises nothing."""
    entries = [pain(date(2026, 2, 10), 8), pain(date(2026, 3, 20), 9)]
    assert red_flags(log(*entries), AS_OF) == []


def test_a_log_of_other_entries_or_no_pain_raises_nothing() -> None:
    """Strength sessions, efforts and 0/10 pains are no red flag; no log, no flags."""
    entries = [make_entry("strength", {"date": "2026-03-02", "minutes": 20}, AS_OF),
               pain(date(2026, 3, 3), 0)]  # fmt: skip
    assert red_flags(log(*entries), AS_OF) == [] and red_flags(None, AS_OF) == []


# --- where they are said --------------------------------------------------------------------


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in (2, 4, 9, 11):
        start = datetime(2026, 3, day, 6, 0, tzinfo=UTC)
        (folder / f"{day}.gpx").write_text(gpx(start, minutes=30), encoding="utf-8")
    return folder


def analyze(runs: Path, body: Path, *more: str) -> str:
    args = ["analyze", str(runs), "--body-log", str(body), "--as-of", "2026-03-15",
            "--timezone", "Europe/Berlin", "--jobs", "1", *more]  # fmt: skip
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_red_flags_head_the_json_table_page_and_advice(runs: Path, tmp_path: Path) -> None:
    """A severe pain: top-level red_flags, the table's first lines, the page, the advice."""
    body = tmp_path / "body.jsonl"
    append(body, [pain(date(2026, 3, 11), 8, "knee")])
    report = json.loads(analyze(runs, body, "--format", "json"))
    why = "a pain of 8/10 in the knee on 11 Mar 2026"
    assert report["red_flags"] == [{"flag": "severe_pain", "since": "2026-03-11", "why": why}]
    advice = report["weeks"][-1]["advice"]
    assert advice[0] == (
        "Red flag: a pain of 8/10 in the knee on 11 Mar 2026: see a physiotherapist or doctor."
    )
    assert RED_FLAGS not in advice
    table = analyze(runs, body)
    assert table.startswith("RED FLAG since 2026-03-11: a pain of 7 or more out of 10")
    assert "See a physiotherapist or doctor." in table.split("Week of")[0]
    page = render_index(report)
    assert page.index("RED FLAG since 2026-03-11") < page.index("Week by week</h2>")


def test_the_fixed_sentence_only_without_a_log(runs: Path, tmp_path: Path) -> None:
    """No log: the fixed red-flag sentence; a log without a red flag: neither."""
    report = json.loads(analyze(runs, tmp_path / "none.jsonl", "--format", "json"))
    assert report["red_flags"] == [] and RED_FLAGS in report["weeks"][-1]["advice"]
    body = tmp_path / "body.jsonl"
    append(body, [pain(date(2026, 3, 11), 2, "knee")])
    report = json.loads(analyze(runs, body, "--format", "json"))
    assert report["red_flags"] == [] and RED_FLAGS not in report["weeks"][-1]["advice"]


def test_a_log_of_strength_alone_keeps_the_fixed_sentence(runs: Path, tmp_path: Path) -> None:
    """A log that says nothing of pain (strength only, or pain only after --as-of) keeps it."""
    body = tmp_path / "body.jsonl"
    strength = make_entry("strength", {"date": date(2026, 3, 10), "minutes": 30}, date.max)
    append(body, [strength, pain(date(2026, 3, 20), 2, "knee")])
    report = json.loads(analyze(runs, body, "--format", "json"))
    assert RED_FLAGS in report["weeks"][-1]["advice"]
    assert report["weeks"][-1]["strength_sessions"] == 1


def test_notify_says_a_new_red_flag_once(runs: Path, tmp_path: Path) -> None:
    """--notify tells of a red flag first, and once: the next run knows it was told."""
    body = tmp_path / "body.jsonl"
    append(body, [pain(date(2026, 3, 11), 8, "knee")])
    told = tmp_path / "told.txt"
    out = tmp_path / "out"
    notify = f"cat >> {told}"
    analyze(runs, body, "--out", str(out), "--notify", notify, "--quiet")
    first = told.read_text(encoding="utf-8")
    assert first.startswith("RED FLAG since 2026-03-11")
    analyze(runs, body, "--out", str(out), "--notify", notify, "--quiet")
    assert told.read_text(encoding="utf-8") == first
