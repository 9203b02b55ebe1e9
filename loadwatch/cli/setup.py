"""``loadwatch init`` and ``loadwatch config``: write a first config, show the one in force.

``init`` asks what :class:`~loadwatch.settings.firstrun.Answers` holds (each answer also an
option, for scripts), checks each with the check a config file's value passes, shows the TOML
and writes it with :func:`~loadwatch.settings.firstrun.write_config`. ``config`` prints
:func:`~loadwatch.options.setting_origins`: each setting in force and where it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from loadwatch.cli.params import analysis_values, option_error
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.labels import shown
from loadwatch.metrics.timeline import DEFAULT_REST_HR
from loadwatch.options import setting_origins
from loadwatch.settings.checks import (
    check_heart_rate,
    check_heart_rates,
    check_timezone,
    check_week_start,
    parse_pace,
    system_timezone,
)
from loadwatch.settings.config import user_config_path
from loadwatch.settings.declared import SETTINGS
from loadwatch.settings.firstrun import Answers, config_text, write_config


def _checked(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """A prompt's or an option's reader that runs a setting's own check: a bad answer is asked
    again (a prompt) or a usage error (an option)."""

    def read(text: str) -> Any:
        if text is None or text == "":
            return None
        try:
            return check(text)
        except ConfigError as error:
            reason = error.message.removeprefix(f"{error.setting} ")
            raise click.BadParameter(reason) from error

    return read


def _heart_rate(key: str) -> Callable[[str], Any]:
    """The reader of a heart rate: a whole number of bpm, checked as a config file's is."""

    def read(text: str) -> int:
        number: object = text.strip()
        if isinstance(number, str) and number.isdigit():
            number = int(number)
        return int(check_heart_rate(number, f"athlete.{key}"))

    return _checked(read)


def _shoe(text: str) -> tuple[str, date | None]:
    """``"Pegasus 40"`` or ``"Pegasus 40@2026-03-01"`` (the first day it was worn)."""
    name, _, day = text.partition("@")
    if not name.strip():
        raise click.BadParameter("a shoe needs a name, such as 'Pegasus 40@2026-03-01'")
    try:
        return name.strip(), date.fromisoformat(day.strip()) if day.strip() else None
    except ValueError as error:
        raise click.BadParameter(f"{day!r} is no date such as 2026-03-01") from error


def _pace(text: str) -> str:
    """A threshold pace as the config file holds it (``"4:45"``), once checked."""
    parse_pace(text)
    return text.strip()


def _shoe_answer(text: str) -> tuple[str, date | None] | None:
    return _shoe(text) if text.strip() else None


#: The questions of ``loadwatch init``: option, prompt, reader of the answer.
_QUESTIONS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "timezone": ("Your time zone", _checked(check_timezone)),
    "rest_hr": ("Resting heart rate, bpm (Enter to skip)", _heart_rate("rest_hr")),
    "max_hr": ("Maximum heart rate, bpm (Enter to skip)", _heart_rate("max_hr")),
    "threshold_pace": (
        "No heart rates: threshold pace per km, such as 4:45 (Enter to skip)",
        _checked(_pace),
    ),
    "week_start": ("Weeks begin on (monday or sunday)", _checked(check_week_start)),
}


def _option_reader(read: Callable[[str], Any]) -> Callable[..., Any]:
    return lambda _ctx, _param, value: None if value is None else read(value)


@click.command("init")
@click.option(
    "--timezone",
    metavar="ZONE",
    callback=_option_reader(_QUESTIONS["timezone"][1]),
    help="IANA time zone weeks are counted in, such as Europe/Berlin.",
)
@click.option(
    "--rest-hr",
    metavar="BPM",
    callback=_option_reader(_QUESTIONS["rest_hr"][1]),
    help="Resting heart rate.",
)
@click.option(
    "--max-hr",
    metavar="BPM",
    callback=_option_reader(_QUESTIONS["max_hr"][1]),
    help="Maximum heart rate.",
)
@click.option(
    "--threshold-pace",
    metavar="M:SS",
    callback=_option_reader(_QUESTIONS["threshold_pace"][1]),
    help="Per km, for runs without heart rate.",
)
@click.option(
    "--week-start",
    metavar="DAY",
    callback=_option_reader(_QUESTIONS["week_start"][1]),
    help="The day weeks begin on: monday or sunday.",
)
@click.option(
    "--shoe",
    "shoes",
    multiple=True,
    metavar="NAME[@YYYY-MM-DD]",
    callback=lambda _ctx, _param, values: tuple(_shoe(value) for value in values),
    help="A pair in use, and the day you first wore it (repeatable).",
)
@click.option("--no-input", is_flag=True, help="Ask nothing: the options and defaults only.")
@click.option("--dry-run", is_flag=True, help="Print the config file; write nothing.")
@click.option("--force", is_flag=True, help="Replace an existing config file without asking.")
def init_command(no_input: bool, dry_run: bool, force: bool, **given: Any) -> None:
    """Set up your config: a few questions.

    Asks your time zone, resting and maximum heart rate (or, without them, your threshold
    pace), the day your weeks begin on and your shoes, shows the config file it will write,
    and writes it where every `loadwatch analyze` reads it. An existing config file is never
    replaced without asking (or --force). Every answer can be given as an option instead.

    \b
    Examples:
      loadwatch init
      loadwatch init --timezone Europe/Berlin --rest-hr 52 --max-hr 188 --no-input
    """
    answers = _answers(given, ask=not no_input)
    try:
        text = config_text(answers)
    except ConfigError as error:  # the heart rates together: rest above max
        raise click.UsageError(error.message) from error
    path = user_config_path()
    click.echo(f"# {shown(path)}\n{text}", nl=False)
    if dry_run:
        return
    replace = force or not path.exists()
    if not replace and (no_input or not click.confirm(f"{shown(path)} exists. Replace it?")):
        raise click.ClickException(f"{shown(path)} already exists; it was kept (--force).")
    try:
        write_config(text, path, force=True)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {shown(path)}. `loadwatch config` shows the settings in force.", err=True)


