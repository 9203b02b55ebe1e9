"""One typed options object: every setting resolved once (option > config file > default) and
checked once; errors name the setting from Python and the option from the command line."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.analysis import analyze
from loadwatch.cli import cli
from loadwatch.errors import ConfigError
from loadwatch.model import DEFAULT_THRESHOLD, AnalyzeOptions, OptionValues
from loadwatch.nightly.runner import run
from loadwatch.options import override_options, resolve_options
from loadwatch.settings.config import Athlete, Config, load_config
from loadwatch.vocab import LoadBasis, OnError, WeekStart

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two weeks of three runs; the second week's are twice as long (+100%: flagged at 10%)."""
    root = tmp_path / "runs"
    for week, minutes in enumerate([20, 40]):
        for day in range(3):
            path = root / f"w{week}" / f"run{day}.gpx"
            path.parent.mkdir(parents=True, exist_ok=True)
            start = MONDAY + timedelta(weeks=week, days=2 * day)
            path.write_text(gpx(start, minutes=minutes, step_s=30))
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stderr


# --- precedence: option > config file > default --------------------------------------------

#: keyword, the config file's line, what it gives, a given value, what that gives, the default.
FROM_CONFIG = [
    ("timezone", 'timezone = "Asia/Tokyo"', "Asia/Tokyo", "Europe/Berlin", "Europe/Berlin", None),
    ("threshold", "threshold = 0.2", 0.2, 0, 0.0, 0.10),
    ("load", '[risk]\nload = "trimp"', LoadBasis.TRIMP, "Duration", LoadBasis.DURATION, "distance"),
    ("acwr_limit", "[risk]\nacwr_limit = 1.8", 1.8, 2, 2.0, 1.5),
    ("strength_target", "[risk]\nstrength_target = 3", 3, 0, 0, 2),
    ("osm", '[surfaces]\nosm = "map.osm.pbf"', "map.osm.pbf", "~/x.osm.pbf", "~/x.osm.pbf", None),
]


@pytest.mark.parametrize(
    ("keyword", "line", "configured", "given", "chosen", "default"),
    FROM_CONFIG,
    ids=[row[0] for row in FROM_CONFIG],
)
def test_an_option_wins_over_the_config_which_wins_over_the_default(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    keyword: str,
    line: str,
    configured: object,
    given: object,
    chosen: object,
    default: object,
) -> None:
    """Each setting a config file can hold: the default alone, the config over it, an option
    over both (a falsy 0 included)."""
    monkeypatch.setenv("TZ", "America/Chicago")  # the system's zone, the timezone's default
    if keyword == "timezone":
        default = "America/Chicago"
    if keyword == "osm":
        configured, chosen = folder / "map.osm.pbf", Path.home() / "x.osm.pbf"
    assert getattr(resolve_options(folder), keyword) == default
    (folder / "loadwatch.toml").write_text(line + "\n")
    assert getattr(resolve_options(folder), keyword) == configured
    assert getattr(resolve_options(folder, **{keyword: given}), keyword) == chosen  # type: ignore[misc]
    assert getattr(resolve_options(folder, **{keyword: None}), keyword) == configured  # type: ignore[misc]


#: keyword, a given value, what it gives, the default (settings no config file holds today).
GIVEN_ONLY = [
    ("since", "2026-06-03", date(2026, 6, 3), None),
    ("since", datetime(2026, 6, 3, 23, 0), date(2026, 6, 3), None),
    ("on_error", "RAISE", OnError.RAISE, OnError.SKIP),
    ("jobs", 3, 3, 1),
    ("settle_s", 120, 120.0, 0.0),
    ("week_start", "sunday", WeekStart.SUNDAY, WeekStart.MONDAY),
]


@pytest.mark.parametrize(("keyword", "given", "chosen", "default"), GIVEN_ONLY)
def test_settings_without_a_config_key_take_the_option_else_the_default(
    folder: Path, keyword: str, given: object, chosen: object, default: object
) -> None:
    """since, on_error, jobs, settle_s and week_start: the given value, else the default."""
    assert getattr(resolve_options(folder), keyword) == default
    options = resolve_options(folder, **{keyword: given})  # type: ignore[misc]
    assert getattr(options, keyword) == chosen
    assert type(getattr(options, keyword)) is type(chosen)


