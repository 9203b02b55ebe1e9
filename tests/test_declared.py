"""Every scalar setting declared once: the typed classes agree with the table, and the config
file's keys, option > config > default and the command's options all follow the table (a toy
setting added to it shows up in all three)."""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import loadwatch.cli.params as params
import loadwatch.model as model
import loadwatch.options as options
import loadwatch.settings.config as config
import loadwatch.settings.declared as declared
from loadwatch.cli.analyze import analyze_command, resolved
from loadwatch.cli.params import RunSettings, analysis_values, setting_of_param
from loadwatch.errors import ConfigError
from loadwatch.model import AnalyzeOptions, OptionValues
from loadwatch.options import option_names, resolve_options
from loadwatch.settings.checks import check_strength_target
from loadwatch.settings.config import Config, load_config
from loadwatch.settings.declared import SETTINGS, CommandOption, Setting, file_keys
from loadwatch.vocab import OnError

#: The fields of each class that are not scalar settings: each is handled by code of its own.
NOT_SCALAR_OPTIONS = {"athlete", "config"}
NOT_SCALAR_CONFIG = {"athlete", "surface_rules", "files", "shoes"}


def fields(cls: type[object]) -> set[str]:
    return {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]


# --- the typed classes and the table agree ---------------------------------------------------


def test_analyze_options_and_option_values_have_a_field_per_setting() -> None:
    """A setting declared without its fields in model.py, or the other way round, fails here."""
    declared_fields = {setting.field for setting in SETTINGS}
    assert len(declared_fields) == len(SETTINGS)
    assert fields(AnalyzeOptions) == declared_fields | NOT_SCALAR_OPTIONS
    assert set(OptionValues.__optional_keys__) == declared_fields | NOT_SCALAR_OPTIONS
    assert option_names() == declared_fields | NOT_SCALAR_OPTIONS


def test_config_has_a_field_per_setting_a_file_can_set() -> None:
    """Config's fields: the settings a file can set, and the tables of their own shape."""
    in_file = {setting.field for setting in SETTINGS if setting.in_file}
    assert fields(Config) == in_file | NOT_SCALAR_CONFIG
    hints = typing.get_type_hints(Config)
    for field in in_file:  # None: no file set it
        assert type(None) in typing.get_args(hints[field]), field


def test_every_setting_has_a_default() -> None:
    """AnalyzeOptions' default, or one the declaration finds out (the time zone: the system's)."""
    defaults = {field.name: field.default for field in dataclasses.fields(AnalyzeOptions)}
    for setting in SETTINGS:
        has_own = defaults[setting.field] is not dataclasses.MISSING
        assert has_own != (setting.default is not None), setting.field


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.field for s in SETTINGS])
def test_each_check_names_its_setting_as_declared(setting: Setting) -> None:
    """The check's own name for the setting is the declared one, and a file's value can name
    its file: a file, an option and a keyword fail in the same words."""
    signature = inspect.signature(setting.check)
    assert signature.parameters["setting"].default == setting.name
    if setting.in_file:
        assert "path" in signature.parameters
        assert setting.name.count(".") <= 1  # a key of the top level or of one table


# --- the three derived places follow the table -----------------------------------------------


