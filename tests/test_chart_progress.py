"""The weekly chart as of a day: the week in progress, a stale folder, legends that list only
what is drawn, the ACWR panel's disputed label and clipped axis, and flags in the elevated colour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from drawn import bars
from factories import gpx
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import loadwatch.render.charts as charts
from loadwatch import analyze
from loadwatch.model import Analysis
from loadwatch.nightly.runner import run
from loadwatch.render.charts import RISK_STYLES, weekly_risk_figure
from loadwatch.render.charts._progress import lighter
from loadwatch.render.charts._style import LOOKS

#: A Monday, 07:00 UTC (Europe/Berlin: 09:00).
MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
#: Metres per second of the test runs.
SPEED = 3.0


def _run_file(folder: Path, start: datetime, km: float) -> None:
    path = folder / f"{start:%Y-%m-%d-%H%M}.gpx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gpx(start, minutes=round(km * 1000 / SPEED / 60), speed=SPEED, step_s=30))


def _steady(folder: Path, weeks: int = 4, km: float = 8.0) -> None:
    """``weeks`` weeks of four ``km`` runs (Monday, Wednesday, Friday, Sunday) from 1 June."""
    for week in range(weeks):
        for day in (0, 2, 4, 6):
            _run_file(folder, MONDAY + timedelta(weeks=week, days=day), km)


def _analysis(folder: Path, as_of: str) -> Analysis:
    return analyze(folder, timezone="Europe/Berlin", as_of=as_of, jobs=1)


def _labels(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]


def _outlines(ax: Axes) -> list[Rectangle]:
    """The unfilled rectangles of a panel: the week in progress's outline and its room."""
    return [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]


def _panel_texts(ax: Axes) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_the_week_in_progress_is_drawn_as_so_far(tmp_path: Path) -> None:
    """On a Wednesday with two runs done, the newest distance and runs bars are lighter and
    outlined, with the room up to the cap dashed above them and "so far" over them; its ACWR
    is an open circle off the finished weeks' line; the title ends on the analysis day."""
    folder = tmp_path / "watch"
    _steady(folder)
    for day in (0, 2):
        _run_file(folder, MONDAY + timedelta(weeks=4, days=day), 8.0)
    analysis = _analysis(folder, "2026-07-01")
    weeks = analysis.weeks
    assert not weeks["complete"].iloc[-1] and weeks["complete"].iloc[:-1].all()
    fig = weekly_risk_figure(weeks)
    distance, runs = fig.axes[0], fig.axes[2]

    drawn = bars(distance)
    finished = to_rgba(RISK_STYLES[str(weeks["risk"].iloc[0])][0])
    newest_level = str(weeks["risk"].iloc[-1])
    assert all(bar.facecolor == pytest.approx(finished) for bar in drawn[:-1])
    assert drawn[-1].facecolor == pytest.approx(to_rgba(lighter(RISK_STYLES[newest_level][0])))
    so_far_km = float(weeks["distance_km"].iloc[-1])
    room_km = float(weeks["remaining_km"].iloc[-1])
    assert room_km > 0
    outline, room = _outlines(distance)
    assert (outline.get_y(), outline.get_height()) == pytest.approx((0.0, so_far_km))
    assert (room.get_y(), room.get_height()) == pytest.approx((so_far_km, room_km))
    assert room.get_y() + room.get_height() == pytest.approx(weeks["distance_cap_km"].iloc[-1])
    assert any(text.endswith("so far") for text in _panel_texts(distance))
    assert "this week so far" in _labels(distance)
    assert f"room left this week ({room_km:.1f} km)" in _labels(distance)

    assert [bar.height for bar in bars(runs)] == [4, 4, 4, 4, 2]
    outline, room = _outlines(runs)
    assert (room.get_y(), room.get_height()) == pytest.approx((2.0, 2.0))  # 4 runs allowed
    assert _panel_texts(runs) == ["so far"]
    assert "room left this week (2 more runs)" in _labels(runs)
    assert fig.get_suptitle().endswith("1 Jun 2026 – 1 Jul 2026")

    acwr = fig.axes[1]
    newest = float(weeks["acwr"].iloc[-1])
    dots = [line for line in acwr.get_lines() if line.get_marker() == "o"]
    finished = [np.asarray(d.get_ydata(), dtype=float) for d in dots if len(d.get_ydata()) == 5]
    open_circles = [list(d.get_ydata()) for d in dots if d.get_markerfacecolor() == "white"]
    assert len(finished) == 1 and np.isnan(finished[0][-1])  # the line stops before it
    assert open_circles == [[pytest.approx(newest)]]
    assert "this week so far" in _labels(acwr)


