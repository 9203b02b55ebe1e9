"""The public API as README.md's "From Python" shows it, and the errors a notebook user meets."""

from __future__ import annotations

import gzip
import inspect
import itertools
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import loadwatch
from loadwatch.metrics.body import BODY_WEEK_COLUMNS
from loadwatch.metrics.budget import BUDGET_COLUMNS
from loadwatch.metrics.risk import RISK_COLUMNS
from loadwatch.metrics.weekly import WEEKLY_COLUMNS
from loadwatch.model import RiskSettings

REPO = Path(__file__).resolve().parent.parent
#: The run README.md reads with read_activity().
README_RUN = "sample_data/garmin/2026-06/2026-06-02-07-08-30.fit"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository's root, so that the README's relative paths work as typed."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture(scope="module")
def result() -> loadwatch.Analysis:
    """``loadwatch.analyze("sample_data")``, once for the module."""
    return loadwatch.analyze(REPO / "sample_data")


def test_analyze_as_the_readme_calls_it(in_repo: Path) -> None:
    """``analyze("sample_data")`` gives the weeks, the timeline and the files set aside."""
    result = loadwatch.analyze("sample_data")
    table = result.weeks[["runs", "distance_km", "distance_change", "flags"]]
    assert len(table) == 16 and isinstance(table.index, pd.DatetimeIndex)
    assert table["runs"].sum() == (result.timeline["sport"] == "running").sum()
    assert ("distance",) in set(table["flags"])
    assert {"start", "sport", "distance_km", "source"} <= set(result.timeline.columns)
    reasons = {item.source: item.reason for item in result.skipped}
    assert "route" in reasons["strava-export/routes/3301234567890123456.gpx"]


def test_weeks_hold_every_weekly_and_risk_column(result: loadwatch.Analysis) -> None:
    """``analyze().weeks`` has the 10% rule's columns, the risk measures, next week's budget,
    the body log's and the advice."""
    columns = list(result.weeks.columns)
    assert columns[: len(WEEKLY_COLUMNS)] == list(WEEKLY_COLUMNS)
    expected = {*WEEKLY_COLUMNS, *RISK_COLUMNS, *BUDGET_COLUMNS, *BODY_WEEK_COLUMNS, "advice"}
    assert set(columns) == expected
    assert columns[-1] == "advice"


def test_timeline_then_weekly_is_analyze(result: loadwatch.Analysis) -> None:
    """The two steps on their own give exactly what ``analyze`` gives: columns and values."""
    timeline = loadwatch.timeline(REPO / "sample_data")
    pd.testing.assert_frame_equal(timeline, result.timeline)
    assert [item.source for item in timeline.attrs["skipped"]] == [
        item.source for item in result.skipped
    ]
    weeks = loadwatch.weekly(timeline)
    pd.testing.assert_frame_equal(weeks, result.weeks)
    assert {"acwr", "risk", "monotony", "advice"} <= set(weeks.columns)


def test_weekly_takes_the_threshold_and_risk_settings(result: loadwatch.Analysis) -> None:
    """``weekly``'s threshold and risk settings change the flags as ``analyze``'s do."""
    lenient = loadwatch.weekly(result.timeline, threshold=0.5)
    assert not any("distance" in flags for flags in lenient["flags"])
    assert any("distance" in flags for flags in result.weeks["flags"])
    by_time = loadwatch.weekly(result.timeline, risk=RiskSettings(load="duration"))
    assert by_time.attrs["load"] == "duration"
    assert not by_time["basis_load"].equals(result.weeks["basis_load"])
    with pytest.raises(ValueError, match="load must be one of"):
        loadwatch.weekly(result.timeline, risk=RiskSettings(load="steps"))  # type: ignore[arg-type]


def test_weekly_on_a_timeline_without_spikes(result: loadwatch.Analysis) -> None:
    """A timeline built by hand, without the spike columns, still gets its spikes and advice."""
    bare = result.timeline.drop(columns=["spike_ratio", "spike", "spike_ref_km"])
    pd.testing.assert_frame_equal(loadwatch.weekly(bare), result.weeks)