def _answers(given: dict[str, Any], *, ask: bool) -> Answers:
    """The answers: the options given, and the prompts for the others (when asking)."""
    values = dict(given)
    for key, (question, read) in _QUESTIONS.items():
        if values.get(key) is not None or not ask:
            continue
        if key == "threshold_pace" and (values["rest_hr"] or values["max_hr"]):
            continue
        default = {"timezone": system_timezone(), "week_start": "monday"}.get(key, "")
        if key == "max_hr":
            read = _above(values["rest_hr"] or int(DEFAULT_REST_HR), read)
        values[key] = click.prompt(question, default=default, value_proc=read, show_default=True)
    top = values["max_hr"]
    if values["rest_hr"] is None and top is not None and top <= DEFAULT_REST_HR:
        # Without a resting rate, the analysis assumes one: the maximum must be above it too.
        raise click.UsageError(
            f"--max-hr {top} must be above the resting heart rate loadwatch assumes when none "
            f"is given ({DEFAULT_REST_HR:g} bpm): check the number, or give --rest-hr too"
        )
    if values["rest_hr"] is not None and top is not None:
        try:
            check_heart_rates(values["rest_hr"], top, None)
        except ConfigError as error:
            raise click.UsageError(error.message) from error
    shoes = list(values.pop("shoes"))
    question = "A pair of shoes you run in, as NAME or NAME@FIRST-DAY (Enter when done)"
    while ask and not given["shoes"]:
        answer = click.prompt(question, default="", show_default=False, value_proc=_shoe_answer)
        if answer is None:
            break
        shoes.append(answer)
    return Answers(**{**values, "shoes": tuple(shoes)})


def _above(rest_hr: int | None, read: Callable[[str], Any]) -> Callable[[str], Any]:
    """The maximum heart rate's reader when the resting one is known: it must be higher."""

    def checked(text: str) -> Any:
        top = read(text)
        if rest_hr is not None and top is not None and top <= rest_hr:
            raise click.BadParameter(f"must be higher than your resting heart rate ({rest_hr})")
        return top

    return checked


@click.command("config")
@click.argument(
    "paths", metavar="[PATH]...", nargs=-1, type=click.Path(readable=False, path_type=Path)
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, readable=False, path_type=Path),
    help="A loadwatch TOML config file, read on top of the user and folder configs.",
)
@click.option("--rest-hr", type=int, help="Resting heart rate (bpm, 25 to 250).")
@click.option("--max-hr", type=int, help="Maximum heart rate (bpm, 25 to 250).")
def config_command(paths: tuple[Path, ...], **params: Any) -> None:
    """Show the settings in force.

    Prints every setting an analysis of PATH would use, and where each came from: your user
    config, a folder's loadwatch.toml, --config FILE, an option, or the default.

    \b
    Examples:
      loadwatch config
      loadwatch config ~/Garmin --config coach.toml
    """
    ctx = click.get_current_context()
    _refuse_missing(paths, params.get("config_file"))
    values = {setting.field: None for setting in SETTINGS if setting.option is not None}
    given = analysis_values({**values, **params})
    user = user_config_path()
    state = "" if user.is_file() else "  (none yet: `loadwatch init` writes it)"
    click.echo(f"Your config file: {shown(user)}{state}")
    try:
        origins = setting_origins(list(paths), **given)
    except ConfigError as error:
        raise option_error(error, ctx, usage=True) from error
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    rows = [(origin.name, _value(origin.value), _where(origin.origin)) for origin in origins]
    width = max(len(name) for name, _, _ in rows)
    shown_width = max(len(value) for _, value, _ in rows)
    for name, value, where in rows:
        click.echo(f"  {name:<{width}}  {value:<{shown_width}}  {where}")


def _refuse_missing(paths: tuple[Path, ...], config_file: Path | None) -> None:
    """A PATH or a --config file asked for by name that is not there is a usage error (exit 2):
    the defaults shown instead would be taken for that file's settings."""
    for path in paths:
        if not path.exists():
            raise click.BadParameter(f"{shown(path)}: no such file or folder", param_hint="PATH")
    if config_file is not None and not config_file.is_file():
        raise click.BadParameter(
            f"{shown(config_file)}: no such config file", param_hint="'--config'"
        )


def _value(value: object) -> str:
    """A setting's value as a config file would say it."""
    if value is None:
        return "(not set)"
    return str(getattr(value, "value", value))


def _where(origin: Path | str) -> str:
    return shown(origin) if isinstance(origin, Path) else origin
