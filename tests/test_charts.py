"""Tests for the weekly risk chart: content of the figure and atomic, repeatable files."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from drawn import bars
from factories import timeline_frame
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.metrics.body import BodyDays
from loadwatch.metrics.risk import add_spikes, risk_weeks
from loadwatch.metrics.weekly import weekly
from loadwatch.render.charts import (
    FLAG_COLOR,
    KM_PER_MILE,
    NORMAL_COLOR,
    weekly_risk_figure,
    write_charts,
)
from loadwatch.vocab import WeekStart

SURFACE_NAMES = ("road", "trail", "track", "treadmill", "unknown")


def make_weeks(n: int, *, start: str = "2024-01-01", seed: int = 7) -> pd.DataFrame:
    """A weekly frame shaped like loadwatch's weekly metrics, with flags, rest weeks and NaNs.

    Flags are derived from the numbers with the 10% rule, so they agree with what is drawn.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=n, freq="W-MON", name="week_start")
    runs = rng.integers(2, 6, size=n)
    runs[4::9] = 0  # a rest week now and then
    distance = np.where(runs > 0, runs * rng.uniform(6.0, 11.0, size=n), 0.0)
    intensity = np.where(runs > 0, rng.uniform(0.7, 1.08, size=n), np.nan)
    intensity[2::11] = np.nan  # weeks whose intensity is unknown
    shares = rng.dirichlet(np.ones(len(SURFACE_NAMES)), size=n)
    frame = pd.DataFrame(
        {
            "runs": runs,
            "distance_km": distance,
            "duration_s": distance * 330.0,
            "moving_s": distance * 320.0,
            "intensity": intensity,
            "hard_minutes": runs * 8.0,
            "elev_gain_m": distance * 9.0,
        },
        index=index,
    )
    for k, name in enumerate(SURFACE_NAMES):
        frame[f"surface_km_{name}"] = distance * shares[:, k]
    previous = frame[["runs", "distance_km", "intensity"]].shift(1)
    had_runs = previous["runs"] > 0
    for column, change in (
        ("distance_km", "distance_change"),
        ("runs", "runs_change"),
        ("intensity", "intensity_change"),
    ):
        frame[change] = (frame[column] / previous[column] - 1).where(had_runs)
    frame["distance_cap_km"] = (previous["distance_km"] * 1.10).where(had_runs)
    over = {
        name: (frame[change] > 0.10).to_numpy()
        for name, change in (
            ("distance", "distance_change"),
            ("intensity", "intensity_change"),
            ("frequency", "runs_change"),
        )
    }
    frame["flags"] = [tuple(name for name, week in over.items() if week[i]) for i in range(n)]
    frame["notes"] = [("hard_surface",) if road > 0.5 else () for road in shares[:, 0]]
    return frame


def bar_heights(fig: Figure) -> list[float]:
    """Heights of the weekly distance bars, in plotting order."""
    return [bar.height for bar in bars(fig.axes[0])]


def test_figure_has_four_panels() -> None:
    """A 16-week history draws four stacked axes and one distance bar per week."""
    fig = weekly_risk_figure(make_weeks(16))
    assert len(fig.axes) == 4
    assert len(bar_heights(fig)) == 16


def test_flagged_bars_have_highlight_colour() -> None:
    """Bars of flagged weeks carry the highlight colour and hatch; the others do not."""
    weeks = make_weeks(16)
    flagged = [bool(f) for f in weeks["flags"]]
    assert any(flagged) and not all(flagged)
    fig = weekly_risk_figure(weeks)
    for bar, is_flagged in zip(bars(fig.axes[0]), flagged, strict=True):
        expected = FLAG_COLOR if is_flagged else NORMAL_COLOR
        assert bar.facecolor == pytest.approx(to_rgba(expected))
        assert bool(bar.hatch) == is_flagged


def test_frequency_flags_highlight_runs_panel() -> None:
    """In the runs panel only frequency-flagged weeks are highlighted."""
    weeks = make_weeks(16)
    marked = ["frequency" in f for f in weeks["flags"]]
    fig = weekly_risk_figure(weeks)
    colours = [bar.facecolor for bar in bars(fig.axes[1])]
    assert colours == [to_rgba(FLAG_COLOR if m else NORMAL_COLOR) for m in marked]