def test_athlete_numbers_are_overridden_one_by_one(folder: Path) -> None:
    """An option sets the numbers it names; the config's others stay."""
    (folder / "loadwatch.toml").write_text(
        '[athlete]\nrest_hr = 50\nmax_hr = 190\nthreshold_pace = "4:45"\nsex = "female"\n'
    )
    assert resolve_options(folder).athlete == Athlete(50, 190, None, 285, "female")
    options = resolve_options(folder, athlete=Athlete(max_hr=185, threshold_hr=170))
    assert options.athlete == Athlete(50, 185, 170, 285, "female")
    assert resolve_options(folder.parent).athlete == Athlete()  # no config: all derived


def test_an_explicit_config_file_and_a_config_object(folder: Path, tmp_path: Path) -> None:
    """config= is a file read on top of the folder's, or a Config used as it is."""
    (folder / "loadwatch.toml").write_text("threshold = 0.2\n")
    mine = tmp_path / "mine.toml"
    mine.write_text("threshold = 0.3\n")
    assert resolve_options(folder, config=mine).threshold == 0.3
    assert resolve_options(folder, config=str(mine)).threshold == 0.3
    given = Config(threshold=0.4)
    assert resolve_options(folder, config=given).threshold == 0.4
    assert resolve_options(folder, config=given).config is given


def test_the_readme_calls_still_work(folder: Path) -> None:
    """analyze(path) and analyze(path, timezone=..., threshold=..., since=...) as documented."""
    plain = analyze(folder)
    # The second week's first run, twice the longest before it, is a spike on a short history.
    second = list(plain.weeks["flags"].iloc[1])
    assert plain.threshold == 0.10 and second == ["distance", "session_spike"]
    result = analyze(folder, timezone="Europe/Berlin", threshold=1.5, since=date(2026, 6, 10))
    assert (result.timezone, result.threshold, result.since) == (
        "Europe/Berlin",
        1.5,
        date(2026, 6, 8),
    )
    assert len(result.weeks) == 1 and list(result.weeks["flags"].iloc[0]) == ["session_spike"]


def test_options_and_keywords_together(folder: Path) -> None:
    """Keywords given with options change those settings only, checked the same way."""
    options = resolve_options(folder, timezone="UTC", load="trimp", athlete=Athlete(rest_hr=50))
    result = analyze(folder, options, threshold=1.5, athlete=Athlete(max_hr=180))
    assert result.threshold == 1.5 and result.timezone == "UTC"
    assert result.risk.load == LoadBasis.TRIMP
    changed = override_options(options, athlete=Athlete(max_hr=180))
    assert changed.athlete == Athlete(rest_hr=50, max_hr=180)
    with pytest.raises(ConfigError, match=r"^threshold must be") as caught:
        analyze(folder, options, threshold=-1)
    assert caught.value.setting == "threshold"
    with pytest.raises(TypeError, match="config"):
        override_options(options, config=Config())


def test_an_unknown_keyword_is_refused(folder: Path) -> None:
    """A misspelt setting is an error, never silently ignored."""
    with pytest.raises(TypeError, match="thresold"):
        analyze(folder, thresold=0.2)  # type: ignore[call-arg]


# --- one check per value; the setting's name from Python, the option's from the CLI --------

