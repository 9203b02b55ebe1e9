"""The pain-monitoring model (Silbernagel et al. 2007) at its thresholds: 3 ok, 4-5 hold, 6
shrink, a worse next morning holds; the associations it words; and the cap a budget takes."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from loadwatch.body.entries import Entry, make_entry
from loadwatch.body.frame import body_frame
from loadwatch.body.store import append
from loadwatch.cli import cli
from loadwatch.metrics.painmodel import PainCheck, pain_check
from loadwatch.vocab import PainVerdict
from tests.factories import gpx, timeline_frame

AS_OF = date(2026, 3, 15)  # a Sunday
NO_RUNS = timeline_frame([])


def pain(day: str, level: int, when: str = "after", where: str = "knee") -> Entry:
    return make_entry("pain", {"date": day, "level": level, "where": where, "when": when}, date.max)


def log(*entries: Entry) -> pd.DataFrame:
    numbered = [dataclasses.replace(e, id=k) for k, e in enumerate(entries, start=1)]
    return body_frame(numbered, "Europe/Berlin")


@pytest.mark.parametrize(
    ("level", "verdict"),
    [(0, PainVerdict.OK), (3, PainVerdict.OK), (4, PainVerdict.HOLD), (5, PainVerdict.HOLD),
     (6, PainVerdict.SHRINK), (10, PainVerdict.SHRINK)],
)  # fmt: skip
def test_the_thresholds(level: int, verdict: PainVerdict) -> None:
    """Up to 3 ok; 4 and 5 hold; above 5 shrink."""
    check = pain_check(log(pain("2026-03-12", level)), NO_RUNS, AS_OF)
    assert check.verdict is verdict
    if verdict is not PainVerdict.OK:
        assert check.why.startswith(f"your knee pain was {level}/10 after a run on 12 Mar 2026")


def test_only_the_last_7_days_decide() -> None:
    """A 6/10 eight days before as_of, or after it, does not hold next week."""
    check = pain_check(log(pain("2026-03-07", 6), pain("2026-03-16", 6)), NO_RUNS, AS_OF)
    assert check == PainCheck(PainVerdict.OK)
    assert pain_check(None, NO_RUNS, AS_OF).verdict is PainVerdict.OK


def test_a_worse_next_morning_holds_the_load() -> None:
    """Next-morning pain worse than the last next-morning pain in that region: hold."""
    entries = [pain("2026-03-05", 1, "next-morning"), pain("2026-03-13", 2, "next-morning")]
    check = pain_check(log(*entries), NO_RUNS, AS_OF)
    assert check.verdict is PainVerdict.HOLD
    assert check.why.startswith("your knee pain the next morning rose from 1 to 2 on 13 Mar")
    same = [pain("2026-03-05", 2, "next-morning"), pain("2026-03-13", 2, "next-morning")]
    assert pain_check(log(*same), NO_RUNS, AS_OF).verdict is PainVerdict.OK
    other = [pain("2026-03-05", 1, "next-morning", "hip"), pain("2026-03-13", 2, "next-morning")]
    assert pain_check(log(*other), NO_RUNS, AS_OF).verdict is PainVerdict.OK


def test_the_cap_a_budget_takes() -> None:
    """hold keeps last week's distance, shrink 80% of it (a convention), ok none."""
    assert PainCheck(PainVerdict.HOLD).cap_km(30.0) == 30.0
    assert PainCheck(PainVerdict.SHRINK).cap_km(30.0) == pytest.approx(24.0)
    assert PainCheck(PainVerdict.OK).cap_km(30.0) is None


def test_a_rise_in_pain_is_worded_as_an_association() -> None:
    """Pain up from 2 to 5 in the week distance grew 25% and the longest run doubled."""
    runs = timeline_frame(
        [{"start": "2026-03-03 07:00", "distance_km": 5.0},
         {"start": "2026-03-05 07:00", "distance_km": 5.0},
         {"start": "2026-03-10 07:00", "distance_km": 2.5},
         {"start": "2026-03-12 07:00", "distance_km": 10.0}]
    )  # fmt: skip
    entries = [pain("2026-03-04", 2, where="lower-back"), pain("2026-03-12", 5, where="lower-back")]
    check = pain_check(log(*entries), runs, AS_OF)
    assert check.verdict is PainVerdict.HOLD
    assert check.associations == (
        "Your lower back pain rose from 2 to 5 in the week your distance grew 25% and your "
        "longest run doubled: an association in your log, not proof of a cause.",
    )
    flat = timeline_frame(
        [{"start": "2026-03-03 07:00", "distance_km": 5.0},
         {"start": "2026-03-10 07:00", "distance_km": 5.0}]
    )  # fmt: skip
    assert pain_check(log(*entries), flat, AS_OF).associations == ()


