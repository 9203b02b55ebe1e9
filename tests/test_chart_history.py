"""The weekly chart of a long history: the newest weeks in full under a strip of every week,
readable axes with values off the scale marked, one look per meaning, and text a phone can read."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from drawn import bars
from factories import gpx
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from test_charts import make_weeks

from loadwatch.cli import cli
from loadwatch.errors import ConfigError
from loadwatch.render.charts import RISK_STYLES, weekly_risk_figure, write_charts
from loadwatch.render.charts._strip import STRIP_ID
from loadwatch.render.charts._style import (
    LOOKS,
    MIN_PHONE_TEXT_PX,
    PHONE_WIDTH_PX,
    SURFACES,
)

SPIKE_KM = 300.0
N_WEEKS = 420


def long_history(n: int = N_WEEKS) -> pd.DataFrame:
    """``n`` weeks (eight years) with two long gaps, one week of 300 km five weeks from the end
    (high risk, its ACWR 6.0), an elevated week before it, the rest low risk at 12 to 55 km;
    no intensity flag."""
    weeks = make_weeks(n, start="2018-01-01")
    for gap in (slice(100, 140), slice(300, 330)):
        for name in ("runs", "distance_km", *[c for c in weeks if c.startswith("surface_km_")]):
            weeks.iloc[gap, weeks.columns.get_loc(name)] = 0
        for i in range(gap.start, gap.stop):
            weeks.iat[i, weeks.columns.get_loc("flags")] = ()
    weeks["flags"] = [tuple(f for f in week if f != "intensity") for week in weeks["flags"]]
    spike = n - 5
    weeks.iloc[spike, weeks.columns.get_loc("distance_km")] = SPIKE_KM
    weeks.iloc[spike, weeks.columns.get_loc("surface_km_road")] = SPIKE_KM
    weeks.iloc[spike, weeks.columns.get_loc("flags")] = ("distance", "acwr")
    weeks["distance_cap_km"] = weeks["distance_km"].shift(1) * 1.1
    risk = ["low"] * n
    risk[spike - 1], risk[spike] = "elevated", "high"
    risk[50] = "high"
    weeks["risk"] = risk
    acwr = np.where(weeks["runs"] > 0, 1.0, np.nan)
    acwr[spike] = 6.0
    weeks["acwr"] = acwr
    weeks["acwr_ewma"] = np.where(weeks["runs"] > 0, 1.05, np.nan)
    return weeks


@pytest.fixture(scope="module")
def long_figure() -> Figure:
    """The chart of :func:`long_history`, drawn once for the tests that only read it."""
    return weekly_risk_figure(long_history())


def _labels(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def _strip(fig: Figure) -> Axes:
    (strip,) = [ax for ax in fig.axes if ax.get_gid() == STRIP_ID]
    return strip


def _marks_off_scale(ax: Axes) -> list[tuple[float, float]]:
    """(x, y) of the open triangles drawn at an axis's edge for values off the scale."""
    return [
        (float(line.get_xdata()[0]), float(line.get_ydata()[0]))  # type: ignore[index]
        for line in ax.get_lines()
        if line.get_marker() in ("^", "v") and to_rgba(line.get_markerfacecolor()) == to_rgba("w")
    ]


def test_a_long_history_gets_a_strip_of_every_week_over_26_weeks_in_full(
    long_figure: Figure,
) -> None:
    """The panels show the newest 26 weeks (one bar each); the strip above them has a bar for
    every week of the eight years and shades the 26 shown below."""
    distance, strip = long_figure.axes[0], _strip(long_figure)
    assert len(bars(distance)) == 26
    assert distance.get_xlim() == pytest.approx((-0.6, 25.6))
    assert strip.get_xlim() == pytest.approx((-0.6, N_WEEKS - 0.4))
    drawn = [bar.x for bar in bars(strip)]
    assert len(drawn) == N_WEEKS and drawn[0] == 0 and drawn[-1] == N_WEEKS - 1
    (shade,) = [p for p in strip.patches if p.get_label() == "" and p.get_alpha()]
    left, right = shade.get_x(), shade.get_x() + shade.get_width()  # type: ignore[attr-defined]
    assert (left, right) == pytest.approx((N_WEEKS - 26.5, N_WEEKS - 0.5))
    assert "the last 26 weeks, shown below" in _labels(strip)
    strip_box = strip.get_position()
    assert all(strip_box.y0 > ax.get_position().y1 for ax in long_figure.axes if ax is not strip)