#: keyword, a bad value, the setting the error names, the start of its message.
BAD_VALUES = [
    ("timezone", "Mars/Base", "timezone", "timezone must be an IANA time zone name"),
    ("timezone", "", "timezone", "timezone must be an IANA time zone name"),
    ("threshold", -0.1, "threshold", "threshold must be a fraction between 0 and 5"),
    ("threshold", True, "threshold", "threshold must be a fraction between 0 and 5"),
    ("since", "yesterday", "since", "since must be a date such as 2026-06-01"),
    ("load", "pace", "risk.load", "risk.load must be one of distance, duration, trimp"),
    ("acwr_limit", 1.0, "risk.acwr_limit", "risk.acwr_limit must be a ratio above 1"),
    ("strength_target", 2.5, "risk.strength_target", "risk.strength_target must be a whole"),
    ("osm", "", "surfaces.osm", "surfaces.osm must be the path of an OSM extract"),
    ("on_error", "ignore", "on_error", "on_error must be one of skip, warn, raise"),
    ("jobs", 0, "jobs", "jobs must be a whole number, 1 or more"),
    ("settle_s", -1, "settle_s", "settle_s must be a number of seconds, 0 or more"),
    ("week_start", "friday", "week_start", 'week_start must be "monday" or "sunday"'),
    ("athlete", Athlete(rest_hr=10), "athlete.rest_hr", "athlete.rest_hr must be a heart rate"),
    ("athlete", Athlete(max_hr=300), "athlete.max_hr", "athlete.max_hr must be a heart rate"),
    ("athlete", Athlete(threshold_hr=20), "athlete.threshold_hr", "athlete.threshold_hr must"),
    (
        "athlete",
        Athlete(threshold_pace_s_per_km=60),
        "athlete.threshold_pace_s_per_km",
        "athlete.threshold_pace_s_per_km must be seconds per km between 120 and 1200",
    ),
    ("athlete", Athlete(sex="x"), "athlete.sex", 'athlete.sex must be "male" or "female"'),
    (
        "athlete",
        Athlete(rest_hr=200, max_hr=100),
        "athlete.rest_hr",
        "athlete.rest_hr must be lower than athlete.max_hr (100), not 200",
    ),
    (
        "athlete",
        Athlete(rest_hr=60, threshold_hr=55),
        "athlete.threshold_hr",
        "athlete.threshold_hr must be above athlete.rest_hr (60), not 55",
    ),
    ("athlete", {"rest_hr": 50}, "athlete", "athlete must be an Athlete"),
]


@pytest.mark.parametrize(("keyword", "value", "setting", "message"), BAD_VALUES)
def test_a_bad_value_from_python_names_the_setting(
    folder: Path, keyword: str, value: object, setting: str, message: str
) -> None:
    """The error names the setting in the library's words, never a command-line option."""
    with pytest.raises(ConfigError) as caught:
        analyze(folder, **{keyword: value})  # type: ignore[misc]
    error = caught.value
    assert error.setting == setting
    assert error.message.startswith(message)
    assert error.path is None
    assert "--" not in str(error)


#: options, the option the error names, the setting (its message as Python has it).
BAD_OPTIONS = [
    (["--timezone", "Mars/Base"], "--timezone", {"timezone": "Mars/Base"}),
    (["--threshold", "-0.1"], "--threshold", {"threshold": -0.1}),
    (["--load", "pace"], "--load", {"load": "pace"}),
    (["--acwr-limit", "1"], "--acwr-limit", {"acwr_limit": 1.0}),
    (["--rest-hr", "10"], "--rest-hr", {"athlete": Athlete(rest_hr=10)}),
    (["--max-hr", "300"], "--max-hr", {"athlete": Athlete(max_hr=300)}),
    (["--jobs", "0"], "--jobs", {"jobs": 0}),
    (["--settle", "-5"], "--settle", {"settle_s": -5.0}),
]


@pytest.mark.parametrize(("args", "option", "same"), BAD_OPTIONS, ids=[r[1] for r in BAD_OPTIONS])
def test_a_bad_option_value_is_a_usage_error_naming_the_option(
    folder: Path, args: list[str], option: str, same: OptionValues
) -> None:
    """Exit 2, the option's name, and the very words Python gets: one check, in one place."""
    with pytest.raises(ConfigError) as caught:
        resolve_options(folder, **same)
    assert caught.value.setting is not None
    reason = caught.value.message.removeprefix(caught.value.setting)
    code, err = invoke("analyze", str(folder), "--no-cache", *args)
    assert code == 2
    assert f"Invalid value for '{option}': it{reason}" in err
    assert caught.value.setting not in err.replace(option, "")


