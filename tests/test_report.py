"""Tests for how the table and the page word a week's change next to the 10% rule."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import gpx

from loadwatch.analysis import analyze
from loadwatch.render.data import report_dict, report_head
from loadwatch.render.page import render_index
from loadwatch.render.table import change_text, render_table


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1008, "+10.1%"),  # flagged, but would round to the rule's own +10%
        (0.1004, "+10.1%"),  # rounded away from the threshold, never "+10.0%"
        (0.1, "+10.0%"),  # exactly the rule: not flagged
        (1.1 * 11 / 11 - 1, "+10.0%"),  # 10 -> 11 km with float noise: at the rule
        (0.0996, "+9.9%"),  # just under: never "+10.0%"
        (0.1041, "+10.4%"),  # rounded as usual where that does not read as the rule
        (0.0959, "+9.6%"),
        (0.0951, "+9.5%"),
        (0.094, "+9%"),
        (0.15, "+15%"),
        (-0.3, "-30%"),
        (0.001, "0%"),
        (None, "–"),
        (math.nan, "–"),
    ],
)
def test_change_text_has_a_decimal_only_near_the_threshold(value: float | None, text: str) -> None:
    assert change_text(value, 0.10) == text


def test_a_threshold_between_tenths_gets_hundredths() -> None:
    """With a 10.05% rule, the change at it and one just over it still read differently."""
    assert change_text(0.1005, 0.1005) == "+10.05%"
    assert change_text(0.1006, 0.1005) == "+10.06%"
    assert change_text(0.10052, 0.1005) == "+10.06%"


def test_a_week_just_over_the_rule_never_reads_as_the_rule(tmp_path: Path) -> None:
    """+10.08% (flagged) and +9.72% (not) read as such in the table and on the page."""
    monday = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    speed = 10_000 / 3000  # 10 km in 50 minutes
    for week, factor in enumerate((1.0, 1.1008, 1.1008 * 1.0972)):
        start = monday + timedelta(weeks=week)
        text = gpx(start, minutes=50, speed=speed * factor, step_s=10)
        (tmp_path / f"{start:%Y-%m-%d}.gpx").write_text(text, encoding="utf-8")
    analysis = analyze(tmp_path, timezone="UTC")
    rows = render_table(analysis).splitlines()
    second = next(line for line in rows if line.startswith("2026-06-08"))
    third = next(line for line in rows if line.startswith("2026-06-15"))
    assert "+10.1%" in second and "DIST" in second
    assert "+9.7%" in third and "DIST" not in third
    report = report_dict(analysis)
    assert report["threshold"] == 0.10
    page = render_index(report)
    assert "<td>+10.1%</td>" in page and "<td>+9.7%</td>" in page


def test_the_report_head_is_the_report_without_its_activities(tmp_path: Path) -> None:
    """report_head holds every key of the JSON report but the activities, the same values in
    the same order, and the report keeps the activities right after the weeks."""
    monday = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    for day in range(3):
        start = monday + timedelta(days=2 * day)
        (tmp_path / f"{start:%Y-%m-%d}.gpx").write_text(
            gpx(start, minutes=40, speed=3.0, step_s=10), encoding="utf-8"
        )
    analysis = analyze(tmp_path, timezone="UTC")
    report, head = report_dict(analysis), report_head(analysis)
    assert len(report["activities"]) == 3
    assert list(report) == [*list(head)[:4], "activities", *list(head)[4:]]
    assert {k: v for k, v in report.items() if k != "activities"} == head
