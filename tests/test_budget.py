"""Next week's budget as a runner meets it: a folder of runs, the CLI's JSON, the advice."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from factories import RUN_MINUTES, RUNS_MONDAY, gpx, runs_folder, timeline_frame

from loadwatch.cli import cli
from loadwatch.metrics.advice import budget_words
from loadwatch.metrics.budget import RULES, Limit, Situation, next_week
from loadwatch.metrics.risk import add_spikes, risk_weeks
from loadwatch.metrics.weekly import weekly
from loadwatch.vocab import BudgetRule, NextWeekPart


def sunday(week: int) -> str:
    """The last day of week ``week`` (0 is the week of 1 June 2026)."""
    return (date(2026, 6, 7) + timedelta(days=7 * week)).isoformat()


def analysed(folder: Path, as_of: str, *args: str) -> dict[str, Any]:
    """``loadwatch analyze FOLDER --format json --as-of AS_OF``, as parsed JSON."""
    result = CliRunner().invoke(
        cli, ["analyze", str(folder), "--format", "json", "--no-cache", "--as-of", as_of, *args]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def newest(tmp_path: Path, runs: list[tuple[int, float]], as_of: str) -> dict[str, Any]:
    """The newest week's record, with its advice checked against its budget."""
    week: dict[str, Any] = analysed(runs_folder(tmp_path, runs), as_of)["weeks"][-1]
    assert_advice_agrees(week)
    return week


def pairs(weeks: int, km: float = 10.0) -> list[tuple[int, float]]:
    """Two runs of ``km`` (Monday and Thursday) in each of the first ``weeks`` weeks."""
    return [(7 * w + d, km) for w in range(weeks) for d in (0, 3)]


#: Where the advice gives a figure of next week's budget: pattern -> the figure.
FIGURE_PATTERNS = {
    r"(?:stay at or below|Next week: up to) (\d+\.\d) km": "max_km",
    r"at most (\d+) runs? \(": "max_runs",
    r"(?:single runs up to|Keep single runs to) (\d+\.\d) km": "longest_run_km",
}


def assert_advice_agrees(week: dict[str, Any]) -> None:
    """Every figure for next week in the advice is the budget's, and nothing says the budget
    grows from an easier week when it does not."""
    budget = week["next_week"]
    found = 0
    for sentence in week["advice"]:
        for pattern, figure in FIGURE_PATTERNS.items():
            for said in re.findall(pattern, sentence):
                value = budget[figure]
                assert value is not None, f"{sentence!r} gives {figure}, the budget has none"
                expected = str(value) if figure == "max_runs" else f"{value:.1f}"
                assert said == expected, f"{sentence!r} says {said}, the budget {value}"
                found += 1
    numbers = [budget[f] for f in ("max_km", "max_runs", "longest_run_km")]
    assert found >= sum(n is not None for n in numbers)  # each figure is said at least once
    assert not any("fine as a planned easier week" in s for s in week["advice"])


def test_a_flagged_week_of_plus_27_percent_gets_the_ten_percent_cap(tmp_path: Path) -> None:
    """25.4 km after 20 km weeks (+27%): next week at most 27.9 km (this week + 10%), 3 runs."""
    runs = [*pairs(3), (21, 12.0), (23, 7.0), (25, 6.4)]
    week = newest(tmp_path, runs, sunday(3))
    assert week["distance_change"] == pytest.approx(0.27, abs=0.005)
    assert {"distance", "frequency"} <= set(week["flags"])
    budget = week["next_week"]
    assert budget["max_km"] == pytest.approx(25.4 * 1.1, abs=0.01)
    assert budget["max_runs"] == 3  # 3 x 1.10 = 3.3, rounded down
    # Its 12 km run is a small spike over the 10 km before it (a short history, judged since
    # the break rule): single runs grow from the 10 km it was measured against, not from it.
    assert budget["longest_run_km"] == pytest.approx(11.0, abs=0.01)
    assert budget["basis"] == [
        "max_km:ten_percent",
        "max_runs:ten_percent",
        "longest_run_km:longest_run",
    ]
    assert any("(this week +10%)" in s for s in week["advice"])


def test_an_acwr_flag_may_lower_the_budget_but_never_raise_it(tmp_path: Path) -> None:
    """20 km after three 10 km weeks: ACWR 2.0 flagged; 1.3 x mean(10, 10, 20) = 17.3 km, below
    the 22 km of the 10% rule, sets next week's km."""
    runs = [(7 * w, 10.0) for w in range(3)] + [(21, 10.0), (24, 10.0)]
    week = newest(tmp_path, runs, sunday(3))
    assert "acwr" in week["flags"]
    budget = week["next_week"]
    assert budget["max_km"] == pytest.approx(1.3 * 40 / 3, abs=0.01)
    assert budget["basis"][0] == "max_km:acwr"
    assert any("from the disputed ACWR" in s for s in week["advice"])


