"""``loadwatch runs``: the activities of a week or a period, one line each."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from loadwatch.cli.analyze import resolved
from loadwatch.cli.params import FIRST_DAY, LAST_DAY, Day
from loadwatch.errors import LoadwatchError
from loadwatch.metrics.period import parse_week, runs
from loadwatch.model import OptionValues
from loadwatch.nightly.runner import run
from loadwatch.render.console import say
from loadwatch.render.runs import LIST_WIDTH, render_runs, runs_csv, runs_json
from loadwatch.render.wrap import width_of
from loadwatch.vocab import Units

_DAY = Day()


class Week(click.ParamType[date]):
    """A week: ``2026-W23``, or a day in it."""

    name = "week"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        """A day of the week ``value`` names, or click's usage error (exit 2)."""
        if isinstance(value, date):
            return value
        try:
            day = parse_week(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(f"{value} is outside {FIRST_DAY} to {LAST_DAY}", param, ctx)
        return day


@click.command("runs")
@click.argument(
    "paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option("--week", type=Week(), metavar="WEEK", help="The week: 2026-W23, or a day in it.")
@click.option("--since", type=_DAY, help="The first day to list (YYYY-MM-DD).")
@click.option("--until", type=_DAY, help="The last day to list [default: the as-of day].")
@click.option(
    "--as-of",
    type=_DAY,
    help="Analyse as on this day (YYYY-MM-DD) [default: the config's as_of, else today].",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="What to print on standard output.",
)
@click.option(
    "--units",
    type=click.Choice([unit.value for unit in Units]),
    default=Units.KM.value,
    show_default=True,
    help="Distance units of the table (JSON and CSV stay in km).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, readable=False, path_type=Path),
    help="A loadwatch TOML config file, read on top of the user and folder configs.",
)
@click.option("--no-cache", is_flag=True, help="Parse every file again; read and write no cache.")
def runs_command(
    paths: tuple[Path, ...],
    week: date | None,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    output_format: str,
    units: str,
    config_file: Path | None,
    no_cache: bool,
) -> None:
    """List the activities of a week or a period, one line each.

    Without --week, --since or --until: the newest week. Each line gives the date, the sport,
    the distance, the time, the pace, the heart rate, the surface, a spike, the shoe and the
    file. PATH is what `loadwatch analyze` takes.

    \b
    Examples:
      loadwatch runs sample_data
      loadwatch runs ./runs --week 2026-W23
      loadwatch runs ./runs --since 2026-06-01 --until 2026-06-30 --format csv
    """
    if week is not None and (since is not None or until is not None):
        raise click.UsageError("give --week, or --since and --until, not both")
    if since is not None and until is not None and since > until:
        raise click.UsageError(f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}")
    ctx = click.get_current_context()
    given = OptionValues(as_of=as_of.date() if as_of else None, config=config_file)
    options = resolved(paths, given, ctx)
    try:
        outcome = run(paths, options, cache=False if no_cache else None)
        listed = runs(
            outcome.analysis,
            week=week,
            since=since.date() if since else None,
            until=until.date() if until else None,
        )
    except (LoadwatchError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        click.echo(runs_json(listed.activities, listed.period), nl=False)
    elif output_format == "csv":
        click.echo(runs_csv(listed.activities), nl=False)
    else:
        width = max(LIST_WIDTH, width_of(sys.stdout))  # the columns need 80
        click.echo(
            render_runs(listed.activities, listed.period, units=units, width=width), nl=False
        )
    for message in outcome.messages:
        say(f"warning: {message}")