def test_weekly_of_an_empty_timeline(result: loadwatch.Analysis) -> None:
    """No activities: no weeks, but the same columns."""
    weeks = loadwatch.weekly(result.timeline.iloc[:0])
    assert weeks.empty
    assert set(weeks.columns) == set(result.weeks.columns)


def test_read_activity_on_a_path(in_repo: Path) -> None:
    """The README's run: one activity with the canonical sample columns, in UTC."""
    activity = loadwatch.read_activity(README_RUN)
    assert isinstance(activity, loadwatch.Activity)
    assert activity.sport == "running" and activity.format == "fit"
    assert tuple(activity.samples.columns) == loadwatch.SAMPLE_COLUMNS
    assert str(activity.samples["time"].dt.tz) == "UTC"
    assert activity.samples["distance_m"].iloc[-1] == pytest.approx(7000, rel=0.01)
    assert activity.has_gps


def test_read_activity_on_bytes_and_gzipped_bytes(in_repo: Path) -> None:
    """The file's bytes, plain or gzipped, read as the file does."""
    on_disk = loadwatch.read_activity(Path(README_RUN))
    data = Path(README_RUN).read_bytes()
    for content in (data, gzip.compress(data)):
        activity = loadwatch.read_activity(content)
        assert activity.source == "<bytes>"
        assert activity.start == on_disk.start
        pd.testing.assert_frame_equal(activity.samples, on_disk.samples)


def test_read_activity_on_a_gzipped_gpx_path(in_repo: Path) -> None:
    """A Strava export's ``.gpx.gz`` is read from its path."""
    path = next(Path("sample_data/strava-export/activities").glob("*.gpx.gz"))
    activity = loadwatch.read_activity(path)
    assert activity.format == "gpx"
    assert tuple(activity.samples.columns) == loadwatch.SAMPLE_COLUMNS


def test_read_activities_on_a_multisport_file(corpus: Path) -> None:
    """A multisport FIT file gives one activity per session; ``read_activity`` says to use it."""
    path = corpus / "fit" / "activity-large-fenxi2-multisport.fit"
    activities = loadwatch.read_activities(path)
    assert [a.sport for a in activities] == ["other", "running", "running", "cycling"]
    assert [a.sport for a in loadwatch.read_activities(path.read_bytes())] == [
        a.sport for a in activities
    ]
    with pytest.raises(loadwatch.LoadwatchError, match=r"read_activities\(\)"):
        loadwatch.read_activity(path)


def test_a_missing_path(in_repo: Path) -> None:
    """A typo in the path is a SourceError naming it, from every entry point."""
    for call in (loadwatch.analyze, loadwatch.timeline, loadwatch.read_activity):
        with pytest.raises(loadwatch.SourceError, match="no such file or folder") as caught:
            call("sample_data/no-such-folder")
        assert "no-such-folder" in str(caught.value)


def test_files_that_are_not_activities(in_repo: Path) -> None:
    """A CSV, a route or random bytes: a LoadwatchError subclass saying what the file is."""
    with pytest.raises(loadwatch.UnsupportedFileError) as caught:
        loadwatch.read_activity("sample_data/notes.csv")
    assert "notes.csv" in str(caught.value)
    with pytest.raises(loadwatch.NotAnActivityError, match="route"):
        loadwatch.read_activity("sample_data/strava-export/routes/3301234567890123456.gpx")
    with pytest.raises(loadwatch.UnsupportedFileError, match="<bytes>"):
        loadwatch.read_activity(b"hello, this is not a watch file")
    with pytest.raises(loadwatch.SourceError, match=r"loadwatch\.timeline\(\)"):
        loadwatch.read_activity("sample_data/garmin-connect")