def test_after_an_easier_week_the_level_before_it_grows(tmp_path: Path) -> None:
    """Three 20 km weeks then 9 km: next week up to 22 km (the level before it + 10%), not 9.9;
    the advice does not call the easy week fine, it says what the budget grows from."""
    runs = [*pairs(3), (21, 4.5), (24, 4.5)]
    week = newest(tmp_path, runs, sunday(3))
    assert "low_load" in week["notes"]
    budget = week["next_week"]
    assert budget["max_km"] == pytest.approx(22.0, abs=0.01)
    assert budget["max_runs"] == 2
    assert budget["basis"][:2] == ["max_km:easier_week", "max_runs:ten_percent"]
    assert any("grows from the weeks before it" in s for s in week["advice"])
    assert any("the level of the weeks before your easier week +10%" in s for s in week["advice"])


def test_the_week_back_to_normal_is_not_held_below_the_level_before(tmp_path: Path) -> None:
    """20, 20, 20, 9, then 20 km again: flagged +122%, but next week's budget is 22 km, not the
    10 km the ACWR once gave (below the runner's level before the rest)."""
    runs = [*pairs(3), (21, 4.5), (24, 4.5), *[(28 + d, 10.0) for d in (0, 3)]]
    week = newest(tmp_path, runs, sunday(4))
    assert "distance" in week["flags"]
    assert week["next_week"]["max_km"] == pytest.approx(22.0, abs=0.01)
    assert not any("10.0 km" in s for s in week["advice"] if "Next week" in s)


def test_the_longest_run_cap_is_the_one_the_spike_sentence_gives(tmp_path: Path) -> None:
    """A 15 km run after runs of 10 km: a moderate spike; single runs up to 11 km next week
    (the spike counts as the 10 km it broke), said the same in the spike sentence."""
    runs = [*pairs(5), (35, 15.0), (38, 5.0)]
    week = newest(tmp_path, runs, sunday(5))
    assert week["max_spike"] == "moderate"
    assert week["next_week"]["longest_run_km"] == pytest.approx(11.0, abs=0.01)
    spike = next(s for s in week["advice"] if s.startswith("Your 15.0 km run"))
    assert "Keep single runs to 11.0 km or less" in spike


def test_the_longest_run_looks_back_30_days_only(tmp_path: Path) -> None:
    """A 20 km run six weeks ago no longer counts: single runs up to 8.8 km (8 km + 10%)."""
    runs = [(0, 20.0), *[(7 * w + d, 8.0) for w in range(6) for d in (1, 4)]]
    week = newest(tmp_path, runs, sunday(5))
    assert week["next_week"]["longest_run_km"] == pytest.approx(8.8, abs=0.01)


def test_a_week_in_progress_leaves_next_week_to_when_it_is_over(tmp_path: Path) -> None:
    """Tuesday with one 8 km run after 20 km weeks: km and runs unset (week in progress), the
    longest run set; the advice says the week so far and what is left, never "No flags"."""
    runs = [*pairs(3), (21, 8.0)]
    folder = runs_folder(tmp_path, runs)
    data = analysed(folder, "2026-06-23")
    week = data["weeks"][-1]
    assert_advice_agrees(week)
    assert week["complete"] is False
    budget = week["next_week"]
    assert (budget["max_km"], budget["max_runs"]) == (None, None)
    assert budget["longest_run_km"] == pytest.approx(11.0, abs=0.01)
    assert budget["basis"] == [
        "max_km:week_in_progress",
        "max_runs:week_in_progress",
        "longest_run_km:longest_run",
    ]
    assert week["advice"][0] == (
        "This week so far (2 of 7 days): 1 run, 8.0 km; within the 10% rule there is room for "
        "14.0 km in at most 1 more run."
    )
    assert "set when this week is over" in week["advice"][1]
    assert not any("No flags this week" in s for s in week["advice"])
    table = CliRunner().invoke(cli, ["analyze", str(folder), "--no-cache", "--as-of", "2026-06-23"])
    assert table.exit_code == 0, table.output
    assert " ".join(table.output.split()).count("This week so far (2 of 7 days)") == 1


def test_a_first_week_grows_from_itself(tmp_path: Path) -> None:
    """One week of two 5 km runs, the first ever: 11 km, 2 runs, single runs to 5.5 km."""
    week = newest(tmp_path, [(0, 5.0), (2, 5.0)], sunday(0))
    budget = week["next_week"]
    assert budget["max_km"] == pytest.approx(11.0, abs=0.01)
    assert budget["max_runs"] == 2
    assert budget["longest_run_km"] == pytest.approx(5.5, abs=0.01)
    assert week["advice"][0].startswith("No flags this week: keep building gradually. Next week")


