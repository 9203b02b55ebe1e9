"""Config files: what they may say, precedence, and errors that name the key and the file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from loadwatch.errors import ConfigError, SourceError
from loadwatch.settings.checks import check_timezone, parse_pace, system_timezone
from loadwatch.settings.config import Athlete, SurfaceRule, load_config
from loadwatch.vocab import WeekStart

FULL = """
timezone = "Europe/Berlin"
threshold = 0.15
week_start = "sunday"

[athlete]
rest_hr = 52
max_hr = 188
threshold_pace = "4:45"

[[surfaces.rules]]
path = "track/*"
surface = "track"

[[surfaces.rules]]
name = "parkrun"
surface = "trail"
"""


def test_a_full_config_is_read(tmp_path: Path) -> None:
    """Every documented key is understood."""
    (tmp_path / "loadwatch.toml").write_text(FULL)
    config = load_config(tmp_path, user_config=False)
    assert config.timezone == "Europe/Berlin"
    assert config.threshold == 0.15
    assert config.week_start is WeekStart.SUNDAY
    assert config.athlete == Athlete(rest_hr=52, max_hr=188, threshold_pace_s_per_km=285)
    assert config.surface_rules == (
        SurfaceRule("track", path="track/*"),
        SurfaceRule("trail", name="parkrun"),
    )
    assert config.files == (tmp_path / "loadwatch.toml",)


@pytest.mark.parametrize(
    ("text", "setting", "message"),
    [
        ("timezne = 'UTC'", None, "unknown key 'timezne'"),
        ("[athlete]\nrest_heart = 50", None, "unknown key 'athlete.rest_heart'"),
        ("[athlete]\nrest_hr = 'fifty'", "athlete.rest_hr", "athlete.rest_hr must be a heart rate"),
        ("[athlete]\nmax_hr = 400", "athlete.max_hr", "athlete.max_hr must be a heart rate"),
        (
            "[athlete]\nrest_hr = 80\nmax_hr = 70",
            "athlete.rest_hr",
            "athlete.rest_hr must be lower than athlete.max_hr (70), not 80",
        ),
        (
            "[athlete]\nmax_hr = 170\nthreshold_hr = 175",
            "athlete.threshold_hr",
            "athlete.threshold_hr must be at most athlete.max_hr (170), not 175",
        ),
        ("[athlete]\nthreshold_pace = 285", "athlete.threshold_pace", "must be minutes:seconds"),
        ("[athlete]\nthreshold_pace = '1:30'", "athlete.threshold_pace", "between 2:00 and 20:00"),
        ("[athlete]\nsex = 'x'", "athlete.sex", 'athlete.sex must be "male" or "female"'),
        ("timezone = 'Mars/Olympus'", "timezone", "timezone must be an IANA time zone"),
        ("threshold = -1", "threshold", "threshold must be a fraction between 0 and 5"),
        ("week_start = 'friday'", "week_start", 'week_start must be "monday" or "sunday"'),
        ("week_start = 1", "week_start", 'week_start must be "monday" or "sunday"'),
        ("[risk]\nweek_start = 'sunday'", None, "unknown key 'risk.week_start'"),
        ("[risk]\nstrength_target = 20", "risk.strength_target", "must be a whole number"),
        (
            "[[surfaces.rules]]\npath = '*'\nsurface = 'grass'",
            "surfaces.rules[0].surface",
            "surfaces.rules[0].surface must be one of road",
        ),
        ("[[surfaces.rules]]\nsurface = 'road'", "surfaces.rules[0]", "exactly one of 'path'"),
        ("[surfaces]\nrules = 3", "surfaces.rules", "surfaces.rules must be a list"),
        ("athlete = 3", "athlete", "athlete must be a table"),
        ("this is not toml", None, "is not valid TOML"),
    ],
)
def test_bad_config_names_the_key_and_the_file(
    tmp_path: Path, text: str, setting: str | None, message: str
) -> None:
    """An unknown key or a bad value is an error naming both, in the library's words (never an
    option of the command line), never ignored."""
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_config(None, path, user_config=False)
    assert str(path) in str(caught.value)
    assert caught.value.path == str(path)
    assert caught.value.setting == setting
    assert "--" not in caught.value.message


def test_precedence_user_then_folder_then_explicit(tmp_path: Path) -> None:
    """--config wins over the folder's loadwatch.toml, which wins over the user config."""
    user = tmp_path / "user.toml"
    user.write_text("timezone = 'UTC'\n[athlete]\nrest_hr = 50\nmax_hr = 190\n")
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "loadwatch.toml").write_text("[athlete]\nrest_hr = 55\n")
    explicit = tmp_path / "x.toml"
    explicit.write_text("threshold = 0.2\n[athlete]\nmax_hr = 185\n")
    config = load_config(folder, explicit, user_config=user)
    assert config.athlete.rest_hr == 55
    assert config.athlete.max_hr == 185
    assert config.timezone == "UTC"
    assert config.threshold == 0.2
    assert config.files == (user, folder / "loadwatch.toml", explicit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("week_start = 'sunday'", WeekStart.SUNDAY),
        ("week_start = 'Monday'", WeekStart.MONDAY),
        ("week_start = ' SUNDAY '", WeekStart.SUNDAY),
    ],
)
def test_week_start_is_read_at_the_top_level(
    tmp_path: Path, text: str, expected: WeekStart | None
) -> None:
    """week_start says which day weeks start on, in any case; left out, it is None (Monday)."""
    (tmp_path / "loadwatch.toml").write_text(text + "\n")
    assert load_config(tmp_path, user_config=False).week_start == expected