def test_the_config_file_knows_the_declared_keys_and_no_others(tmp_path: Path) -> None:
    """Each setting a file can set is a key of its table; a setting it cannot set is an
    unknown key there."""
    keys = file_keys()
    for setting in SETTINGS:
        table, _, key = setting.name.rpartition(".")
        assert (key in keys.get(table, set())) == setting.in_file, setting.name
    assert keys[""] == {
        "as_of",
        "athlete",
        "body",
        "nightly",
        "risk",
        "runs",
        "shoes",
        "surfaces",
        "threshold",
        "timezone",
        "week_start",
    }
    file = tmp_path / "c.toml"
    file.write_text("jobs = 2\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config_file=file, user_config=False)
    known = "unknown key 'jobs' (known keys here: as_of, athlete, body, nightly, risk,"
    assert caught.value.message.startswith(known)


def test_the_command_has_the_declared_options_in_their_order() -> None:
    """Each setting with an option is a parameter of ``analyze`` named by its field, in the
    table's order, and an error about it names the option."""
    with_option = [setting for setting in SETTINGS if setting.option is not None]
    names = [param.name for param in analyze_command.params]
    assert [name for name in names if name in {s.field for s in SETTINGS}] == [
        setting.field for setting in with_option
    ]
    by_name = {param.name: param for param in analyze_command.params}
    for setting in with_option:
        assert setting.option is not None
        assert by_name[setting.field].opts == [setting.option.name]
        assert setting_of_param()[setting.field] == setting.name


def given_by(*args: str) -> OptionValues:
    """What ``loadwatch analyze x ARGS`` gives the library (on a command of its own: making a
    context of the real one would give it a help option without the group's ``-h``)."""
    options = params.analyze_options(lambda **_: None)
    command = click.command()(click.argument("path")(options))
    with command.make_context("analyze", ["x", *args]) as context:
        return analysis_values(context.params)


def test_the_command_gives_only_what_was_typed() -> None:
    """Options left out give None (the config's, else the default), --strict on_error=raise,
    and --jobs the number of cores."""
    given = given_by()
    assert given["on_error"] is None and given["settle_s"] is None
    assert given["jobs"] == declared._cores()
    given = given_by("--strict", "--settle", "5", "--jobs", "2")
    assert given["on_error"] is OnError.RAISE and given["settle_s"] == 5.0
    assert given["jobs"] == 2


def test_an_option_placed_after_a_setting_without_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Options set after a setting that lost its option would vanish from --help: refused."""
    without = tuple(
        dataclasses.replace(setting, option=None) if setting.field == "jobs" else setting
        for setting in SETTINGS
    )
    monkeypatch.setattr(params, "SETTINGS", without)
    with pytest.raises(RuntimeError, match="jobs"):
        params.command_options()


# --- a toy setting: one entry in the table, one field in each typed class --------------------

TOY = Setting(
    "toy_limit",
    "risk.toy_limit",
    check_strength_target,
    in_file=True,
    option=CommandOption("--toy-limit", "A toy limit.", type=int),
)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table with TOY at its end, and Config and AnalyzeOptions with its field, as a new
    setting would add them (subclasses here, since the real classes cannot change in a test)."""
    table = (*SETTINGS, TOY)
    toy_config = dataclasses.make_dataclass(
        "ToyConfig", [("toy_limit", int | None, None)], bases=(Config,), frozen=True
    )
    toy_options = dataclasses.make_dataclass(
        "ToyOptions",
        [("toy_limit", int, 7)],
        bases=(AnalyzeOptions,),
        frozen=True,
        kw_only=True,
    )
    for module in (declared, config, options, params, model):
        monkeypatch.setattr(module, "SETTINGS", table)
    monkeypatch.setattr(config, "Config", toy_config)
    monkeypatch.setattr(options, "AnalyzeOptions", toy_options)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "runs"
    root.mkdir()
    return root


def toy_of(folder: Path, **given: object) -> object:
    return vars(resolve_options(folder, **given))["toy_limit"]  # type: ignore[arg-type]


@pytest.mark.usefixtures("toy")
def test_a_toy_setting_is_read_from_a_file_and_resolved(folder: Path, tmp_path: Path) -> None:
    """Its key in [risk], merged over files, the given value over the config's over the default."""
    assert toy_of(folder) == 7
    (folder / "loadwatch.toml").write_text("[risk]\ntoy_limit = 4\n")
    assert toy_of(folder) == 4
    mine = tmp_path / "mine.toml"
    mine.write_text("threshold = 0.3\n")
    assert toy_of(folder, config=mine) == 4  # a file that does not set it keeps the folder's
    mine.write_text("[risk]\ntoy_limit = 5\n")
    assert toy_of(folder, config=mine) == 5
    assert toy_of(folder, config=mine, toy_limit=0) == 0
    (folder / "loadwatch.toml").write_text("[risk]\ntoy = 1\n")
    with pytest.raises(
        ConfigError, match="known keys here: acwr_limit, break_days, load, strength_target, toy"
    ):
        toy_of(folder)


@pytest.mark.usefixtures("toy")
def test_a_toy_setting_is_checked_and_named(folder: Path) -> None:
    """A bad value names the setting, and the file it came from."""
    with pytest.raises(ConfigError, match=r"^risk\.toy_limit must be a whole number") as caught:
        toy_of(folder, toy_limit=99)
    assert (caught.value.setting, caught.value.path) == ("risk.toy_limit", None)
    (folder / "loadwatch.toml").write_text("[risk]\ntoy_limit = -1\n")
    with pytest.raises(ConfigError) as caught:
        toy_of(folder)
    assert caught.value.path is not None and caught.value.setting == "risk.toy_limit"


def test_without_the_toy_its_key_is_unknown(folder: Path) -> None:
    """The toy's key comes from the table alone: without its entry a file may not hold it."""
    (folder / "loadwatch.toml").write_text("[risk]\ntoy_limit = 4\n")
    with pytest.raises(ConfigError, match=r"unknown key 'risk\.toy_limit'"):
        resolve_options(folder)


@pytest.mark.usefixtures("toy")
def test_a_toy_setting_has_its_option(folder: Path) -> None:
    """The command built from the table has --toy-limit; it wins, and a bad value is a usage
    error naming the option."""
    seen: list[object] = []

    @click.command()
    @click.argument("path", type=click.Path(path_type=Path))
    @params.analyze_options
    def toy_command(
        path: Path, given: OptionValues, run_settings: RunSettings, **_: object
    ) -> None:
        seen.append(vars(resolved(path, given, click.get_current_context()))["toy_limit"])

    runner = CliRunner()
    help_text = runner.invoke(toy_command, ["--help"]).output
    assert re.search(r"-q, --quiet .*\n  --toy-limit INTEGER +A toy limit\.\n", help_text)
    result = runner.invoke(toy_command, [str(folder), "--toy-limit", "3"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(toy_command, [str(folder)])
    assert result.exit_code == 0, result.output
    assert seen == [3, 7]
    result = runner.invoke(toy_command, [str(folder), "--toy-limit", "99"])
    assert result.exit_code == 2
    assert "Invalid value for '--toy-limit': it must be a whole number of sessions" in result.stderr