def test_unknown_flags_drawn_generically() -> None:
    """Flags this version does not know highlight the week and get a letter in the legend."""
    weeks = make_weeks(6)
    weeks["flags"] = [(), ("session_spike",), ("acwr", "distance"), (), (), ()]
    fig = weekly_risk_figure(weeks)
    assert bars(fig.axes[0])[1].facecolor == pytest.approx(to_rgba(FLAG_COLOR))
    legend = fig.axes[0].get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert any("session spike" in label for label in labels)
    assert any("acwr" in label.lower() for label in labels)


def test_miles_change_bar_heights() -> None:
    """With units="mi" the bars are the kilometre distances divided by 1.609344."""
    weeks = make_weeks(16)
    km = bar_heights(weekly_risk_figure(weeks))
    mi = bar_heights(weekly_risk_figure(weeks, units="mi"))
    assert mi == pytest.approx([h / KM_PER_MILE for h in km])
    assert km == pytest.approx(list(weeks["distance_km"]))
    assert weekly_risk_figure(weeks, units="mi").axes[0].get_ylabel() == "Distance (mi)"


def cap_levels(fig: Figure) -> dict[int, float]:
    """Week position -> height of the previous-week cap drawn in the distance panel."""
    levels: dict[int, float] = {}
    for collection in fig.axes[0].collections:
        for segment in collection.get_segments():  # type: ignore[attr-defined]
            (x0, y), (x1, _) = segment
            levels[round((x0 + x1) / 2)] = float(y)
    return levels


def test_previous_week_cap() -> None:
    """Caps sit at previous distance x 1.1 after weeks with runs, from the column or computed."""
    weeks = make_weeks(16)
    expected = {
        i: weeks["distance_km"].iloc[i - 1] * 1.10
        for i in range(1, 16)
        if weeks["runs"].iloc[i - 1] > 0
    }
    given = cap_levels(weekly_risk_figure(weeks))
    computed = cap_levels(weekly_risk_figure(weeks.drop(columns="distance_cap_km")))
    assert given.keys() == computed.keys() == expected.keys()
    for i, level in expected.items():
        assert given[i] == pytest.approx(level) and computed[i] == pytest.approx(level)


def test_intensity_threshold_line() -> None:
    """The intensity panel has a dashed reference at 1.0 named "threshold" in its legend."""
    fig = weekly_risk_figure(make_weeks(16))
    ax = fig.axes[2]
    assert any(np.asarray(line.get_ydata()).tolist() == [1.0, 1.0] for line in ax.get_lines())
    legend = ax.get_legend()
    assert legend is not None
    assert any("threshold" in t.get_text() for t in legend.get_texts())


def test_surface_shares_stack_to_one() -> None:
    """Surface shares of weeks with runs stack to 100%; rest weeks have no surface bar."""
    weeks = make_weeks(16)
    fig = weekly_risk_figure(weeks)
    tops = np.zeros(len(weeks))
    for bar in bars(fig.axes[3]):
        i = round(bar.x)
        tops[i] = max(tops[i], bar.bottom + bar.height)
    has_runs = weeks["runs"].to_numpy() > 0
    assert tops[has_runs] == pytest.approx(1.0)
    assert not tops[~has_runs].any()


def test_zero_weeks_gives_message_figure() -> None:
    """An empty history gives a figure that says there is nothing to chart."""
    fig = weekly_risk_figure(make_weeks(0))
    assert not fig.axes
    assert "No runs to chart" in [t.get_text() for t in fig.texts]


def test_weeks_without_runs_give_message_figure() -> None:
    """Weeks that hold no run at all also give the message figure."""
    weeks = make_weeks(3)
    weeks["runs"] = 0
    fig = weekly_risk_figure(weeks)
    assert "No runs to chart" in [t.get_text() for t in fig.texts]


def test_one_week() -> None:
    """A single week draws one bar and no previous-week cap."""
    fig = weekly_risk_figure(make_weeks(1))
    assert len(fig.axes) == 4
    assert len(bar_heights(fig)) == 1
    assert not fig.axes[0].collections


