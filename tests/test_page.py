"""The page as HTML: names from files escaped, weeks collapsed and folded, words not codes.

What a browser makes of it (widths, fonts, clicks) is tested in ``test_page_browser.py``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from loadwatch.render.page import render_index
from loadwatch.render.page_runs import by_week, clock, pace
from loadwatch.render.page_weeks import RECENT_WEEKS
from tests.pages import (
    GAP_WEEKS,
    LONG_AS_OF,
    LONG_WEEKS,
    SAMPLE_DATA,
    SCRIPT_FILE,
    SCRIPT_NAME,
    build_page,
    long_history,
)

#: Codes that must never reach a reader.
RAW_CODES = ("hard_surface", "low_load", "low_strength", "shoe_wear", "session_spike", "heart_rate")


class _Text(HTMLParser):
    """The text a reader sees (not the style sheet)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = self._style or tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = self._style and tag != "style"

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.text.append(data)


def _text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.text).split())


@pytest.fixture(scope="module")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The page of the long history, through ``loadwatch analyze --out`` (built once)."""
    tmp_path = tmp_path_factory.mktemp("long")
    path, report = build_page(long_history(tmp_path), tmp_path / "out", "--as-of", LONG_AS_OF)
    return path.read_text(encoding="utf-8"), report


def test_names_from_files_are_escaped(long_page: tuple[str, dict[str, Any]]) -> None:
    """A <script> in a GPX name and in a file name reach the page as text, never as markup."""
    page, report = long_page
    assert SCRIPT_NAME in _text(page) and SCRIPT_FILE in _text(page)
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert any(a.get("name") == SCRIPT_NAME for a in report["activities"])


def test_the_last_26_weeks_first_the_rest_folded(long_page: tuple[str, dict[str, Any]]) -> None:
    """The newest 26 weeks are rows of the page; the older ones wait inside a <details>."""
    page, report = long_page
    recent, older = page.split('<details class="older">', 1)
    assert recent.count('<tbody class="week">') == RECENT_WEEKS
    older_weeks = LONG_WEEKS - RECENT_WEEKS
    assert f"{older_weeks} older weeks ({report['weeks'][0]['week_start']} to" in older
    assert older.count('<tbody class="week">') == older_weeks - GAP_WEEKS
    assert page.index('href="#runs-' + report["weeks"][-1]["week_start"]) < page.index(
        'href="#runs-' + report["weeks"][-2]["week_start"]
    )  # newest first


def test_weeks_without_runs_collapse_into_one_row(long_page: tuple[str, dict[str, Any]]) -> None:
    """Eight weeks without runs are one row, as in the terminal, with its first and last week."""
    page, report = long_page
    empty = [w["week_start"] for w in report["weeks"] if not w["runs"]]
    assert len(empty) == GAP_WEEKS
    assert page.count('<tbody class="rest">') == 1
    assert f"{empty[0]}</td>" in page and f"(no runs for 8 weeks, to {empty[-1]})" in page


def test_each_week_lists_its_runs(long_page: tuple[str, dict[str, Any]]) -> None:
    """A week's runs row holds each of its activities, with pace, heart rate and file."""
    page, report = long_page
    newest = report["weeks"][-1]["week_start"]
    runs = page.split(f'id="runs-{newest}"', 1)[1].split("</tbody>", 1)[0]
    assert f"Runs of the week of {newest}: 2 runs" in runs
    assert runs.count("<tr>") == 2 + 1  # the header and two runs
    assert "5:33 /km" in runs and '<td class="">145</td>' in runs
    assert "059-a.gpx" in runs


def test_no_raw_codes_and_counts_agree() -> None:
    """Flags, notes, sports and surfaces are words; "1 run", never "1 runs"."""
    week = {
        "week_start": "2026-06-15",
        "runs": 1,
        "distance_km": 5.0,
        "duration_s": 1800.0,
        "flags": ["session_spike", "brand_new_flag"],
        "notes": ["hard_surface", "low_load"],
        "risk": "high",
        "risk_reasons": ["session_spike:large"],
        "next_week": {"max_km": 5.5, "max_runs": 1, "longest_run_km": 5.5},
    }
    run = {
        "start": "2026-06-16T07:00:00+02:00",
        "sport": "running",
        "surface": "road",
        "distance_km": 5.0,
        "duration_s": 1800.0,
        "spike": "large",
        "spike_ratio": 1.5,
    }
    text = _text(render_index({"weeks": [week], "activities": [run]}, chart=None))
    assert not any(code in text for code in (*RAW_CODES, "brand_new_flag"))
    assert "single-run spike, brand new flag" in text and "mostly road, light week" in text
    assert "Runs of the week of 2026-06-15: 1 run" in text and "1 runs" not in text
    assert "Next week, at most Distance 5.5 km Runs 1 run Longest run 5.5 km" in text
    assert "large (×1.50)" in text and "6:00 /km" in text