def test_the_strip_marks_the_flagged_weeks_by_level(long_figure: Figure) -> None:
    """The strip marks the high weeks (the old one and the spike) and the elevated one above
    their bars, each in its level's look, and lists only those in its legend."""
    strip = _strip(long_figure)
    marked = {
        line.get_marker(): sorted(float(v) for v in line.get_xdata())  # type: ignore[union-attr]
        for line in strip.get_lines()
        if to_rgba(line.get_markerfacecolor()) != to_rgba("w")
    }
    assert marked == {
        LOOKS["high"].marker: [50.0, N_WEEKS - 5.0],
        LOOKS["elevated"].marker: [N_WEEKS - 6.0],
    }
    assert {"high risk week", "elevated risk week"} <= set(_labels(strip))
    assert "flagged by the rule week" not in _labels(strip)


def test_a_short_history_has_no_strip() -> None:
    """26 weeks fit the panels: no strip; 27 do not."""
    assert not [ax for ax in weekly_risk_figure(make_weeks(26)).axes if ax.get_gid() == STRIP_ID]
    assert _strip(weekly_risk_figure(make_weeks(27)))


def test_the_spike_week_is_drawn_to_the_top_and_its_distance_written(long_figure: Figure) -> None:
    """The 300 km week does not set the distance axis: its bar stops at the top, marked there,
    with "300" written over it; the legend says what the mark is. The strip does the same."""
    distance = long_figure.axes[0]
    top = max(bar.height for bar in bars(distance))
    assert top < SPIKE_KM / 2  # the ordinary weeks keep the panel
    assert distance.get_ylim()[1] < 2 * top
    assert _marks_off_scale(distance) == [pytest.approx((21.0, top))]
    assert "300" in [t.get_text().split("\n")[-1] for t in distance.texts]
    assert "off the scale (value written)" in _labels(distance)
    strip = _strip(long_figure)
    assert [x for x, _ in _marks_off_scale(strip)] == [N_WEEKS - 5.0]
    assert "300" in [t.get_text() for t in strip.texts]


def test_one_acwr_spike_is_written_at_the_top_of_the_clipped_axis(long_figure: Figure) -> None:
    """The ACWR of 6 stops at 1.6 x the limit, marked and written; the band stays readable."""
    acwr = long_figure.axes[1]
    assert acwr.get_ylim() == pytest.approx((0.0, 2.4))
    assert _marks_off_scale(acwr) == [pytest.approx((21.0, 2.4))]
    assert "6.0" in [t.get_text() for t in acwr.texts]


def test_an_intensity_far_off_is_marked_at_the_edge() -> None:
    """An intensity of 2.4 does not stretch the intensity axis past 1.5: it is marked at the
    top with its value; a history without one has no such mark or legend entry."""
    weeks = make_weeks(20)
    weeks.iloc[10, weeks.columns.get_loc("intensity")] = 2.4
    intensity = weekly_risk_figure(weeks).axes[2]
    assert intensity.get_ylim()[1] < 1.7
    assert [x for x, _ in _marks_off_scale(intensity)] == [10.0]
    assert "2.4" in [t.get_text() for t in intensity.texts]
    assert "off the scale (value written)" in _labels(intensity)
    calm = weekly_risk_figure(make_weeks(20)).axes[2]
    assert not _marks_off_scale(calm) and "off the scale (value written)" not in _labels(calm)


def test_legends_list_only_what_the_weeks_shown_draw(long_figure: Figure) -> None:
    """The elevated week is among the 26 shown, the old high week is not: the distance legend
    lists the levels drawn; with no intensity flag among them, none is listed."""
    distance, _, runs, intensity = long_figure.axes[:4]
    assert {"low risk", "elevated risk", "high risk"} <= set(_labels(distance))
    shown = long_history().iloc[-26:]
    assert not any("intensity" in f for f in shown["flags"])
    assert "intensity flag" not in _labels(intensity)
    assert ("frequency flag" in _labels(runs)) == any("frequency" in f for f in shown["flags"])


def test_a_frequency_flag_is_not_drawn_like_high_risk(long_figure: Figure) -> None:
    """The runs panel's flagged weeks have the rule flag's look, which no risk level shares,
    and every meaning's look (fill and hatch) is its own."""
    flagged = long_history().iloc[-26:]["flags"].map(lambda f: "frequency" in f).to_numpy()
    assert flagged.any()
    drawn = bars(long_figure.axes[2])
    rule = LOOKS["rule_flag"]
    for bar, is_flagged in zip(drawn, flagged, strict=True):
        if is_flagged:
            assert (bar.facecolor, bar.hatch) == (to_rgba(rule.colour), rule.hatch)
    assert (rule.colour, rule.hatch) not in RISK_STYLES.values()
    bar_looks = [(look.colour, look.hatch) for look in LOOKS.values() if not look.marker]
    bar_looks += [RISK_STYLES[level] for level in ("elevated", "high")]
    bar_looks += [(rule.colour, rule.hatch)]
    assert len(set(bar_looks)) == len(bar_looks) - 0  # no two meanings look alike
    assert {(colour, hatch) for _, colour, hatch in SURFACES}.isdisjoint(RISK_STYLES.values())