def test_a_week_in_progress_past_its_cap_has_no_room_drawn(tmp_path: Path) -> None:
    """Already past the cap by Wednesday: still "so far" and lighter, but no room to outline."""
    folder = tmp_path / "watch"
    _steady(folder)
    for day in (0, 1, 2):
        _run_file(folder, MONDAY + timedelta(weeks=4, days=day), 12.0)
    weeks = _analysis(folder, "2026-07-01").weeks
    assert weeks["remaining_km"].iloc[-1] == 0
    fig = weekly_risk_figure(weeks, units="mi")
    distance = fig.axes[0]
    assert len(_outlines(distance)) == 1  # the bar's outline alone
    assert not any(label.startswith("room left") for label in _labels(distance))
    # The distance flag it already earned (and its spike: a 12 km run on a short history).
    assert _panel_texts(distance) == ["D\nS\nso far"]
    assert "this week so far" in _labels(distance)


def test_a_finished_week_is_drawn_as_before(tmp_path: Path) -> None:
    """On the last day of the week it is over: no outline, no "so far", no room."""
    folder = tmp_path / "watch"
    _steady(folder)
    fig = weekly_risk_figure(_analysis(folder, "2026-06-28").weeks)
    for ax in fig.axes:
        assert not _outlines(ax)
        assert "so far" not in " ".join(_panel_texts(ax))
        legend = ax.get_legend()
        labels = [t.get_text() for t in legend.get_texts()] if legend is not None else []
        assert "this week so far" not in labels
    assert fig.get_suptitle().endswith("1 Jun 2026 – 28 Jun 2026")


def test_legends_list_only_what_is_drawn_in_a_quiet_history(tmp_path: Path) -> None:
    """Steady weeks, nothing flagged: no "elevated risk", "high risk", ACWR, frequency or
    intensity flag in the legends; the ACWR panel is still labelled disputed."""
    folder = tmp_path / "watch"
    _steady(folder, weeks=6)
    fig = weekly_risk_figure(_analysis(folder, "2026-07-12").weeks)
    distance, acwr, runs, intensity = fig.axes[:4]
    assert _labels(distance)[0] == "low risk"
    assert not {"elevated risk", "high risk"} & set(_labels(distance))
    assert not any("flag (" in label for label in _labels(acwr))
    assert "frequency flag" not in _labels(runs)
    assert "intensity flag" not in _labels(intensity)
    assert acwr.get_ylabel() == "ACWR (disputed)"
    assert any(label.startswith("coupled 0.8–1.3 band") for label in _labels(acwr))


def test_legends_list_the_high_week_and_the_acwr_flag_when_drawn(tmp_path: Path) -> None:
    """A quiet week, then a 16 km run after weeks of 5 km runs: a high week (a large spike) with
    an ACWR flag and a frequency flag, all in the legends; the flags in the flag's own look,
    neither the elevated nor the high level's."""
    folder = tmp_path / "watch"
    _steady(folder, weeks=6, km=5.0)
    _run_file(folder, MONDAY + timedelta(weeks=6, days=1), 5.0)
    for day, km in ((0, 5.0), (2, 5.0), (4, 16.0)):
        _run_file(folder, MONDAY + timedelta(weeks=7, days=day), km)
    weeks = _analysis(folder, "2026-07-26").weeks
    assert weeks["risk"].iloc[-1] == "high" and "acwr" in weeks["flags"].iloc[-1]
    fig = weekly_risk_figure(weeks)
    distance, acwr, runs = fig.axes[:3]
    assert {"low risk", "high risk"} <= set(_labels(distance))
    assert "elevated risk" not in _labels(distance)
    assert "acwr flag (disputed)" in _labels(acwr)
    assert "frequency flag" in _labels(runs)
    flag = LOOKS["rule_flag"]
    newest = bars(runs)[-1]
    assert newest.facecolor == pytest.approx(to_rgba(flag.colour))
    assert newest.hatch == flag.hatch
    assert (flag.colour, flag.hatch) not in RISK_STYLES.values()
    diamonds = [line for line in acwr.get_lines() if line.get_marker() == "D"]
    assert [to_rgba(line.get_color()) for line in diamonds] == [to_rgba(flag.colour)]


