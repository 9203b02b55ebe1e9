"""The loadwatch command as a runner meets it: real files in a folder, CliRunner, exit codes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch import __version__
from loadwatch.cli import cli
from loadwatch.fields import WEEK_FIELDS, csv_columns
from loadwatch.nightly.outputs import OUTPUT_FILES

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


#: Weekly CSV columns of the risk measures, after the 10%-rule ones.
RISK_CSV_FIELDS = csv_columns(WEEK_FIELDS, needs="risk")


def _runs(folder: Path, weeks: list[list[int]]) -> None:
    """Write one GPX per run: ``weeks[w]`` lists the run minutes of week ``w`` (at 3 m/s)."""
    for w, minutes in enumerate(weeks):
        for d, length in enumerate(minutes):
            start = MONDAY + timedelta(weeks=w, days=2 * d)
            path = folder / f"week{w}" / f"run{d}.gpx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(gpx(start, minutes=length, step_s=10))


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Three weeks: 90 min, 100 min (+11%: flagged), then 4 runs (+33% frequency).

    The first run is the longest of the first week, so that no later run is a spike.
    """
    folder = tmp_path / "runs"
    _runs(folder, [[40, 25, 25], [30, 30, 40], [25, 25, 25, 25]])
    (folder / "broken.gpx").write_text("<gpx><trk><trkseg><trkpt lat='1' lon='2'>")
    (folder / "readme.txt").write_text("my runs")
    return folder


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_table_flags_the_weeks(runs: Path) -> None:
    """The table shows each week and marks the distance and frequency flags; exit 0."""
    code, out, err = invoke("analyze", str(runs), "--timezone", "UTC")
    assert code == 0, err
    lines = out.splitlines()
    week2 = next(line for line in lines if line.startswith("2026-06-08"))
    week3 = next(line for line in lines if line.startswith("2026-06-15"))
    assert "DIST" in week2 and "+11%" in week2
    assert "FREQ" in week3 and "   4 " in week3
    assert " 0% " in week3  # same distance: no change, and no "-0%"
    assert "DIST" not in week3  # 100 -> 100 minutes at the same speed
    assert max(len(line) for line in lines) <= 80
    assert "\x1b[" not in out  # no colour when not on a terminal
    assert "Skipped 1 file:" in err and "broken.gpx" in err
    assert "readme.txt" not in err


def test_json_shape_is_exact(runs: Path) -> None:
    """--format json prints exactly the documented keys, distances in km."""
    code, out, _ = invoke("analyze", str(runs), "--format", "json", "--timezone", "UTC")
    assert code == 0
    data = json.loads(out)
    # The keys of the first release, in order; later releases only add keys after them.
    assert list(data)[:7] == [
        "loadwatch",
        "timezone",
        "units",
        "weeks",
        "activities",
        "duplicates",
        "skipped",
    ]
    assert (data["loadwatch"], data["timezone"], data["units"]) == (__version__, "UTC", "km")
    week = data["weeks"][1]
    assert list(week)[:13] == [
        "week_start",
        "runs",
        "distance_km",
        "duration_s",
        "intensity",
        "hard_minutes",
        "elev_gain_m",
        "distance_change",
        "runs_change",
        "intensity_change",
        "surface_km",
        "flags",
        "notes",
    ]
    assert week["week_start"] == "2026-06-08"
    assert week["runs"] == 3
    assert week["distance_km"] == pytest.approx(18.0, rel=0.005)
    assert week["distance_change"] == pytest.approx(0.1111, abs=0.002)
    assert week["flags"] == ["distance"]
    assert list(week["surface_km"]) == ["road", "trail", "track", "treadmill", "unknown"]
    activity = data["activities"][0]
    assert list(activity)[:10] == [
        "start",
        "sport",
        "surface",
        "distance_km",
        "duration_s",
        "moving_s",
        "avg_hr",
        "intensity",
        "name",
        "source",
    ]
    assert activity["start"] == "2026-06-01T07:00:00+00:00"
    assert activity["source"] == "week0/run0.gpx"
    assert data["skipped"][0]["source"] == "broken.gpx"
    assert data["duplicates"] == []