def test_contradicting_heart_rates_name_what_the_user_set(folder: Path, tmp_path: Path) -> None:
    """The options are called by their names, a config's number by its setting's, and the
    error is the option's that clashes with a config's number (exit 2, a bad value)."""
    code, err = invoke("analyze", str(folder), "--rest-hr", "200", "--max-hr", "100")
    assert code == 2
    assert "Invalid value for '--rest-hr': it must be lower than --max-hr (100), not 200" in err
    config = tmp_path / "c.toml"
    config.write_text("[athlete]\nmax_hr = 150\n")
    code, err = invoke("analyze", str(folder), "--config", str(config), "--rest-hr", "160")
    assert code == 2
    assert "'--rest-hr': it must be lower than athlete.max_hr (150), not 160" in err
    config.write_text("[athlete]\nrest_hr = 60\n")
    code, err = invoke("analyze", str(folder), "--config", str(config), "--max-hr", "55")
    # The option the user typed is what clashes with the config's number: a bad option value.
    assert code == 2
    assert "'--max-hr': it must be higher than athlete.rest_hr (60), not 55" in err


def test_config_files_that_disagree_name_the_settings(folder: Path, tmp_path: Path) -> None:
    """Numbers from two files that are fine alone but not together: exit 1, both named."""
    user = tmp_path / "home" / "loadwatch" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[athlete]\nrest_hr = 60\n")
    (folder / "loadwatch.toml").write_text("[athlete]\nmax_hr = 55\n")
    runner = CliRunner(env={"XDG_CONFIG_HOME": str(tmp_path / "home")})
    result = runner.invoke(cli, ["analyze", str(folder), "--no-cache"])
    assert result.exit_code == 1
    assert "Error: athlete.rest_hr must be lower than athlete.max_hr (55), not 60" in result.stderr


@pytest.mark.parametrize(
    ("text", "setting", "words"),
    [
        ("threshold = -1", "threshold", "must be a fraction between 0 and 5"),
        ("timezone = 'Mars/Base'", "timezone", "must be an IANA time zone name"),
        ("[athlete]\nrest_hr = 10", "athlete.rest_hr", "must be a heart rate in bpm"),
        ("[risk]\nload = 'pace'", "risk.load", "must be one of distance, duration, trimp"),
        ("[risk]\nacwr_limit = 0.5", "risk.acwr_limit", "must be a ratio above 1"),
        ("[surfaces]\nosm = ''", "surfaces.osm", "must be the path of an OSM extract"),
    ],
)
def test_a_bad_config_file_exits_1_naming_the_file_and_the_setting(
    folder: Path, tmp_path: Path, text: str, setting: str, words: str
) -> None:
    """A broken config is an error (exit 1), not a usage error, even when an option would
    override the value: the file is named, and the setting as the file spells it."""
    config = tmp_path / "mine.toml"
    config.write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(folder, config)
    assert (caught.value.setting, caught.value.path) == (setting, str(config))
    for extra in ([], ["--threshold", "0.2"]):
        code, err = invoke("analyze", str(folder), "--config", str(config), *extra)
        assert code == 1
        assert f"Error: {config}: {setting} {words}" in err


def test_schedule_refuses_a_bad_value_at_install_time(folder: Path, tmp_path: Path) -> None:
    """The nightly job's options are resolved when it is installed, with the same words."""
    args = ["schedule", str(folder), "--out", str(tmp_path / "o"), "--dry-run"]
    code, err = invoke(*args, "--threshold", "9")
    assert code == 2
    assert "would refuse this: Invalid value for '--threshold': it must be a fraction" in err
    config = tmp_path / "mine.toml"
    config.write_text("[risk]\nload = 'pace'\n")
    code, err = invoke(*args, "--config", str(config))
    assert code == 1 and f"{config}: risk.load must be one of" in err