@pytest.mark.parametrize("name", loadwatch.__all__)
def test_every_public_name_exists_and_is_documented(name: str) -> None:
    """Each name in ``__all__`` is there and says what it is: a docstring of its own, or for a
    constant a ``#:`` comment where it is defined."""
    value = getattr(loadwatch, name)
    if name == "__version__":
        assert isinstance(value, str) and value
    elif callable(value):
        assert (inspect.getdoc(value) or "").strip(), f"{name} has no docstring"
    else:
        assert name in _documented_constants(), f"{name} has no #: comment where it is defined"


def _documented_constants() -> set[str]:
    """Module-level names in the package preceded by a ``#:`` comment (Sphinx's convention)."""
    found: set[str] = set()
    for module in (REPO / "loadwatch").rglob("*.py"):
        lines = module.read_text(encoding="utf-8").splitlines()
        for before, line in itertools.pairwise(lines):
            match = re.match(r"([A-Z_][A-Z0-9_]*)\s*[:=]", line)
            if match and before.startswith("#:"):
                found.add(match.group(1))
    return found


def test_weekly_counts_with_the_settings_the_timeline_was_read_with(tmp_path: Path) -> None:
    """A folder whose config sets the threshold, the load basis and Sunday weeks: the two steps
    on their own still give ``analyze().weeks``, and a setting given to ``weekly`` wins."""
    folder = tmp_path / "runs"
    shutil.copytree(REPO / "sample_data", folder)
    config = folder / "loadwatch.toml"
    config.write_text(
        'threshold = 0.05\nweek_start = "sunday"\n'
        + config.read_text()
        + '[risk]\nload = "trimp"\n'
    )
    result = loadwatch.analyze(folder)
    weeks = loadwatch.weekly(loadwatch.timeline(folder))
    pd.testing.assert_frame_equal(weeks, result.weeks)
    assert {day.weekday() for day in weeks.index} == {6}
    assert weeks.attrs["load"] == "trimp"
    pd.testing.assert_frame_equal(loadwatch.weekly(result.timeline), result.weeks)
    monday = loadwatch.weekly(result.timeline, week_start="monday", threshold=0.10)
    assert {day.weekday() for day in monday.index} == {0}


@pytest.mark.parametrize(
    ("keywords", "setting"),
    [
        ({"threshold": -1}, "threshold"),
        ({"threshold": "abc"}, "threshold"),
        ({"week_start": "friday"}, "week_start"),
        ({"risk": RiskSettings(acwr_limit=-5)}, "risk.acwr_limit"),
    ],
)
def test_weekly_checks_its_settings_as_analyze_does(
    result: loadwatch.Analysis, keywords: dict[str, object], setting: str
) -> None:
    """A bad setting given to ``weekly`` is a ConfigError naming it, not a pandas traceback."""
    with pytest.raises(loadwatch.ConfigError) as caught:
        loadwatch.weekly(result.timeline, **keywords)  # type: ignore[arg-type]
    assert caught.value.setting == setting


def test_settings_as_keywords_and_as_resolved_options(in_repo: Path) -> None:
    """The README's keywords work, and resolve_options gives them as one object to pass on."""
    result = loadwatch.analyze(
        "sample_data", timezone="Europe/Berlin", threshold=0.1, week_start="sunday"
    )
    assert result.week_start is loadwatch.WeekStart.SUNDAY
    assert {day.weekday() for day in result.weeks.index} == {6}
    options = loadwatch.resolve_options("sample_data", threshold=0.2)
    assert isinstance(options, loadwatch.AnalyzeOptions)
    assert options.timezone == "Europe/Berlin"  # from sample_data/loadwatch.toml
    assert loadwatch.analyze("sample_data", options).threshold == 0.2
    with pytest.raises(loadwatch.ConfigError) as caught:
        loadwatch.analyze("sample_data", on_error="sometimes")
    assert caught.value.setting == "on_error"
    with pytest.raises(loadwatch.CorruptFileError):
        loadwatch.analyze("sample_data", on_error=loadwatch.OnError.RAISE)