def test_units_change_the_table_not_the_json(runs: Path) -> None:
    """--units mi converts the table; JSON distances stay in km."""
    _, table, _ = invoke("analyze", str(runs), "--units", "mi", "--timezone", "UTC")
    header = next(line for line in table.splitlines() if line.startswith("Week of    "))
    assert " mi " in header
    first = next(line for line in table.splitlines() if line.startswith("2026-06-01"))
    assert " 10.1 " in first  # 16.2 km
    _, out, _ = invoke("analyze", str(runs), "--units", "mi", "--format", "json")
    assert json.loads(out)["units"] == "km"


def test_csv_has_one_row_per_week(runs: Path) -> None:
    """--format csv: a header and one row per week, surfaces flattened."""
    code, out, _ = invoke("analyze", str(runs), "--format", "csv", "--timezone", "UTC")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("week_start,runs,distance_km")
    assert "surface_km_road" in lines[0]
    assert len(lines) == 4
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[1]["flags"] == "distance"
    # The risk columns come after the 10%-rule ones, the week in progress's after them, then
    # next week's budget, the intensity's scale and the body log's (issue 12) last.
    body = ["pain_max", "pain_days", "pain_regions", "ostrc_severity", "srpe_load"]
    assert list(rows[1])[-5:] == body
    columns = list(rows[1])[:-5]
    budget = ["next_week_max_km", "next_week_max_runs", "next_week_longest_run_km"]
    assert columns[-5:] == [*budget, "next_week_basis", "intensity_source"]
    tail = ["complete", "days_elapsed", "remaining_km", "remaining_runs"]
    assert columns[-9:-5] == tail
    risk = columns[-9 - len(RISK_CSV_FIELDS) : -9]
    assert risk == list(RISK_CSV_FIELDS)
    assert rows[1]["risk"] == "elevated"  # +11% distance: a 10%-rule flag


def test_out_writes_charts_and_leaves_the_folder_untouched(runs: Path, tmp_path: Path) -> None:
    """--out writes PNG and SVG charts; PATH is byte-identical before and after, on rerun too."""
    before = _tree(runs)
    out_dir = tmp_path / "charts"
    errors = []
    for _ in range(2):
        code, _, err = invoke("analyze", str(runs), "--out", str(out_dir))
        assert code == 0, err
        errors.append(err)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(OUTPUT_FILES)
    assert (out_dir / "weekly-risk.png").read_bytes().startswith(b"\x89PNG")
    assert f"Wrote {out_dir / 'weekly-risk.png'}" in errors[0]
    # Nothing changed: the rerun keeps the charts it drew and rewrites only the reports.
    assert "weekly-risk.png" not in errors[1]
    assert f"Wrote {out_dir / 'latest.json'}" in errors[1]
    assert _tree(runs) == before


def test_since_and_threshold(runs: Path) -> None:
    """--since hides earlier weeks but not their effect; --threshold 0.5 silences both flags."""
    _, out, _ = invoke("analyze", str(runs), "--format", "json", "--since", "2026-06-08")
    data = json.loads(out)
    assert data["weeks"][0]["week_start"] == "2026-06-08"
    assert data["weeks"][0]["flags"] == ["distance"]  # +11% on the week before, not shown
    _, out, _ = invoke("analyze", str(runs), "--format", "json", "--threshold", "0.5")
    assert all(week["flags"] == [] for week in json.loads(out)["weeks"])