def test_all_intensity_unknown() -> None:
    """Weeks whose intensity is all NaN still chart, and say there is no intensity data."""
    weeks = make_weeks(8)
    weeks["intensity"] = math.nan
    fig = weekly_risk_figure(weeks)
    assert "no intensity data" in [t.get_text() for t in fig.axes[2].texts]


def test_long_history_thins_tick_labels() -> None:
    """Two years of weeks: the strip over them gets a few month labels, not 104 week labels,
    and the figure keeps the width of a short history's."""
    fig = weekly_risk_figure(make_weeks(104))
    labels = [t.get_text() for t in fig.axes[-1].get_xticklabels() if t.get_text()]
    assert 3 <= len(labels) <= 12
    assert fig.get_figwidth() == weekly_risk_figure(make_weeks(16)).get_figwidth()


def test_default_title_has_rule_and_dates() -> None:
    """The default title names the rule and the first and last day charted."""
    fig = weekly_risk_figure(make_weeks(16))
    title = fig.get_suptitle()
    assert title.startswith("Weekly training load and 10% rule flags")
    assert "1 Jan 2024" in title and "21 Apr 2024" in title


def test_bad_units_and_threshold_raise_config_error() -> None:
    """Unknown units or a negative threshold raise ConfigError."""
    with pytest.raises(ConfigError, match="units"):
        weekly_risk_figure(make_weeks(4), units="furlongs")
    with pytest.raises(ConfigError, match="threshold"):
        weekly_risk_figure(make_weeks(4), threshold=-0.1)


def test_missing_columns_raise_loadwatch_error() -> None:
    """A table without runs or distance_km raises LoadwatchError naming the column."""
    with pytest.raises(LoadwatchError, match="distance_km"):
        weekly_risk_figure(make_weeks(4).drop(columns="distance_km"))


@pytest.mark.parametrize("n", [0, 1, 16, 104])
def test_write_charts_writes_png_and_svg(tmp_path: Path, n: int) -> None:
    """write_charts creates the folder and writes a PNG and an SVG that parses as XML."""
    out = tmp_path / "charts" / "nested"
    paths = write_charts(make_weeks(n), out, title="Training of Sam")
    assert paths == [out / "weekly-risk.png", out / "weekly-risk.svg"]
    png, svg = (p.read_bytes() for p in paths)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Training of Sam" in svg.decode("utf-8")


def with_risk_columns(weeks: pd.DataFrame) -> pd.DataFrame:
    """The weeks with the risk layers: levels, ACWR, spike runs and the long-named flags."""
    n = len(weeks)
    risky = weeks.copy()
    risky["risk"] = [("low", "elevated", "high")[i % 3] for i in range(n)]
    risky["acwr"] = np.linspace(0.6, 1.9, n)
    risky["acwr_ewma"] = np.linspace(0.7, 1.7, n)
    spikes: list[tuple[tuple[int, float, str], ...]] = [
        ((i % 7, 12.0, "large"),) if i % 5 == 4 else () for i in range(n)
    ]
    risky["spike_runs"] = pd.Series(spikes, index=risky.index, dtype=object)
    risky["flags"] = [
        (*flags, "session_spike", "monotony", "acwr") if i % 5 == 4 else flags
        for i, flags in enumerate(weeks["flags"])
    ]
    return risky


def drawn_ticks(axis: Any) -> list[Any]:
    """The visible tick labels of an axis that fall within its view (the others are not drawn)."""
    low, high = sorted(axis.get_view_interval())
    along = 0 if axis.axis_name == "x" else 1
    return [
        label
        for label in axis.get_ticklabels()
        if low <= label.get_position()[along] <= high and label.get_visible()
    ]


def in_progress(weeks: pd.DataFrame) -> pd.DataFrame:
    """The weeks with the newest one in progress (3 days of it), with room left to its cap."""
    n = len(weeks)
    out = weeks.copy()
    out["complete"] = [True] * (n - 1) + [False]
    out["days_elapsed"] = [7] * (n - 1) + [3]
    room = (out["distance_cap_km"] - out["distance_km"]).clip(lower=0.0).fillna(5.0)
    out["remaining_km"] = room.where(~out["complete"])
    out["remaining_runs"] = pd.Series([np.nan] * (n - 1) + [2.0], index=out.index)
    return out