def test_week_start_of_the_folder_wins_over_the_user_config(tmp_path: Path) -> None:
    """The folder's week_start overrides the user's; a file that says nothing keeps the user's."""
    user = tmp_path / "user.toml"
    user.write_text("week_start = 'sunday'\n")
    folder = tmp_path / "runs"
    folder.mkdir()
    assert load_config(folder, user_config=user).week_start is WeekStart.SUNDAY
    (folder / "loadwatch.toml").write_text("week_start = 'monday'\n")
    assert load_config(folder, user_config=user).week_start is WeekStart.MONDAY


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    """--config pointing nowhere is reported, not ignored."""
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(None, tmp_path / "nope.toml", user_config=False)


def test_a_folder_that_cannot_be_looked_into_is_a_source_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Looking for PATH/loadwatch.toml in a folder of mode 000 says the folder cannot be read."""
    real_stat = Path.stat

    def stat(self: Path, **kwargs: bool) -> os.stat_result:
        if self.parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    with pytest.raises(SourceError, match=r"folder that cannot be read \(Permission denied\)"):
        load_config(tmp_path, user_config=False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can look into a folder of mode 000")
def test_a_folder_of_mode_000_is_a_source_error(tmp_path: Path) -> None:
    """Real permissions, where the tests do not run as root."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        with pytest.raises(SourceError, match=r"folder that cannot be read \(Permission denied\)"):
            load_config(locked, user_config=False)
    finally:
        locked.chmod(0o700)


def test_user_config_is_found_in_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the user config is $XDG_CONFIG_HOME/loadwatch/config.toml."""
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "loadwatch").mkdir()
    (tmp_path / "loadwatch" / "config.toml").write_text("[athlete]\nrest_hr = 48\n")
    assert load_config(None).athlete.rest_hr == 48


@pytest.mark.parametrize(("text", "seconds"), [("4:45", 285), ("12:00/km", 720), (" 5:05 ", 305)])
def test_pace(text: str, seconds: float) -> None:
    """Paces are minutes:seconds per km."""
    assert parse_pace(text) == seconds


def test_timezones() -> None:
    """IANA names pass; anything else is refused; the system's is always a valid name."""
    assert check_timezone("America/New_York") == "America/New_York"
    with pytest.raises(ConfigError):
        check_timezone("+02:00")
    check_timezone(system_timezone())