def test_one_acwr_spike_does_not_squash_the_band() -> None:
    """An ACWR of 6 after a quiet month: the axis stops at 1.6 x the limit, the value is
    written at the top, and the legend says values above the scale are written."""
    index = pd.date_range("2026-06-01", periods=6, freq="W-MON", name="week_start")
    weeks = pd.DataFrame(
        {
            "runs": [3, 3, 3, 3, 1, 4],
            "distance_km": [20.0, 20.0, 20.0, 20.0, 2.0, 40.0],
            "risk": ["low"] * 5 + ["elevated"],
            "acwr": [np.nan, np.nan, np.nan, 1.0, 0.1, 6.0],
            "acwr_ewma": [np.nan, np.nan, np.nan, 1.0, 0.2, 2.0],
            "flags": [(), (), (), (), (), ("distance", "acwr")],
        },
        index=index,
    )
    acwr = weekly_risk_figure(weeks).axes[1]
    assert acwr.get_ylim() == pytest.approx((0.0, 2.4))
    assert "6.0" in _panel_texts(acwr)
    assert "off the scale (value written)" in _labels(acwr)
    calm = [np.nan, np.nan, np.nan, 1.0, 0.1, 1.2]
    quiet = weekly_risk_figure(weeks.assign(acwr=calm, acwr_ewma=calm))
    assert quiet.axes[1].get_ylim()[1] == pytest.approx(1.5 * 1.15)
    assert not _panel_texts(quiet.axes[1])
    assert "off the scale (value written)" not in _labels(quiet.axes[1])


def test_a_stale_folder_says_so_under_the_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three weeks without a run: the chart written by a run says "No new activity since" the
    last run's day under its title; a current folder's chart has no such line."""
    folder = tmp_path / "watch"
    _steady(folder, weeks=3)
    drawn: list[Figure] = []
    real = charts.write_charts

    def capture(weeks: pd.DataFrame, out_dir: Path, **kwargs: Any) -> list[Path]:
        keep = {k: v for k, v in kwargs.items() if k not in ("basename",)}
        drawn.append(weekly_risk_figure(weeks, **keep))
        return real(weeks, out_dir, **kwargs)

    monkeypatch.setattr(charts, "write_charts", capture)
    as_of = date(2026, 6, 21) + timedelta(days=21)
    run(folder, out=tmp_path / "stale", timezone="Europe/Berlin", as_of=as_of, cache=False)
    run(folder, out=tmp_path / "now", timezone="Europe/Berlin", as_of="2026-06-21", cache=False)
    stale, current = ([t.get_text().replace("\n", " ") for t in fig.texts] for fig in drawn)
    assert (tmp_path / "stale" / "weekly-risk.png").is_file()
    assert any(
        text.startswith("No new activity since 21 Jun 2026: the newest week shown is not this")
        for text in stale
    )
    assert not any("No new activity" in text for text in current)


def test_a_hand_made_table_without_the_room_gets_it_from_the_rule() -> None:
    """A weekly table with ``complete`` but no ``remaining_*``: the room is what is left below
    the previous week + 10% (22 km and 3 runs after 20 km in 3 runs)."""
    index = pd.date_range("2026-06-01", periods=2, freq="W-MON", name="week_start")
    weeks = pd.DataFrame(
        {"runs": [3, 1], "distance_km": [20.0, 8.0], "complete": [True, False]}, index=index
    )
    fig = weekly_risk_figure(weeks)
    (_, room), (_, runs_room) = _outlines(fig.axes[0]), _outlines(fig.axes[1])
    assert (room.get_y(), room.get_height()) == pytest.approx((8.0, 14.0))
    assert (runs_room.get_y(), runs_room.get_height()) == pytest.approx((1.0, 2.0))
    assert fig.get_suptitle().endswith("1 Jun 2026 – 14 Jun 2026")  # days unknown: the week
    whole = weekly_risk_figure(weeks.assign(complete=[True, None]))
    assert not _outlines(whole.axes[0])
