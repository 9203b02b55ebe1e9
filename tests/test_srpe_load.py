"""Strapless runs with a logged effort: their load is session RPE × minutes (sRPE)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from test_missing_strap import EASY, MONDAY, _json, _weeks

from loadwatch.cli import cli


def _log_efforts(folder: Path, weeks: int, rpe: str) -> None:
    """``loadwatch log rpe`` for every run of the ``weeks`` weeks (Monday, Wednesday, Friday)."""
    for week in range(weeks):
        for n in range(3):
            day = (MONDAY + timedelta(weeks=week, days=2 * n)).date().isoformat()
            result = CliRunner().invoke(
                cli, ["log", "rpe", rpe, "--folder", str(folder), "--date", day, "--as-of", day]
            )
            assert result.exit_code == 0, result.output


def test_a_strapless_run_with_an_effort_is_on_the_heart_rate_scale(tmp_path: Path) -> None:
    """Strap at home in week 2, every run rated 3: its runs' sRPE times the runner's own TRIMP /
    sRPE ratio, close to the strapped runs' load (load_source srpe_calibrated)."""
    _weeks(tmp_path, 3, without_strap=(1,), config='timezone = "UTC"\n')
    _log_efforts(tmp_path, 3, "3")
    report = _json(tmp_path, 3)
    strapless = [a for a in report["activities"] if a["trimp"] is None]
    assert {a["load_source"] for a in strapless} == {"srpe_calibrated"}
    strapped = [a["load"] for a in report["activities"] if a["trimp"] is not None]
    for run in strapless:
        assert abs(run["load"] - sum(strapped) / len(strapped)) <= 0.1 * run["load"]
    loads = [w["load"] for w in report["weeks"]]
    assert abs(loads[1] - loads[0]) <= 0.1 * loads[0]


def test_without_strapped_runs_the_srpe_stays_on_its_own_scale(tmp_path: Path) -> None:
    """No run has heart rate: a run rated 4 for 45 minutes has load 180 (load_source srpe); the
    runs without an effort keep the pace estimate."""
    _weeks(tmp_path, 1, without_strap=(0,), plan=(EASY, EASY), config='timezone = "UTC"\n')
    day = MONDAY.date().isoformat()
    logged = CliRunner().invoke(
        cli, ["log", "rpe", "4", "--folder", str(tmp_path), "--date", day, "--as-of", day]
    )
    assert logged.exit_code == 0, logged.output
    report = _json(tmp_path, 1)
    first, second = report["activities"]
    assert (first["load_source"], round(first["load"])) == ("srpe", 180)
    assert second["load_source"] == "pace"
