"""The options of ``loadwatch analyze``, gathered into what the library takes.

:func:`analyze_options` adds every option to the command and calls it with two typed
values instead of one argument each: ``given``, the analysis's settings for
:func:`~loadwatch.options.resolve_options`, and ``run_settings``, the keywords of
:func:`~loadwatch.nightly.runner.run` itself. Click parses the words (a number, a date, a
choice); whether a value can be used is the library's to say, as it says for a config file or
a Python call. :func:`option_error` turns the library's :class:`~loadwatch.errors.ConfigError`,
which names a setting (``threshold``), into click's error, which names the option
(``--threshold``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypedDict, cast

import click
from click.core import ParameterSource

from loadwatch.errors import ConfigError
from loadwatch.ingest.lock import DEFAULT_WAIT_S  # not nightly.runner: it imports pandas
from loadwatch.model import OptionValues
from loadwatch.settings.config import Athlete
from loadwatch.settings.declared import SETTINGS, CommandOption
from loadwatch.vocab import Units

#: A click option, as it decorates the command.
_Decorator = Callable[[Callable[..., None]], Callable[..., None]]

#: The setting each option of ``loadwatch analyze`` that is no scalar setting's sets (by the
#: option's parameter name), as :class:`~loadwatch.errors.ConfigError` names it; the scalar
#: settings' are declared with them (see :func:`setting_of_param`).
_OWN_SETTING_OF_PARAM: dict[str, str] = {
    "rest_hr": "athlete.rest_hr",
    "max_hr": "athlete.max_hr",
    "out": "out",
    "cache_path": "cache",
    "log_file": "log",
}

#: The days an option may name: no watch recorded before 1900, and weeks need room on both
#: sides of the day within Python's calendar (a week around 9999-12-31 cannot be counted).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class Day(click.DateTime):
    """A day as YYYY-MM-DD, between :data:`FIRST_DAY` and :data:`LAST_DAY` (click's
    ``DateTime``, with the range checked: a day outside is a usage error, exit 2)."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The day as click's ``DateTime`` gives it, or click's usage error."""
        when = super().convert(value, param, ctx)
        if not FIRST_DAY <= when.date() <= LAST_DAY:
            self.fail(f"{when.date()} is outside {FIRST_DAY} to {LAST_DAY}", param, ctx)
        return when


#: What the words of a scalar setting's option are parsed into, where click needs more than
#: the declared type (a file's path, a date); see
#: :class:`~loadwatch.settings.declared.CommandOption`.
_CLICK_TYPES: dict[object, click.ParamType[Any]] = {
    date: Day(),
    Path: click.Path(dir_okay=False, readable=False, path_type=Path),
}


class Seconds(click.ParamType[float]):
    """A number of seconds, 0 or more and finite: ``nan`` or ``inf`` would wait for ever."""

    name = "seconds"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """``value`` as a float, or click's usage error (exit 2) saying what is wanted."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number < 0:
            self.fail(f"it must be a number of seconds, 0 or more, not {value}", param, ctx)
        return number


def setting_of_param() -> dict[str, str]:
    """The setting each option of ``loadwatch analyze`` sets, by the option's parameter name
    (a scalar setting's option is named by its field), as ConfigError names it."""
    declared = {setting.field: setting.name for setting in SETTINGS if setting.option}
    return {**declared, **_OWN_SETTING_OF_PARAM}


class RunSettings(TypedDict):
    """The keywords of :func:`~loadwatch.nightly.runner.run` that the command line sets."""

    out: Path | None
    units: Units
    cache: Path | bool | None
    wait_s: float
    notify: str | None


#: The options that set no scalar setting, in ``--help`` order, each group after the option of
#: the setting it names (``None``: before them all). The scalar settings' options come in the
#: order of :data:`~loadwatch.settings.declared.SETTINGS`.
_OTHER_OPTIONS: dict[str | None, tuple[_Decorator, ...]] = {
    None: (
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["table", "json", "csv"]),
            default="table",
            show_default=True,
            help="What to print on standard output.",
        ),
        click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder for the chart (PNG, SVG), weeks.csv, latest.json and index.html.",
        ),
    ),
    "week_start": (
        click.option(
            "--units",
            type=click.Choice([unit.value for unit in Units]),
            default=Units.KM.value,
            show_default=True,
            help="Distance units of the table and charts (JSON and CSV stay in km).",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, readable=False, path_type=Path),
            help="A loadwatch TOML config file, read on top of the user and folder configs.",
        ),
        click.option("--rest-hr", type=int, help="Resting heart rate (bpm, 25 to 250)."),
        click.option("--max-hr", type=int, help="Maximum heart rate (bpm, 25 to 250)."),
    ),
    "jobs": (
        click.option(
            "--cache",
            "cache_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="The cache database of parsed files [default: in your user cache folder].",
        ),
        click.option(
            "--no-cache", is_flag=True, help="Parse every file again; read and write no cache."
        ),
    ),
    "settle_s": (
        click.option(
            "--wait",
            type=Seconds(),
            default=DEFAULT_WAIT_S,
            show_default=True,
            metavar="SECONDS",
            help="How long to wait for another loadwatch run using the same cache.",
        ),
        click.option(
            "--notify",
            metavar="COMMAND",
            help="Shell command to run when the newest week gains a flag (summary on its stdin).",
        ),
        click.option(
            "--fail-on-flag",
            is_flag=True,
            help="Exit with code 3 when the newest week is flagged (for scripts).",
        ),
        click.option(
            "--log",
            "log_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Append all output to this log file (rotated at 1 MB) instead of the terminal.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="Print the answer alone: no weeks, no skip list.",
        ),
    ),
}

