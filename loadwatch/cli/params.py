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
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypedDict

import click
from click.core import ParameterSource

from loadwatch.errors import ConfigError
from loadwatch.model import OptionValues
from loadwatch.nightly.runner import DEFAULT_WAIT_S
from loadwatch.settings.config import Athlete
from loadwatch.vocab import OnError, Units

#: The setting each option of ``loadwatch analyze`` sets (by the option's parameter name), as
#: :class:`~loadwatch.errors.ConfigError` names it.
SETTING_OF_PARAM: dict[str, str] = {
    "timezone": "timezone",
    "threshold": "threshold",
    "since": "since",
    "week_start": "week_start",
    "rest_hr": "athlete.rest_hr",
    "max_hr": "athlete.max_hr",
    "load": "risk.load",
    "acwr_limit": "risk.acwr_limit",
    "osm": "surfaces.osm",
    "strict": "on_error",
    "jobs": "jobs",
    "settle": "settle_s",
    "out": "out",
    "cache_path": "cache",
    "log_file": "log",
}


class RunSettings(TypedDict):
    """The keywords of :func:`~loadwatch.nightly.runner.run` that the command line sets."""

    out: Path | None
    units: Units
    cache: Path | bool | None
    wait_s: float
    notify: str | None


_OPTIONS = (
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
    click.option(
        "--timezone",
        help="IANA time zone weeks are counted in  [default: the config's timezone, else the "
        "system's].",
    ),
    click.option(
        "--threshold",
        type=float,
        help="Week-on-week growth that raises a flag  [default: the config's threshold, else "
        "0.10, i.e. 10%].",
    ),
    click.option(
        "--since",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Start at the week holding this date, YYYY-MM-DD (the whole week is kept).",
    ),
    click.option(
        "--week-start",
        metavar="DAY",
        help="The day weeks begin on: monday or sunday  [default: the config's week_start, "
        "else monday].",
    ),
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
    click.option(
        "--load",
        metavar="BASIS",
        help="What ACWR, monotony and strain measure: distance, duration or trimp  "
        "[default: the config's risk.load, else distance].",
    ),
    click.option(
        "--acwr-limit",
        type=float,
        help="ACWR above which a week is flagged  [default: the config's risk.acwr_limit, "
        "else 1.5].",
    ),
    click.option(
        "--osm",
        type=click.Path(dir_okay=False, readable=False, path_type=Path),
        help="An OpenStreetMap extract of your region (.osm.pbf): road, trail and track by map.",
    ),
    click.option("--strict", is_flag=True, help="Stop at the first file that cannot be used."),
    click.option(
        "--jobs",
        type=int,
        metavar="N",
        help="Files to parse at once, each in a process of its own; 1 parses them in this one  "
        "[default: the number of CPU cores].",
    ),
    click.option(
        "--cache",
        "cache_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The cache database of parsed files [default: in your user cache folder].",
    ),
    click.option(
        "--no-cache", is_flag=True, help="Parse every file again; read and write no cache."
    ),
    click.option(
        "--settle",
        type=float,
        default=0,
        show_default=True,
        metavar="SECONDS",
        help="Leave files changed less than this long ago (still syncing) for the next run.",
    ),
    click.option(
        "--wait",
        type=click.FloatRange(min=0),
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
        "-q", "--quiet", is_flag=True, help="No progress bar, and no list of skipped files."
    ),
)

#: What the command itself keeps: the words of the command line that are neither the
#: analysis's settings nor the run's.
_OWN = ("path", "output_format", "fail_on_flag", "log_file", "quiet")


def analyze_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options of ``loadwatch analyze`` to ``command``, and call it with ``given``
    (:class:`~loadwatch.model.OptionValues`), ``run_settings`` (:class:`RunSettings`) and the
    parameters of :data:`_OWN`."""

    @functools.wraps(command)
    def gathered(**params: Any) -> None:
        own = {name: params[name] for name in _OWN}
        command(given=analysis_values(params), run_settings=run_values(params), **own)

    for option in reversed(_OPTIONS):
        gathered = option(gathered)
    return gathered


def analysis_values(params: Mapping[str, Any]) -> OptionValues:
    """The analysis's settings among the parsed options: ``None`` where none was given."""
    rest, top, since = params["rest_hr"], params["max_hr"], params["since"]
    return OptionValues(
        config=params["config_file"],
        timezone=params["timezone"],
        threshold=params["threshold"],
        since=None if since is None else since.date(),
        athlete=None if rest is None and top is None else Athlete(rest_hr=rest, max_hr=top),
        load=params["load"],
        acwr_limit=params["acwr_limit"],
        osm=params["osm"],
        on_error=OnError.RAISE if params["strict"] else None,
        jobs=params["jobs"] if params["jobs"] is not None else os.cpu_count() or 1,
        settle_s=params["settle"],
        week_start=params["week_start"],
    )


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
        setting = SETTING_OF_PARAM.get(param.name or "")
        if setting and ctx.get_parameter_source(param.name or "") is ParameterSource.COMMANDLINE:
            given[setting] = param
    return given