def pain_days(weeks: pd.DataFrame, regions: int = 3) -> BodyDays:
    """A body log over ``weeks``: pains in ``regions`` regions, strength and check-ins."""
    index = pd.DatetimeIndex(weeks.index)
    days = index[::2] + pd.Timedelta(days=3)
    names = ["knee", "lower-back", "calf", "achilles", "hip", "foot", "shin", "thigh"][:regions]
    pain = pd.DataFrame(
        {name: [float((k + j) % 9) for j in range(len(days))] for k, name in enumerate(names)},
        index=days,
    )
    return BodyDays(
        pain=pain,
        strength_logged=pd.DatetimeIndex(index[::3] + pd.Timedelta(days=1)),
        strength_recorded=pd.DatetimeIndex(index[1::3]),
        check_ins=pd.Series(30.0, index=pd.DatetimeIndex(index + pd.Timedelta(days=6))),
    )


@pytest.mark.parametrize("n", [1, 12, 26, 27, 104, 520])
@pytest.mark.parametrize(
    ("risk", "now", "pain"),
    [(False, False, False), (True, False, False), (True, True, False), (True, True, True)],
)
def test_layout_keeps_text_inside_and_apart(n: int, risk: bool, now: bool, pain: bool) -> None:
    """Title, labels, tick labels and legends lie inside the figure, and no legend covers a panel.

    The chart has a fixed layout of its own, so this is what checks that its margins still fit
    whatever the history's length, the flags' legend words and the risk panel, and with a week
    in progress and a stale folder's line under the title (``now``), with and without the pain
    panel of a body log (``pain``: every region's legend entry).
    """
    weeks = with_risk_columns(make_weeks(n)) if risk else make_weeks(n)
    stale = None
    if now:
        weeks, stale = in_progress(weeks), date(2031, 1, 1)
    body = pain_days(weeks, regions=7) if pain else None
    fig = weekly_risk_figure(
        weeks, credit="© OpenStreetMap contributors", stale_since=stale, body=body
    )
    fig.draw_without_rendering()  # places the axis labels past their tick labels, as saving does
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    panels = [ax.get_window_extent(renderer) for ax in fig.axes]
    legends = [legend for ax in fig.axes if (legend := ax.get_legend()) is not None]
    texts = [*fig.texts]
    for ax in fig.axes:
        texts += [ax.yaxis.label, ax.xaxis.label, *drawn_ticks(ax.yaxis), *drawn_ticks(ax.xaxis)]
    for artist in [*texts, *legends]:
        if isinstance(artist, mpl.text.Text) and not artist.get_text():
            continue
        box = artist.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, artist
        assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, artist
    for legend in legends:
        assert not any(legend.get_window_extent(renderer).overlaps(p) for p in panels)
    for text in fig.texts[:2] if now else fig.texts[:1]:  # the title, the stale line
        box = text.get_window_extent(renderer)
        assert not any(box.overlaps(p) for p in panels)
    for ax, panel in zip(fig.axes, panels, strict=True):
        label = ax.yaxis.label.get_window_extent(renderer)
        ticks = [t.get_window_extent(renderer) for t in drawn_ticks(ax.yaxis) if t.get_text()]
        assert label.x1 < min(t.x0 for t in ticks) and max(t.x1 for t in ticks) < panel.x0
    lined_up = {round(ax.yaxis.label.get_window_extent(renderer).x1, 3) for ax in fig.axes}
    assert len(lined_up) == 1, "the y labels are not lined up"


def test_legend_lists_only_what_is_drawn() -> None:
    """One week has no previous-week cap, so its legend does not list one."""
    legend = weekly_risk_figure(make_weeks(1)).axes[0].get_legend()
    assert legend is not None
    assert not any("previous week" in t.get_text() for t in legend.get_texts())


def test_long_history_leaves_out_the_flag_letters() -> None:
    """Past three years shown in full the letters would not fit above their bars: bars alone mark
    the flags (the default half year keeps them)."""
    for n, shown, lettered in ((157, 26, True), (156, 156, True), (157, 157, False)):
        weeks = make_weeks(n)
        assert any(weeks["flags"])
        ax = weekly_risk_figure(weeks, detail_weeks=shown).axes[0]
        legend = ax.get_legend()
        assert legend is not None
        assert bool(ax.texts) == lettered
        assert any("rose >10%" in t.get_text() for t in legend.get_texts()) == lettered