# --- the object ------------------------------------------------------------------------------


def test_analyze_options_are_frozen_and_typed(folder: Path) -> None:
    """Resolved values have the vocabulary's types; the object cannot be changed in place."""
    options = resolve_options(
        folder, load="trimp", on_error="warn", week_start="Sunday", since="2026-06-08"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.threshold = 0.5  # type: ignore[misc]
    hints = typing.get_type_hints(AnalyzeOptions)
    assert (hints["load"], hints["on_error"], hints["week_start"]) == (
        LoadBasis,
        OnError,
        WeekStart,
    )
    assert type(options.load) is LoadBasis and type(options.on_error) is OnError
    assert type(options.week_start) is WeekStart and type(options.since) is date
    assert isinstance(options.threshold, float) and isinstance(options.athlete, Athlete)
    assert options.risk.load is LoadBasis.TRIMP


def test_the_keywords_are_the_fields() -> None:
    """Every field of AnalyzeOptions can be given by name, and nothing else can."""
    fields = {field.name for field in dataclasses.fields(AnalyzeOptions)}
    assert set(OptionValues.__optional_keys__) == fields
    assert AnalyzeOptions(timezone="UTC").threshold == DEFAULT_THRESHOLD


def test_run_takes_the_options_object(folder: Path) -> None:
    """run(path, options) analyses with them; its own keywords stay its own."""
    options = resolve_options(folder, timezone="UTC", threshold=1.5)
    result = run(folder, options, cache=False)
    assert result.analysis.threshold == 1.5 and result.analysis.timezone == "UTC"
    assert all("distance" not in flags for flags in result.analysis.weeks["flags"])


def test_the_command_line_builds_the_object(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """loadwatch analyze resolves its options once and hands run() the object."""
    import loadwatch.nightly.runner as command  # analyze imports run() when it needs it

    seen: list[AnalyzeOptions] = []
    real = command.run

    def spy(path: Path, options: AnalyzeOptions, **keywords: typing.Any) -> typing.Any:
        seen.append(options)
        return real(path, options, **keywords)

    monkeypatch.setattr(command, "run", spy)
    config = tmp_path / "mine.toml"
    config.write_text("threshold = 0.3\n[risk]\nload = 'trimp'\n")
    args = ["--config", str(config), "--acwr-limit", "2", "--strict", "--jobs", "2", "-q"]
    code, err = invoke("analyze", str(folder), "--no-cache", "--rest-hr", "48", *args)
    assert code == 0, err
    (options,) = seen
    assert (options.threshold, options.load, options.acwr_limit) == (0.3, LoadBasis.TRIMP, 2.0)
    assert (options.on_error, options.jobs, options.athlete.rest_hr) == (OnError.RAISE, 2, 48)


@pytest.mark.parametrize(
    ("fields", "setting"),
    [
        ({"timezone": "Nope/Zone"}, "timezone"),
        ({"week_start": "tuesday"}, "week_start"),
        ({"threshold": -1.0}, "threshold"),
        ({"jobs": 0}, "jobs"),
        ({"athlete": Athlete(rest_hr=80, max_hr=70)}, "athlete.rest_hr"),
    ],
)
def test_options_built_by_hand_are_checked_as_resolved_ones_are(
    fields: dict[str, object], setting: str
) -> None:
    """An AnalyzeOptions made by hand passes the same checks: a ConfigError naming the setting,
    never a bare ValueError or a silently wrong analysis."""
    with pytest.raises(ConfigError) as caught:
        AnalyzeOptions(**{"timezone": "UTC", **fields})  # type: ignore[arg-type]
    assert caught.value.setting == setting


def test_options_built_by_hand_keep_what_the_checks_make_of_a_value() -> None:
    """Words become the vocabulary's members, as they do through resolve_options."""
    options = AnalyzeOptions(timezone="UTC", week_start="Sunday", on_error="warn")  # type: ignore[arg-type]
    assert options.week_start is WeekStart.SUNDAY
    assert options.on_error is OnError.WARN
