"""The evidence-weighted risk level as a runner meets it: a folder of runs through the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from factories import RUNS_MONDAY, runs_folder

from loadwatch import analyze
from loadwatch.cli import cli
from loadwatch.render.legend import legend_lines


def analysed(folder: Path) -> dict[str, Any]:
    """``loadwatch analyze FOLDER --format json``, as parsed JSON."""
    result = CliRunner().invoke(cli, ["analyze", str(folder), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def weekly_pairs(weeks: int, km: float = 10.0) -> list[tuple[int, float]]:
    """Two runs of ``km`` (Monday and Thursday) in each of the first ``weeks`` weeks."""
    return [(7 * w + d, km) for w in range(weeks) for d in (0, 3)]


def test_a_large_spike_sets_the_level_whatever_else_fired(tmp_path: Path) -> None:
    """21 km after runs of at most 10 km, in a 30 km week after 20s: high, for the spike alone."""
    data = analysed(runs_folder(tmp_path, [*weekly_pairs(5), (35, 21.0), (38, 9.0)]))
    last = data["weeks"][-1]
    assert last["distance_km"] == pytest.approx(30.0, abs=0.1)
    assert {"distance", "session_spike"} <= set(last["flags"])
    assert last["max_spike"] == "large"
    assert last["risk"] == "high"
    assert last["risk_reasons"] == ["session_spike:large"]
    assert all(w["risk"] == "low" and w["risk_reasons"] == [] for w in data["weeks"][:-1])


def test_a_large_spike_with_no_weekly_flag_is_high(tmp_path: Path) -> None:
    """The same 2.1x run in a week of the usual 20 km (a short run beside it): still high."""
    runs = [*[(7 * w + d, 5.0) for w in range(5) for d in (0, 1, 3, 5)], (35, 10.5), (38, 9.5)]
    last = analysed(runs_folder(tmp_path, runs))["weeks"][-1]
    assert last["flags"] == ["session_spike"]
    assert (last["risk"], last["risk_reasons"]) == ("high", ["session_spike:large"])


def test_a_small_spike_makes_the_week_elevated(tmp_path: Path) -> None:
    """A 12 km run after runs of 10 km, the week's distance unchanged: elevated, for the spike."""
    last = analysed(runs_folder(tmp_path, [*weekly_pairs(5), (35, 12.0), (38, 8.0)]))["weeks"][-1]
    assert last["flags"] == ["session_spike"]
    assert last["max_spike"] == "small"
    assert (last["risk"], last["risk_reasons"]) == ("elevated", ["session_spike:small"])


def test_every_weekly_flag_at_once_without_a_spike_is_elevated(tmp_path: Path) -> None:
    """Six 5 km runs after weeks of one 12 km run: DIST, FREQ, ACWR and MONO, but elevated."""
    runs = [(7 * w, 12.0) for w in range(4)] + [(28 + d, 5.0) for d in range(6)]
    last = analysed(runs_folder(tmp_path, runs))["weeks"][-1]
    assert set(last["flags"]) == {"distance", "frequency", "acwr", "monotony"}
    assert last["max_spike"] is None
    assert last["risk"] == "elevated"
    assert last["risk_reasons"] == ["distance", "frequency", "acwr", "monotony"]
    acwr_line = next(line for line in last["advice"] if "weeks before (ACWR" in line)
    assert "a disputed measure: a sign to look at, not a cause" in acwr_line
    assert "a coupled ratio above 1.33" in acwr_line


def test_a_week_that_fell_after_an_empty_week_has_no_acwr_flag(tmp_path: Path) -> None:
    """18.2 km after 20 km and an empty week: ACWR 1.82 against the empty weeks, not flagged."""
    runs = [*weekly_pairs(3), (21, 10.0), (28, 10.0), (31, 10.0), (42, 9.1), (45, 9.1)]
    weeks = analysed(runs_folder(tmp_path, runs))["weeks"]
    assert [w["runs"] for w in weeks] == [2, 2, 2, 1, 2, 0, 2]
    last = weeks[-1]
    assert last["acwr"] == pytest.approx(18.2 / 10.0, abs=0.01)  # above the 1.5 limit
    assert "acwr" not in last["flags"]
    assert (last["risk"], last["risk_reasons"]) == ("low", [])
    grew = weeks[4]  # 20 km in 2 runs after 10 km in 1: ACWR 1.2, the 10% rule's flags
    assert grew["flags"] == ["distance", "frequency"] and grew["risk"] == "elevated"


def test_a_ratio_just_above_the_moderate_edge_prints_above_it(tmp_path: Path) -> None:
    """1.3006 x is a moderate spike, and the advice prints 1.301, not the 1.30 of a small one."""
    data = analysed(runs_folder(tmp_path, [*weekly_pairs(5), (35, 13.006), (38, 7.0)]))
    last = data["weeks"][-1]
    assert last["max_spike"] == "moderate"
    spike_line = next(line for line in last["advice"] if "longest run of the 30 days" in line)
    assert "was 1.301 × the longest run" in spike_line and "a moderate spike" in spike_line
    table = CliRunner().invoke(cli, ["analyze", str(tmp_path / "runs"), "--no-cache"]).stdout
    assert "1.301 ×" in table and "1.30 ×" not in table


def test_a_ratio_at_the_moderate_edge_prints_as_the_edge(tmp_path: Path) -> None:
    """Exactly 1.30 x is still small, and prints as 1.30."""
    data = analysed(runs_folder(tmp_path, [*weekly_pairs(5), (35, 13.0), (38, 7.0)]))
    spike_line = next(line for line in data["weeks"][-1]["advice"] if "30 days" in line)
    assert "was 1.30 × the longest run" in spike_line and "a small spike" in spike_line


def test_the_table_says_acwr_is_disputed_and_why_a_week_is_high(tmp_path: Path) -> None:
    """The figures and the legend call ACWR and monotony disputed, with the coupled limit;
    the risk's reasons are in words."""
    folder = runs_folder(tmp_path, [*weekly_pairs(5), (35, 21.0), (38, 9.0)])
    table = CliRunner().invoke(cli, ["analyze", str(folder), "--no-cache"]).stdout
    flat = " ".join(table.split())
    assert "on distance; disputed)" in flat
    assert "high risk, from a large single-run spike." in flat
    legend = " ".join(legend_lines(analyze(folder), ["acwr", "monotony"]))
    assert "ACWR (disputed)" in legend and "MONO (disputed)" in legend
    assert "a coupled 1.33" in legend


def test_the_page_and_the_chart_say_so_too(tmp_path: Path) -> None:
    """index.html gives the level with its reasons and calls ACWR disputed; so does the chart."""
    folder = runs_folder(tmp_path, [*weekly_pairs(5), (35, 30.0)])
    out = tmp_path / "out"
    # As of the Sunday of the last run's week: the page judges that week, not a stale folder.
    as_of = (RUNS_MONDAY + timedelta(days=35 + 6)).date().isoformat()
    args = ["analyze", str(folder), "--no-cache", "--out", str(out), "--as-of", as_of]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text()
    assert ": high risk, from a large single-run spike</p>" in page
    assert "ACWR, a disputed measure" in page  # the flag's words in the headline's list
    svg = (out / "weekly-risk.svg").read_text()
    assert "disputed" in svg