def _analyze(
    tmp_path: Path,
    entry: Entry,
    *args: str,
    days: tuple[int, ...] = (2, 4, 9, 11),
    as_of: str = "2026-03-15",
) -> str:
    """``loadwatch analyze`` on 30-minute runs on ``days`` of March 2026 with one logged entry,
    as of ``as_of`` (Sunday 15 March: the week is over); its standard output."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in days:
        start = datetime(2026, 3, day, 6, 0, tzinfo=UTC)
        (folder / f"{day}.gpx").write_text(gpx(start, minutes=30), encoding="utf-8")
    body = tmp_path / "body.jsonl"
    append(body, [entry])
    command = ["analyze", str(folder), "--body-log", str(body), "--as-of", as_of,
               "--timezone", "Europe/Berlin", "--jobs", "1", *args]  # fmt: skip
    out: str = CliRunner(env={"COLUMNS": "200"}).invoke(cli, command).stdout
    return out


def test_the_verdict_ends_the_newest_week_s_advice(tmp_path: Path) -> None:
    """analyze: a 6/10 pain this week adds the model's line to the advice."""
    out = _analyze(
        tmp_path, pain("2026-03-12", 6, "during", "achilles"), "--format", "json", days=(2, 9, 11)
    )
    report = json.loads(out)
    assert report["weeks"][-1]["advice"][-2:] == [
        "Pain model: cut next week's load back: your achilles pain was 6/10 during a run on "
        "12 Mar 2026 (above 5: stop and cut back).",
        "Your achilles pain came on (6/10) in the week your distance doubled: an association "
        "in your log, not proof of a cause.",
    ]


@pytest.mark.parametrize(
    ("level", "factor", "rule"),
    [(3, 1.1, "ten_percent"), (5, 1.0, "pain_hold"), (6, 0.8, "pain_shrink")],
)
def test_the_verdict_sets_next_week_s_budget(
    tmp_path: Path, level: int, factor: float, rule: str
) -> None:
    """analyze: pain up to 3 lets next week grow 10%, 4-5 holds it, above 5 cuts it back."""
    out = _analyze(tmp_path, pain("2026-03-12", level, "after", "lower-back"), "--format", "json")
    week = json.loads(out)["weeks"][-1]
    assert week["next_week"]["max_km"] == pytest.approx(week["distance_km"] * factor, abs=0.01)
    assert f"max_km:{rule}" in week["next_week"]["basis"]
    if rule != "ten_percent":  # the runs and the longest run do not grow either
        assert week["next_week"]["max_runs"] == week["runs"]
        assert f"max_runs:{rule}" in week["next_week"]["basis"]
        assert f"longest_run_km:{rule}" in week["next_week"]["basis"]
    said = [line for line in week["advice"] if "Next week:" in line]
    assert said and f"up to {week['distance_km'] * factor:.1f} km" in said[0]


def test_the_table_says_the_verdict_and_not_the_fixed_red_flags(tmp_path: Path) -> None:
    """analyze's table: with a log, the model's line is shown and the fixed sentence is not."""
    out = _analyze(tmp_path, pain("2026-03-12", 5, "after", "lower-back"), "--units", "mi")
    out = " ".join(out.split())
    assert "Pain model: keep next week's load as this week's" in out
    assert "held for the pain you logged" in out
    assert "See a physiotherapist or doctor if pain is severe" not in out


@pytest.mark.parametrize(
    ("level", "risk", "reasons"),
    [(3, "low", []), (4, "elevated", ["pain:warning"]), (6, "high", ["pain:above_5"])],
)
def test_pain_in_the_log_sets_the_week_s_risk(
    tmp_path: Path, level: int, risk: str, reasons: list[str]
) -> None:
    """A week's pain: up to 3 leaves it low, 4-5 makes it elevated, above 5 high, with why."""
    out = _analyze(tmp_path, pain("2026-03-12", level, "during", "knee"), "--format", "json")
    weeks = json.loads(out)["weeks"]
    assert weeks[0]["risk"] == "low"  # the week before, without pain
    assert (weeks[-1]["risk"], weeks[-1]["risk_reasons"]) == (risk, reasons)


def test_pain_above_5_in_a_week_in_progress_says_to_rest_it_and_heads_the_page(
    tmp_path: Path,
) -> None:
    """A week in progress with pain 6: the model's line says to rest the rest of the week, the
    longest run is cut back, and the page's headline says high risk and why."""
    entry = pain("2026-03-10", 6, "during", "shin")
    out = _analyze(tmp_path, entry, "--format", "json", as_of="2026-03-12")
    folder = tmp_path / "runs"
    report = json.loads(out)
    week = report["weeks"][-1]
    assert not week["complete"] and week["risk"] == "high"
    assert week["next_week"]["longest_run_km"] is not None
    assert "longest_run_km:pain_shrink" in week["next_week"]["basis"]
    model = next(line for line in week["advice"] if line.startswith("Pain model"))
    assert "For the rest of this week, rest or run only easy" in model
    page_dir = tmp_path / "out"
    body = str(tmp_path / "body.jsonl")
    args = ["analyze", str(folder), "--body-log", body, "--as-of", "2026-03-12",
            "--timezone", "Europe/Berlin", "--jobs", "1", "--out", str(page_dir)]  # fmt: skip
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (page_dir / "index.html").read_text(encoding="utf-8")
    assert "high risk, from pain above 5/10" in page and "low risk" not in page