def test_write_charts_leaves_no_temp_files(tmp_path: Path) -> None:
    """After writing, the folder holds exactly the two charts."""
    write_charts(make_weeks(16), tmp_path, basename="load")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["load.png", "load.svg"]


def test_write_charts_failure_removes_temp(tmp_path: Path) -> None:
    """When the final rename fails, the error is a LoadwatchError and no temp file is left."""
    (tmp_path / "weekly-risk.png").mkdir()  # a folder where the PNG should go
    with pytest.raises(LoadwatchError, match=r"weekly-risk\.png: cannot be written"):
        write_charts(make_weeks(8), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weekly-risk.png"]


def test_repeated_writes_give_identical_files(tmp_path: Path) -> None:
    """Writing the same weeks twice gives byte-identical SVG and PNG files."""
    weeks = make_weeks(16)
    first = [p.read_bytes() for p in write_charts(weeks, tmp_path / "a")]
    second = [p.read_bytes() for p in write_charts(weeks, tmp_path / "b")]
    assert first == second


def test_user_rc_params_do_not_change_files(tmp_path: Path) -> None:
    """Whatever the user's matplotlib settings, the files come out the same."""
    weeks = make_weeks(16)
    plain = [p.read_bytes() for p in write_charts(weeks, tmp_path / "plain")]
    hostile: dict[Any, Any] = {
        "font.size": 20,
        "axes.facecolor": "black",
        "svg.hashsalt": "x",
        "hatch.color": "red",
    }
    with mpl.rc_context(hostile):
        styled = [p.read_bytes() for p in write_charts(weeks, tmp_path / "styled")]
    assert styled == plain


def test_bad_basename_raises_config_error(tmp_path: Path) -> None:
    """A basename with a folder in it is refused."""
    with pytest.raises(ConfigError, match="basename"):
        write_charts(make_weeks(4), tmp_path, basename="../escape")


# --- the first day of the week ---------------------------------------------------------------


def spiky_weeks(week_start: WeekStart) -> pd.DataFrame:
    """loadwatch's own weekly and risk metrics of 5 km every Sunday from 3 May 2026, then a
    9 km Sunday run (a moderate spike) on 7 June and a 20 km Saturday run (large) on 13 June."""
    rows = [{"start": f"2026-05-{d:02d} 07:00", "distance_km": 5.0} for d in (3, 10, 17, 24, 31)]
    rows += [
        {"start": "2026-06-07 07:00", "distance_km": 9.0},
        {"start": "2026-06-13 07:00", "distance_km": 20.0},
    ]
    frame = add_spikes(timeline_frame(rows))
    return risk_weeks(weekly(frame, week_start=week_start), frame, week_start=week_start)


def spike_marks(fig: Figure) -> list[tuple[float, float]]:
    """(x, distance) of each spike run's mark in the distance panel."""
    return sorted(
        (float(np.asarray(line.get_xdata())[0]), float(np.asarray(line.get_ydata())[0]))
        for line in fig.axes[0].get_lines()
        if line.get_marker() == "^"
    )


def test_sunday_weeks_are_drawn_and_named_from_sunday() -> None:
    """Sunday weeks: a bar per Sunday week, ticks on Sundays, the axis names Sunday, the title
    ends on the last Saturday; a Sunday spike sits at the left of its bar, a Saturday one right."""
    weeks = spiky_weeks(WeekStart.SUNDAY)
    fig = weekly_risk_figure(weeks)  # the weeks' attrs say they start on Sunday
    drawn = bars(fig.axes[0])
    assert [bar.x for bar in drawn] == [0, 1, 2, 3, 4, 5]
    assert [bar.height for bar in drawn] == pytest.approx([5, 5, 5, 5, 5, 29])
    bottom = fig.axes[-1]
    assert bottom.get_xlabel() == "Week starting (Sunday), 2026"
    ticks = [label.get_text() for label in bottom.get_xticklabels()]
    assert ticks == ["3 May", "10 May", "17 May", "24 May", "31 May", "7 Jun"]
    assert fig.get_suptitle().endswith("3 May 2026 – 13 Jun 2026")
    assert spike_marks(fig) == [pytest.approx((5 - 0.3, 9.0)), pytest.approx((5 + 0.3, 20.0))]


def test_monday_weeks_of_the_same_runs_are_placed_from_monday() -> None:
    """The same runs in Monday weeks: the Sunday spike is the last day of its week (right of
    its bar), the Saturday spike the sixth day of the next; the axis names Monday."""
    fig = weekly_risk_figure(spiky_weeks(WeekStart.MONDAY))
    assert fig.axes[-1].get_xlabel() == "Week starting (Monday), 2026"
    assert spike_marks(fig) == [pytest.approx((5 + 0.3, 9.0)), pytest.approx((6 + 0.2, 20.0))]


def test_weeks_that_do_not_start_on_the_named_day_are_refused(tmp_path: Path) -> None:
    """Monday-indexed weeks charted as Sunday weeks (or the other way) would be mislabelled."""
    with pytest.raises(LoadwatchError, match="must start on Sundays"):
        weekly_risk_figure(make_weeks(4), week_start=WeekStart.SUNDAY)
    with pytest.raises(LoadwatchError, match="must start on Mondays"):
        weekly_risk_figure(spiky_weeks(WeekStart.SUNDAY), week_start=WeekStart.MONDAY)
    with pytest.raises(LoadwatchError, match="must start on Sundays"):
        write_charts(make_weeks(4), tmp_path, week_start=WeekStart.SUNDAY)
    assert not list(tmp_path.iterdir())


def test_the_pain_panel_sits_under_the_load_panels_only_with_a_log() -> None:
    """With a body log a pain panel comes after intensity, on the same weeks; without, none."""
    weeks = with_risk_columns(make_weeks(12))
    assert len(weekly_risk_figure(weeks).axes) == 5
    fig = weekly_risk_figure(weeks, body=pain_days(weeks))
    assert [ax.get_ylabel() for ax in fig.axes][3:5] == ["Intensity", "Pain (0-10)"]
    assert fig.axes[4].get_xlim() == fig.axes[0].get_xlim()
    levels = {tuple(line.get_ydata()) for line in fig.axes[4].get_lines()}
    assert {(3.0, 3.0), (5.0, 5.0)} <= levels  # the pain-monitoring model's lines


def test_the_pain_legend_lists_only_what_is_drawn() -> None:
    """A log with one knee pain and nothing else: the knee and the model's lines, no strength or
    check-in; a day outside the charted weeks is not drawn."""
    weeks = make_weeks(4)
    index = pd.DatetimeIndex(weeks.index)
    pain = pd.DataFrame(
        {"knee": [4.0, 9.0]},
        index=[index[1] + pd.Timedelta(days=2), index[0] - pd.Timedelta(days=1)],
    )
    empty = pd.DatetimeIndex([])
    body = BodyDays(pain, empty, empty, pd.Series([], index=empty, dtype="float64"))
    ax = weekly_risk_figure(weeks, body=body).axes[3]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "knee",
        "above 3: load held",
        "above 5: load cut back",
    ]
    (knee,) = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert list(knee.get_ydata()) == [4.0]
    assert knee.get_xdata()[0] == pytest.approx(1 - 0.4 + 2.5 * 0.8 / 7)


def test_a_log_without_pain_says_so() -> None:
    """Only strength logged: the panel says no pain was logged and marks the session hollow."""
    weeks = make_weeks(3)
    day = pd.DatetimeIndex([pd.DatetimeIndex(weeks.index)[1]])
    body = BodyDays(pd.DataFrame(index=pd.DatetimeIndex([])), day, pd.DatetimeIndex([]),
                    pd.Series([], index=pd.DatetimeIndex([]), dtype="float64"))  # fmt: skip
    ax = weekly_risk_figure(weeks, body=body).axes[3]
    assert any(t.get_text() == "no pain logged" for t in ax.texts)
    legend = ax.get_legend()
    assert legend is not None and "strength (logged)" in [t.get_text() for t in legend.get_texts()]