def test_risk_and_flag_looks_differ_in_greyscale() -> None:
    """Printed in grey, the risk levels and the rule flag still differ: each has its own hatch."""
    hatches = [LOOKS[name].hatch for name in ("low", "elevated", "high", "rule_flag")]
    assert len(set(hatches)) == len(hatches)


@pytest.mark.parametrize("weeks", [16, N_WEEKS])
def test_text_is_legible_on_a_phone(weeks: int) -> None:
    """Shown 390 px wide, as a phone shows the page's SVG, no text on the chart (titles, labels,
    ticks, legends, values) is smaller than the legible minimum."""
    data = long_history() if weeks == N_WEEKS else make_weeks(weeks)
    fig = weekly_risk_figure(data, credit="© OpenStreetMap contributors")
    px_per_pt = PHONE_WIDTH_PX / (fig.get_figwidth() * 72)
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert len(texts) > 20
    smallest = min(float(t.get_fontsize()) for t in texts)
    assert smallest * px_per_pt >= MIN_PHONE_TEXT_PX


def test_the_long_chart_svg_is_the_same_from_run_to_run(tmp_path: Path) -> None:
    """Two writes of the eight-year chart give byte-identical SVGs, which hold the strip."""
    first = write_charts(long_history(), tmp_path / "a")[1].read_bytes()
    second = write_charts(long_history(), tmp_path / "b")[1].read_bytes()
    assert first == second
    assert f'id="{STRIP_ID}"'.encode() in first


def test_the_weeks_shown_in_full_are_a_keyword() -> None:
    """detail_weeks=52 shows a year in full; a count that is not a whole number of weeks, 1 or
    more, is refused naming the argument."""
    fig = weekly_risk_figure(long_history(), detail_weeks=52)
    assert len(bars(fig.axes[0])) == 52
    assert "the last 52 weeks, shown below" in _labels(_strip(fig))
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ConfigError, match="detail_weeks"):
            weekly_risk_figure(make_weeks(30), detail_weeks=bad)  # type: ignore[arg-type]


def test_analyze_of_two_years_writes_a_chart_with_the_strip(tmp_path: Path) -> None:
    """A runner's folder of runs two years apart: `analyze --out` writes a chart whose SVG has
    the strip of every week over the newest 26."""
    folder = tmp_path / "watch"
    folder.mkdir()
    first = datetime(2024, 6, 3, 7, 0, tzinfo=UTC)
    for week in (0, 1, 2, 100, 101, 102, 103):
        start = first + timedelta(weeks=week)
        (folder / f"{start:%Y-%m-%d}.gpx").write_text(gpx(start, minutes=40, step_s=30))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["analyze", str(folder), "--out", str(out), "--as-of", "2026-05-24", "--timezone", "UTC"],
    )
    assert result.exit_code == 0, result.output
    assert f'id="{STRIP_ID}"'.encode() in (out / "weekly-risk.svg").read_bytes()
    assert math.isfinite((out / "weekly-risk.png").stat().st_size)


def test_off_scale_values_close_together_are_written_once_and_low_ones_marked_below() -> None:
    """Three far weeks side by side early in the strip: all three are marked, only the highest
    written (the others would write over it); an intensity of 0.2 is marked at the bottom."""
    weeks = long_history()
    for i, km in ((20, 400.0), (21, 500.0), (22, 450.0)):
        weeks.iloc[i, weeks.columns.get_loc("distance_km")] = km
    weeks.iloc[-3, weeks.columns.get_loc("intensity")] = 0.2
    fig = weekly_risk_figure(weeks)
    strip = _strip(fig)
    assert [x for x, _ in _marks_off_scale(strip)] == [20.0, 21.0, 22.0, N_WEEKS - 5.0]
    assert sorted(t.get_text() for t in strip.texts) == ["300", "500"]
    intensity = fig.axes[3]
    ((x, y),) = _marks_off_scale(intensity)
    assert x == 23.0 and y == pytest.approx(intensity.get_ylim()[0])
    assert "0.2" in [t.get_text() for t in intensity.texts]
