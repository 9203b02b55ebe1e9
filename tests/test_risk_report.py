"""Risk in the outputs: advice, JSON, CSV, table and chart, and the whole analysis on files."""

from __future__ import annotations

import json
import math
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from drawn import bars
from factories import gpx, timeline_frame
from matplotlib.colors import to_rgba
from matplotlib.patches import Polygon, Rectangle

from loadwatch.analysis import analyze
from loadwatch.cli import cli
from loadwatch.metrics.advice import RED_FLAGS, advise
from loadwatch.metrics.risk import RiskSettings, add_spikes, risk_weeks
from loadwatch.metrics.weekly import weekly
from loadwatch.render.charts import RISK_STYLES, weekly_risk_figure
from loadwatch.render.data import to_json, week_records
from loadwatch.render.table import render_table

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def weeks_of(
    rows: list[dict[str, Any]], threshold: float = 0.10, **settings: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline with spikes and the weekly frame with risk columns."""
    frame = add_spikes(timeline_frame(rows))
    weeks = weekly(frame, threshold=threshold)
    return frame, risk_weeks(weeks, frame, settings=RiskSettings(**settings))


def on(offset: int, clock: str = "07:00") -> str:
    return f"{(MONDAY + timedelta(days=offset)).date().isoformat()} {clock}"


# --- advice ---------------------------------------------------------------------------------


def test_distance_advice_caps_next_week_at_ten_percent() -> None:
    """20 km after 16 km (+25%): next week at most 22.0 km; red flags always last."""
    # 12 + 4 km, then 10 + 10 km: no single run longer than the 12 km before it.
    kms = {0: 12.0, 2: 4.0, 7: 10.0, 9: 10.0}
    frame, weeks = weeks_of([{"start": on(d), "distance_km": km} for d, km in kms.items()])
    advice = advise(weeks, frame)
    assert advice[0] == (
        "Distance rose +25% to 20.0 km. Next week, stay at or below 22.0 km (this week +10%)."
    )
    assert advice[-1] == RED_FLAGS
    assert "8 at the most" in RED_FLAGS and "calf or foot" in RED_FLAGS
    miles = advise(weeks, frame, units="mi")
    assert "12.4 mi" in miles[0] and "13.7 mi" in miles[0]


def test_spike_advice_names_the_run_and_the_safe_length() -> None:
    """A 15 km run after a 10 km longest: ratio 1.50, keep single runs to 11.0 km."""
    # The 5 km run of day 20 keeps day 30's from coming back from a break.
    kms = {0: 10.0, 20: 5.0, 30: 15.0}
    frame, weeks = weeks_of([{"start": on(d), "distance_km": km} for d, km in kms.items()])
    text = next(a for a in advise(weeks, frame) if a.startswith("Your 15.0 km run"))
    assert "on Wed 1 Jul" in text
    assert "1.50 × the longest run of the 30 days before it (10.0 km)" in text
    assert "a moderate spike" in text
    assert "Keep single runs to 11.0 km or less" in text


def test_acwr_and_distance_advice_agree_on_one_cap() -> None:
    """After 10, 10, 10 km, 20 km: +100% and ACWR 2.0; one cap, 1.3 x 13.33 = 17.3 km."""
    # A 10 km run a week, then two: no single run longer than before.
    rows = [{"start": on(d), "distance_km": 10.0} for d in (0, 7, 14, 21, 23)]
    frame, weeks = weeks_of(rows)
    advice = advise(weeks, frame)
    assert "Next week, stay at or below 17.3 km (1.3 × the mean of the last 3 weeks" in advice[0]
    acwr = next(a for a in advice if a.startswith("This week's load was 2.00"))
    assert "Next week's distance budget keeps the ratio at or below 1.3" in acwr


def test_acwr_advice_alone_gives_its_own_cap() -> None:
    """ACWR flagged without a distance flag (threshold 2.0): its cap sets next week's budget;
    on the duration basis, its own cap in hours."""
    rows = [{"start": on(7 * k), "distance_km": km} for k, km in enumerate([10, 10, 10, 16.0])]
    frame, weeks = weeks_of(rows, threshold=2.0)
    advice = advise(weeks, frame, threshold=2.0)
    acwr = next(a for a in advice if a.startswith("This week's load was 1.60"))
    assert "distance budget keeps the ratio at or below 1.3" in acwr
    budget = next(a for a in advice if a.startswith("Next week:"))
    assert "up to 15.6 km (1.3 × the mean of the last 3 weeks" in budget  # 1.3 x 36 / 3
    rows = [
        {"start": on(7 * k), "distance_km": 10.0, "duration_s": s}
        for k, s in enumerate([3600.0, 3600.0, 3600.0, 7200.0])
    ]
    frame, weeks = weeks_of(rows, threshold=2.0, load="duration")
    advice = advise(weeks, frame, threshold=2.0, settings=RiskSettings(load="duration"))
    acwr = next(a for a in advice if a.startswith("This week's load was 2.00"))
    assert "keep next week's load at or below 1.7 h" in acwr  # 1.3 x (1 + 1 + 2) / 3


def test_monotony_and_strength_advice() -> None:
    """Seven identical days: monotony unbounded; one strength session: 2-3 a week."""
    rows: list[dict[str, Any]] = [{"start": on(k), "distance_km": 5.0} for k in range(7)]
    rows.append({"start": on(2, "19:00"), "distance_km": 0.0, "sport": "strength"})
    frame, weeks = weeks_of(rows)
    advice = advise(weeks, frame)
    assert any("monotony unbounded: every day carried the same load" in a for a in advice)
    assert any(a.startswith("1 strength session this week") for a in advice)
    assert any("mix in trail or track" in a for a in advice)


def test_quiet_week_advice() -> None:
    """No flag and no note: one line of encouragement, then the red flags."""
    frame, weeks = weeks_of([{"start": on(0), "distance_km": 5.0, "surface": "trail"}])
    assert advise(weeks, frame) == [
        "No flags this week: keep building gradually. Next week: up to 5.5 km (this week +10%),"
        " at most 1 run (this week +10%, rounded down), single runs up to 5.5 km (the longest"
        " run of the last 30 days +10%).",
        RED_FLAGS,
    ]


# --- JSON and table -------------------------------------------------------------------------


def test_unbounded_monotony_is_null_in_json_with_its_flag() -> None:
    """JSON has no Infinity: monotony and strain are null, and the monotony flag says why."""
    _, weeks = weeks_of([{"start": on(k), "distance_km": 5.0} for k in range(7)])
    record = week_records(weeks)[0]
    assert record["monotony"] is None and record["strain"] is None
    assert "monotony" in record["flags"]
    assert record["risk"] == "elevated"
    json.dumps(record, allow_nan=False)


def _export(folder: Path) -> Path:
    """Four 30-45 min GPX runs in a Strava-like zip with activities.csv, and a shoe limit."""
    folder.mkdir()
    runs = [(0, 30), (10, 30), (20, 30), (30, 45)]
    lines = ["Activity ID,Activity Type,Activity Gear,Filename"]
    with zipfile.ZipFile(folder / "export.zip", "w") as archive:
        for n, (offset, minutes) in enumerate(runs):
            start = MONDAY + timedelta(days=offset)
            archive.writestr(f"activities/{n}.gpx", gpx(start, minutes=minutes, step_s=10))
            lines.append(f"{n},Run,Pegasus,activities/{n}.gpx")
        archive.writestr("activities.csv", "\n".join(lines) + "\n")
    (folder / "loadwatch.toml").write_text(
        'timezone = "UTC"\n[[shoes]]\nname = "pegasus"\nlimit_km = 15\n'
    )
    return folder


def test_analysis_of_files_gives_every_risk_field(tmp_path: Path) -> None:
    """Spike, ACWR, load, gear and shoes come out of a real folder, checked by hand."""
    result = analyze(_export(tmp_path / "runs"), config=None)
    data = json.loads(to_json(result))
    activities = data["activities"]
    assert [a["gear"] for a in activities] == ["Pegasus"] * 4
    assert [a["spike"] for a in activities] == [None, None, None, "moderate"]
    assert activities[3]["spike_ratio"] == pytest.approx(1.5, abs=0.01)
    assert activities[3]["load_source"] == "heart_rate"
    assert activities[3]["load"] == pytest.approx(activities[0]["load"] * 1.5, rel=0.01)
    weeks = data["weeks"]
    assert [w["runs"] for w in weeks] == [1, 1, 1, 0, 1]
    last = weeks[-1]
    assert last["max_spike"] == "moderate" and "session_spike" in last["flags"]
    assert last["acwr"] == pytest.approx(1.5 * 3 / 2, abs=0.02)  # 8.1 / mean(5.4, 5.4, 0)
    assert "acwr" in last["flags"] and last["risk"] == "elevated"
    assert last["risk_reasons"] == ["session_spike:moderate", "acwr"]
    assert [("shoe_wear" in w["notes"]) for w in weeks] == [False, False, True, False, True]
    assert last["advice"][-1] == RED_FLAGS
    assert all(w["advice"] == [] for w in weeks[:-1])
    assert data["shoes"][0]["name"] == "Pegasus" and data["shoes"][0]["worn"] is True
    assert data["shoes"][0]["limit_km"] == 15.0
    assert data["risk_settings"]["load_basis"] == "distance"


def test_table_shows_risk_marks_and_the_newest_week(tmp_path: Path) -> None:
    """elev, SPIKE and ACWR marks, the newest week's advice, and no line past 80 columns."""
    result = analyze(_export(tmp_path / "runs"))
    table = render_table(result)
    newest = next(line for line in table.splitlines() if line.startswith("2026-06-29"))
    assert "elev" in newest and "SPIKE" in newest
    flat = " ".join(table.split())
    assert "of 29 Jun 2026: 1 run, 8.1 km in" in flat  # the answer, first
    assert "elevated risk, from a moderate single-run spike and the" in flat
    assert "- Keep single runs" not in table  # advice lines start with their subject
    assert any(line.startswith("- Your 8.1 km run on Wed 1 Jul") for line in table.splitlines())
    assert max(len(line) for line in table.splitlines()) <= 80


# --- chart ----------------------------------------------------------------------------------


def test_chart_colours_by_risk_and_adds_an_acwr_panel() -> None:
    """Five panels; bars coloured by risk level; the ACWR panel labelled disputed, with the flag
    limit and Gabbett's coupled 0.8-1.3 band where it falls on the uncoupled ratio (0.75-1.44);
    spike runs marked."""
    kms = [10, 10, 10, 10, 10, 21.0]  # the last, on day 35, is 2.1 x the 30-day longest
    rows = [{"start": on(7 * k), "distance_km": km} for k, km in enumerate(kms)]
    _, weeks = weeks_of(rows, acwr_limit=2.2)
    assert list(weeks["risk"]) == ["low"] * 5 + ["high"]
    fig = weekly_risk_figure(weeks)
    assert len(fig.axes) == 5
    for bar, level in zip(bars(fig.axes[0]), weeks["risk"], strict=True):
        assert bar.facecolor == pytest.approx(to_rgba(RISK_STYLES[level][0]))
        assert bar.hatch == RISK_STYLES[level][1]
    markers = [line for line in fig.axes[0].get_lines() if line.get_marker() == "^"]
    assert len(markers) == int(weeks["spike_runs"].map(len).sum()) == 1
    acwr = fig.axes[1]
    assert acwr.get_ylabel() == "ACWR (disputed)"
    spans = []
    for patch in acwr.patches:  # axhspan is a Rectangle (matplotlib >= 3.9) or a Polygon
        if isinstance(patch, Rectangle):
            spans.append((patch.get_y(), patch.get_y() + patch.get_height()))
        elif isinstance(patch, Polygon):
            ys = patch.get_xy()[:, 1]
            spans.append((float(ys.min()), float(ys.max())))
    assert spans == [pytest.approx((0.75, 3 * 1.3 / (4 - 1.3)))]
    limits = [np.asarray(line.get_ydata()).tolist() for line in acwr.get_lines()]
    assert [2.2, 2.2] in limits
    assert "overuse risk" in fig.get_suptitle().replace("\n", " ")


def test_chart_without_risk_columns_is_unchanged() -> None:
    """A weekly frame without risk columns still gives the four-panel 10%-rule chart."""
    rows = [{"start": on(7 * k), "distance_km": 10.0} for k in range(3)]
    fig = weekly_risk_figure(weekly(timeline_frame(rows)))
    assert len(fig.axes) == 4
    assert math.isfinite(fig.get_figheight())


# --- options --------------------------------------------------------------------------------


def test_cli_load_and_acwr_limit(tmp_path: Path) -> None:
    """--load and --acwr-limit reach the analysis; bad values name the option."""
    folder = _export(tmp_path / "runs")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "analyze",
            str(folder),
            "--format",
            "json",
            "--no-cache",
            "-q",
            "--load",
            "duration",
            "--acwr-limit",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["risk_settings"]["load_basis"] == "duration"
    assert data["risk_settings"]["acwr_limit"] == 3.0
    assert "acwr" not in data["weeks"][-1]["flags"]  # 2.25 is under 3
    bad = runner.invoke(cli, ["analyze", str(folder), "--no-cache", "--acwr-limit", "0.9"])
    assert bad.exit_code == 2  # a bad option value is a usage error
    assert "'--acwr-limit': it must be a ratio above 1" in bad.stderr
    wrong = runner.invoke(cli, ["analyze", str(folder), "--no-cache", "--load", "pace"])
    assert wrong.exit_code == 2 and "--load" in wrong.stderr


def test_analyze_load_option_overrides_the_config(tmp_path: Path) -> None:
    """analyze(load=...) wins over [risk] load in the folder's config."""
    folder = _export(tmp_path / "runs")
    with (folder / "loadwatch.toml").open("a") as handle:
        handle.write('[risk]\nload = "trimp"\nstrength_target = 3\n')
    assert analyze(folder).risk == RiskSettings(load="trimp", strength_target=3)
    assert analyze(folder, load="distance").risk.load == "distance"


def test_the_distance_budget_stays_within_its_runs_of_its_longest_run() -> None:
    """One 20 km run after one of 16 km: 1 run of at most 17.6 km, so at most 17.6 km, not
    the 22.0 km the 10% rule alone would allow; the sentences say the same figure."""
    frame, weeks = weeks_of(
        [{"start": on(0), "distance_km": 16.0}, {"start": on(7), "distance_km": 20.0}]
    )
    advice = advise(weeks, frame)
    assert advice[0] == (
        "Distance rose +25% to 20.0 km. Next week, stay at or below 17.6 km (the runs allowed "
        "× the longest run allowed)."
    )
    budget = next(a for a in advice if "Next week:" in a)
    assert "at most 1 run" in budget and "single runs up to 17.6 km" in budget