def test_sample_data_page_says_no_codes(tmp_path: Path) -> None:
    """On sample_data, no raw identifier and no "1 runs" anywhere a reader looks."""
    path, _ = build_page(SAMPLE_DATA, tmp_path / "out")
    text = _text(path.read_text(encoding="utf-8"))
    assert not any(code in text for code in RAW_CODES)
    assert " 1 runs" not in text and "1 entries" not in text


def test_the_card_comes_first_with_next_weeks_budget(tmp_path: Path) -> None:
    """The card heads the page: the newest week's figures and next week's budget, in miles."""
    path, report = build_page(SAMPLE_DATA, tmp_path / "out", "--units", "mi")
    page = path.read_text(encoding="utf-8")
    newest = report["weeks"][-1]
    assert page.index('id="status"') < page.index("<figure>") < page.index('id="weeks"')
    mile = 1.609344
    assert f'<dd id="card-distance">{newest["distance_km"] / mile:.1f} mi</dd>' in page
    budget = newest["next_week"]
    assert f'<dd id="card-next-distance">{budget["max_km"] / mile:.1f} mi</dd>' in page
    assert f'<dd id="card-next-runs">{budget["max_runs"]} runs</dd>' in page
    assert " /mi</td>" in page and " /km</td>" not in page


def test_a_page_without_weeks_still_says_the_red_flags() -> None:
    """No runs: the card says so, after any red flag from the body log."""
    red = [{"flag": "severe_pain", "since": "2026-03-11", "why": "pain 7/10"}]
    page = render_index({"weeks": [], "red_flags": red}, chart=None)
    assert page.index("RED FLAG since 2026-03-11") < page.index("No runs found yet.")


def test_a_stale_folder_names_the_last_week_with_runs() -> None:
    """A stale folder's card counts the last week's runs in words ("1 run")."""
    week = {"week_start": "2026-06-15", "runs": 1, "distance_km": 5.0, "complete": True}
    report = {"weeks": [week], "status": "stale", "last_activity": "2026-06-16T07:00:00+00:00",
              "stale_days": 30}  # fmt: skip
    text = _text(render_index(report, chart=None))
    assert "The last week with runs was the week of 2026-06-15: 1 run, 5.0 km." in text


def test_runs_helpers_on_odd_values() -> None:
    """Durations, paces and week grouping cope with missing and early values."""
    assert clock(None) == "–" and clock(59.6) == "1:00" and clock(3725) == "1:02:05"
    assert pace({"distance_km": 0.0, "duration_s": 60}, "km") == "–"
    assert pace({"distance_km": 1.609344, "moving_s": 480}, "mi") == "8:00 /mi"
    grouped = by_week([{"start": "2026-01-01T07:00:00+00:00"}], ["2026-01-05"])
    assert grouped == {"2026-01-05": []}  # before the first week: in none


def test_one_empty_week_and_a_week_without_its_activities() -> None:
    """A single week without runs is one "(no runs)" row; a week whose activities the report
    lacks still opens, saying there are none."""
    weeks = [
        {"week_start": "2026-06-01", "runs": 1, "distance_km": 5.0},
        {"week_start": "2026-06-08", "runs": 0, "distance_km": 0.0},
        {"week_start": "2026-06-15", "runs": 2, "distance_km": 9.0, "risk": None,
         "next_week": {"max_km": 9.9, "max_runs": None, "longest_run_km": 5.5}},
    ]  # fmt: skip
    run = {"start": "2026-06-02T07:00:00+00:00", "sport": "cycling", "distance_km": 20.0}
    page = render_index({"weeks": weeks, "activities": [run]}, chart=None)
    text = _text(page)
    assert "2026-06-08 (no runs)" in text and "no runs for" not in text
    assert "Runs of the week of 2026-06-15: no activities (close) No activities this week." in text
    assert "Runs of the week of 2026-06-01: 1 other activity" in text and " ride " in text
    assert '<dd id="card-next-runs">–</dd>' in page and '<dd id="card-risk">–</dd>' in page