def test_a_first_week_in_progress_has_no_km_to_grow_from_yet(tmp_path: Path) -> None:
    """A new user's first run, on the day: no cap yet, no km or runs for next week yet."""
    week = newest(tmp_path, [(0, 5.0)], "2026-06-01")
    assert week["next_week"]["max_km"] is None
    assert week["advice"][0].endswith("no cap yet: the week before had no run.")


def test_only_the_newest_week_has_a_budget_and_the_csv_carries_it(tmp_path: Path) -> None:
    """Older weeks have next_week null; the CSV's last row has the budget, basis joined by ;."""
    folder = runs_folder(tmp_path, pairs(2))
    data = analysed(folder, sunday(1))
    assert [w["next_week"] is None for w in data["weeks"]] == [True, False]
    result = CliRunner().invoke(
        cli, ["analyze", str(folder), "--format", "csv", "--no-cache", "--as-of", sunday(1)]
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["next_week_max_km"] == "" and rows[0]["next_week_basis"] == ""
    assert float(rows[-1]["next_week_max_km"]) == pytest.approx(22.0)
    assert rows[-1]["next_week_max_runs"] == "2"
    assert rows[-1]["next_week_basis"].split(";")[0] == "max_km:ten_percent"


def test_intensity_advice_does_not_let_intensity_grow(tmp_path: Path) -> None:
    """A harder week (heart rate 175 after 150): the intensity line gives no higher cap."""
    folder = runs_folder(tmp_path, pairs(3))
    for n, day in enumerate((21, 24)):
        start = RUNS_MONDAY + timedelta(days=day)
        (folder / f"fast{n}.gpx").write_text(gpx(start, minutes=RUN_MINUTES, hr=175, step_s=10))
    week = analysed(folder, sunday(3))["weeks"][-1]
    assert_advice_agrees(week)
    lines = [s for s in week["advice"] if s.startswith("Intensity rose")]
    assert "intensity" in week["flags"] and len(lines) == 1
    for line in lines:
        assert "Do not raise it again next week" in line
        assert not re.search(r"at or below \d\.\d\d", line)


# --- the rules as a list ----------------------------------------------------------------------


def _weeks(kms: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline and the weekly frame (with risk) of one run a week of each of ``kms``."""
    start = datetime(2026, 6, 1, 7, 0)
    rows = [
        {"start": (start + timedelta(days=7 * k)).isoformat(sep=" "), "distance_km": km}
        for k, km in enumerate(kms)
    ]
    frame = add_spikes(timeline_frame(rows))
    return frame, risk_weeks(weekly(frame), frame)


def test_a_new_rule_is_one_function_in_the_list() -> None:
    """A rule that holds next week at this week's distance joins the others and wins the tie."""

    def hold(situation: Situation) -> Iterable[Limit]:
        yield Limit(NextWeekPart.MAX_KM, float(situation.newest["distance_km"]), BudgetRule.ACWR)

    frame, weeks = _weeks([10.0, 10.0])
    budget = next_week(weeks, frame, rules=(*RULES, hold))
    assert budget.max_km == pytest.approx(10.0)
    assert budget.rules(NextWeekPart.MAX_KM) == (BudgetRule.ACWR,)
    assert next_week(weeks, frame).max_km == pytest.approx(11.0)


def test_no_rule_no_figure_and_the_advice_says_so() -> None:
    """Without rules every figure is null, and the budget line says there is none yet."""
    frame, weeks = _weeks([10.0])
    budget = next_week(weeks, frame, rules=())
    assert (budget.max_km, budget.max_runs, budget.longest_run_km, budget.basis) == (
        None,
        None,
        None,
        (),
    )
    said = budget_words(budget, 0.10, lambda km: f"{km:.1f} km")
    assert said == "Next week: no budget yet (no runs to grow from)."


def test_a_stale_folder_keeps_the_budget_its_last_week_left(tmp_path: Path) -> None:
    """Two months after the last run: the same budget, longest run included, as on its Sunday."""
    folder = runs_folder(tmp_path, [*pairs(5), (35, 15.0), (38, 5.0)])
    then = analysed(folder, sunday(5))["weeks"][-1]
    later = analysed(folder, sunday(14))
    assert later["status"] == "stale"
    assert later["weeks"][-1]["next_week"] == then["next_week"]
    assert then["next_week"]["longest_run_km"] == pytest.approx(11.0, abs=0.01)
    assert_advice_agrees(later["weeks"][-1])