def test_colour_only_on_a_terminal_and_never_with_no_color(
    runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR wins even on a terminal."""
    monkeypatch.setattr("loadwatch.render.console.sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setattr("loadwatch.cli.analyze.use_colour", lambda: True)
    runner = CliRunner()
    coloured = runner.invoke(cli, ["analyze", str(runs)], color=True)
    assert "\x1b[" in coloured.stdout
    monkeypatch.undo()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = runner.invoke(cli, ["analyze", str(runs)], color=True)
    assert "\x1b[" not in plain.stdout


def test_missing_path_is_exit_1_with_a_message(tmp_path: Path) -> None:
    """A path that does not exist: exit 1, and the message names it."""
    code, out, err = invoke("analyze", str(tmp_path / "nope"))
    assert code == 1
    assert out == ""
    assert "nope: no such file or folder" in err


def _unreadable(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make ``path`` unreadable as for a user without the permission (root reads anything)."""
    real_access, real_scandir, real_open = os.access, os.scandir, Path.open

    def access(target: object, mode: int, *args: object, **kwargs: object) -> bool:
        if os.fspath(target) == str(path) and mode & os.R_OK:  # type: ignore[arg-type]
            return False
        return real_access(target, mode, *args, **kwargs)  # type: ignore[arg-type]

    def scandir(target: str) -> object:
        if os.fspath(target) == str(path):
            raise PermissionError(13, "Permission denied", os.fspath(target))
        return real_scandir(target)

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    real_os_open = os.open

    def os_open(target: str | Path, flags: int, *args: int) -> int:
        if Path(target) == path:
            raise PermissionError(13, "Permission denied", str(target))
        return real_os_open(target, flags, *args)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(Path, "open", open_)
    _unsearchable(monkeypatch, path)


def _unsearchable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Refuse ``stat`` of anything inside ``folder``, as a folder of mode 000 does."""
    real_stat = Path.stat

    def stat(self: Path, **kwargs: bool) -> os.stat_result:
        if folder in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)


@pytest.mark.parametrize(
    "kind", ["folder", "file", "config", "schedule", "in-locked", "schedule-in-locked"]
)
def test_unreadable_path_is_exit_1_like_a_missing_one(
    runs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A PATH (or --config) that cannot be read, or is inside a folder that cannot be, is the
    library's error, exit 1, as a missing one is; not a usage error nor a traceback."""
    config = tmp_path / "mine.toml"
    config.write_text("timezone = 'UTC'\n")
    out = tmp_path / "o"
    target, args = {
        "folder": (runs, ["analyze", str(runs)]),
        "file": (runs / "week0" / "run0.gpx", ["analyze", str(runs / "week0" / "run0.gpx")]),
        "config": (config, ["analyze", str(runs), "--config", str(config)]),
        "schedule": (runs, ["schedule", str(runs), "--out", str(out), "--dry-run"]),
        "in-locked": (runs, ["analyze", str(runs), "--out", str(out)]),
        "schedule-in-locked": (runs, ["schedule", str(runs), "--out", str(out), "--dry-run"]),
    }[kind]
    if kind.endswith("in-locked"):
        _unsearchable(monkeypatch, runs.parent)
    else:
        _unreadable(monkeypatch, target)
    code, out, err = invoke(*args, "--no-cache") if kind != "schedule" else invoke(*args)
    assert code == 1, err
    assert out == ""
    assert f"{target}: " in err and "cannot be read" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],
        ["analyze", ".", "--format", "xml"],
        ["analyze", ".", "--units", "furlong"],
        ["analyze", ".", "--since", "yesterday"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    """Usage errors exit with 2 and say what is wrong."""
    code, _, err = invoke(*args)
    assert code == 2
    assert "Error" in err


def test_bad_option_values_are_usage_errors(runs: Path) -> None:
    """A bad time zone, threshold or ACWR limit is a usage error (exit 2) that says why."""
    code, _, err = invoke("analyze", str(runs), "--timezone", "Mars/Base")
    assert code == 2 and "IANA time zone" in err
    code, _, err = invoke("analyze", str(runs), "--threshold", "-0.1")
    assert code == 2 and "fraction between 0 and 5" in err
    code, _, err = invoke("analyze", str(runs), "--acwr-limit", "0")
    assert code == 2 and "--acwr-limit" in err


def test_config_error_names_key_and_file(runs: Path, tmp_path: Path) -> None:
    """A config with an unknown key stops the run, naming the key and the file."""
    config = tmp_path / "lw.toml"
    config.write_text("[athlete]\nresting = 50\n")
    code, _, err = invoke("analyze", str(runs), "--config", str(config))
    assert code == 1
    assert str(config) in err and "athlete.resting" in err


def test_folder_config_sets_surfaces(runs: Path) -> None:
    """loadwatch.toml in PATH applies: a path rule turns week 0's runs into trail."""
    rule = '[[surfaces.rules]]\npath = "week0/*"\nsurface = "trail"\n'
    (runs / "loadwatch.toml").write_text(rule)
    _, out, _ = invoke("analyze", str(runs), "--format", "json", "--timezone", "UTC")
    weeks = json.loads(out)["weeks"]
    assert weeks[0]["surface_km"]["trail"] == pytest.approx(16.2, rel=0.005)
    assert weeks[1]["surface_km"]["unknown"] == pytest.approx(18.0, rel=0.005)


def test_strict_stops_at_the_first_bad_file(runs: Path) -> None:
    """--strict turns a skipped file into an error (exit 1)."""
    code, _, err = invoke("analyze", str(runs), "--strict")
    assert code == 1
    assert "broken.gpx" in err


def test_version_and_help() -> None:
    """--version prints the version; --help shows examples."""
    code, out, _ = invoke("--version")
    assert code == 0 and __version__ in out
    code, out, _ = invoke("analyze", "--help")
    assert code == 0 and "Examples:" in out and "loadwatch analyze sample_data" in out


def test_help_defaults_name_the_config_first() -> None:
    """Options a config file can set say so in their default, not only the built-in value."""
    code, out, _ = invoke("analyze", "--help")
    assert code == 0
    text = " ".join(out.split())
    for default in (
        "[default: the config's timezone, else the system's]",
        "[default: the config's threshold, else 0.10, i.e. 10%]",
        "[default: the config's risk.load, else distance]",
        "[default: the config's risk.acwr_limit, else 1.5]",
    ):
        assert default in text


def test_python_dash_m(runs: Path) -> None:
    """python -m loadwatch runs the same command."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "loadwatch", "analyze", str(runs), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["weeks"]


def test_since_mid_week_keeps_the_whole_week(runs: Path) -> None:
    """--since on a Thursday keeps that week whole: no cut-short week, no false flag after it."""
    _, out, _ = invoke("analyze", str(runs), "--format", "json", "--since", "2026-06-11")
    weeks = json.loads(out)["weeks"]
    assert weeks[0]["week_start"] == "2026-06-08"
    assert weeks[0]["runs"] == 3  # Monday's and Wednesday's runs are still counted
    assert weeks[1]["flags"] == ["frequency"]  # as without --since: no false distance flag


def test_heart_rates_that_contradict_each_other_are_refused(runs: Path, tmp_path: Path) -> None:
    """Rest above max, or a threshold outside rest..max, is refused, never silently ignored: a
    usage error (exit 2) from options, an error naming the file (exit 1) from a config."""
    code, _, err = invoke("analyze", str(runs), "--rest-hr", "200", "--max-hr", "100")
    assert code == 2 and "it must be lower than --max-hr (100), not 200" in err
    config = tmp_path / "c.toml"
    config.write_text("[athlete]\nrest_hr = 60\nthreshold_hr = 50\n")
    code, _, err = invoke("analyze", str(runs), "--config", str(config))
    assert code == 1
    assert f"{config}: athlete.threshold_hr must be above athlete.rest_hr (60), not 50" in err