#: What the command itself keeps: the words of the command line that are neither the
#: analysis's settings nor the run's (its inputs: ``paths``, or one ``path``).
_OWN = (
    "path",
    "paths",
    "output_format",
    "fail_on_flag",
    "log_file",
    "quiet",
    *("shown_weeks", "all_weeks", "legend"),  # loadwatch analyze's table (cli/printing.py)
)


def analyze_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options of ``loadwatch analyze`` to ``command``, and call it with ``given``
    (:class:`~loadwatch.model.OptionValues`), ``run_settings`` (:class:`RunSettings`) and the
    parameters of :data:`_OWN`."""

    @functools.wraps(command)
    def gathered(**params: Any) -> None:
        own = {name: params[name] for name in _OWN if name in params}
        command(given=analysis_values(params), run_settings=run_values(params), **own)

    decorated: Callable[..., None] = gathered
    for option in reversed(command_options()):
        decorated = option(decorated)
    return decorated


def command_options() -> list[_Decorator]:
    """The options of ``loadwatch analyze`` in ``--help`` order: the scalar settings' as
    declared, with the others (:data:`_OTHER_OPTIONS`) among them.

    Raises:
        RuntimeError: A group of :data:`_OTHER_OPTIONS` follows a setting that has no option.
    """
    options = list(_OTHER_OPTIONS.get(None, ()))
    placed: set[str | None] = {None}
    for setting in SETTINGS:
        if setting.option is not None:
            options.append(_setting_option(setting.field, setting.option))
            options.extend(_OTHER_OPTIONS.get(setting.field, ()))
            placed.add(setting.field)
    if lost := set(_OTHER_OPTIONS) - placed:
        raise RuntimeError(f"options placed after settings with no option: {lost}")
    return options


def _setting_option(field: str, option: CommandOption) -> _Decorator:
    """The click option of a scalar setting, its parameter named by the setting's field."""
    if option.flag_value is not None:
        return click.option(option.name, field, is_flag=True, help=option.help)
    kind = _CLICK_TYPES.get(option.type, option.type)
    return click.option(
        option.name,
        field,
        type=kind,
        metavar=option.metavar,
        default=option.default,
        help=option.help,
    )


def analysis_values(params: Mapping[str, Any]) -> OptionValues:
    """The analysis's settings among the parsed options: ``None`` where none was given."""
    values: dict[str, Any] = {
        setting.field: _given(setting.option, params[setting.field])
        for setting in SETTINGS
        if setting.option is not None
    }
    rest, top = params["rest_hr"], params["max_hr"]
    values["athlete"] = None if rest is None and top is None else Athlete(rest_hr=rest, max_hr=top)
    values["config"] = params["config_file"]
    return cast(OptionValues, values)


def _given(option: CommandOption, value: object) -> object:
    """What an option gave its setting: an on/off option its value when on, else ``None``."""
    if option.flag_value is not None:
        return option.flag_value if value else None
    return value


def run_values(params: Mapping[str, Any]) -> RunSettings:
    """The run's own keywords among the parsed options."""
    return RunSettings(
        out=params["out"],
        units=Units(params["units"]),
        cache=False if params["no_cache"] else params["cache_path"],
        wait_s=params["wait"],
        notify=params["notify"],
    )


def option_error(error: ConfigError, ctx: click.Context, *, usage: bool) -> click.ClickException:
    """The command line's error for ``error``: each setting given as an option called by the
    option's name, unless the error is about a config file.

    Args:
        error: The library's error.
        ctx: The command's context: which options were given, and their names.
        usage: Whether a bad value of an option is a usage error (exit 2): true for the
            settings of the analysis, false for what the run found (exit 1).
    """
    if error.path is not None:  # about a config file: its words, and the file
        return click.ClickException(str(error))
    options = _given_options(ctx)
    text = error.message
    for setting, option in options.items():
        # The setting the message begins with; further on, only a dotted name (athlete.max_hr)
        # is surely a setting, where a plain word (log, out) may be just a word.
        if setting == error.setting and text.startswith(f"{setting} "):
            text = option.opts[0] + text.removeprefix(setting)
        if "." in setting:
            text = re.sub(rf"(?<![\w.]){re.escape(setting)}(?!\w)", option.opts[0], text)
    if usage and error.setting in options:
        option = options[error.setting]
        reason = text.removeprefix(f"{option.opts[0]} ")
        return click.BadParameter(f"it {reason}" if reason != text else text, ctx, option)
    return click.ClickException(text)


def _given_options(ctx: click.Context) -> dict[str, click.Parameter]:
    """The settings set by an option on the command line, and that option."""
    given: dict[str, click.Parameter] = {}
    for param in ctx.command.params:
        setting = setting_of_param().get(param.name or "")
        if setting and ctx.get_parameter_source(param.name or "") is ParameterSource.COMMANDLINE:
            given[setting] = param
    return given
