"""The ``loadwatch`` command: thin wrappers over the library's public functions."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click

from loadwatch._version import __version__
from loadwatch.analysis import Analysis, analyze
from loadwatch.config import Athlete
from loadwatch.errors import LoadwatchError
from loadwatch.report import UNITS, render_table, to_csv, to_json

_STYLES: dict[str, dict[str, object]] = {
    "flag": {"fg": "red", "bold": True},
    "note": {"fg": "yellow"},
    "dim": {"dim": True},
    "head": {"bold": True},
}


def _use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _colour(text: str, kind: str) -> str:
    return click.style(text, **_STYLES.get(kind, {}))  # type: ignore[arg-type]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="loadwatch")
def cli() -> None:
    """loadwatch reads the files your watch exports and flags the weeks where you ramped up
    your running faster than your body adapts.

    \b
    Examples:
      loadwatch analyze ./runs
      loadwatch analyze ~/Garmin --out charts/ --timezone Europe/Berlin
      loadwatch analyze export_12345.zip --format json > weeks.json
    """


@cli.command("analyze")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="What to print on standard output.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the weekly risk chart to (PNG and SVG).",
)
@click.option("--timezone", help="IANA time zone weeks are counted in [default: the system's].")
@click.option(
    "--threshold",
    type=float,
    help="Week-on-week growth that raises a flag  [default: 0.10, i.e. 10%].",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Leave out activities before this date (YYYY-MM-DD).",
)
@click.option(
    "--units",
    type=click.Choice(UNITS),
    default="km",
    show_default=True,
    help="Distance units of the table and charts (JSON and CSV stay in km).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A loadwatch TOML config file, read on top of the user and folder configs.",
)
@click.option("--rest-hr", type=click.IntRange(25, 250), help="Resting heart rate (bpm).")
@click.option("--max-hr", type=click.IntRange(25, 250), help="Maximum heart rate (bpm).")
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be used.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list skipped files on stderr.")
def analyze_command(
    path: Path,
    output_format: str,
    out: Path | None,
    timezone: str | None,
    threshold: float | None,
    since: datetime | None,
    units: str,
    config_file: Path | None,
    rest_hr: int | None,
    max_hr: int | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Analyse the activity files in PATH week by week.

    PATH is a folder your watch or app syncs into (searched recursively, .gz and .zip
    included), a single FIT/GPX/TCX file, or a Strava bulk-export zip. Nothing in PATH is
    ever written or changed.

    \b
    Examples:
      loadwatch analyze sample_data
      loadwatch analyze ./runs --out charts --units mi
      loadwatch analyze ./runs --since 2026-01-01 --format csv > weeks.csv
    """
    athlete = Athlete(
        rest_hr=None if rest_hr is None else float(rest_hr),
        max_hr=None if max_hr is None else float(max_hr),
    )
    try:
        result = analyze(
            path,
            timezone=timezone,
            threshold=threshold,
            since=since.date() if since else None,
            config=config_file,
            athlete=athlete,
            strict=strict,
        )
        written = _write_charts(result, out, units) if out is not None else []
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error

    colour = _use_colour() and output_format == "table"
    if output_format == "json":
        click.echo(to_json(result), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(result), nl=False)
    else:
        text = render_table(result, units=units, style=_colour if colour else _plain)
        click.echo(text, nl=False, color=colour)
    if not quiet:
        _tell(result, written)


def _plain(text: str, _kind: str) -> str:
    return text


def _write_charts(result: Analysis, out: Path, units: str) -> list[Path]:
    from loadwatch.charts import write_charts  # matplotlib is slow to import; only when asked

    return write_charts(result.weeks, out, units=units, threshold=result.threshold)


def _tell(result: Analysis, written: list[Path]) -> None:
    """Messages for the user, on stderr: what was set aside and what was written."""
    runs = int((result.timeline["sport"] == "running").sum()) if len(result.timeline) else 0
    click.echo(
        f"Read {len(result.timeline)} activities ({runs} runs) from {result.root}.", err=True
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning.source}: {warning.message}", err=True)
    if result.duplicates:
        click.echo(f"Left out {len(result.duplicates)} duplicate(s):", err=True)
        for duplicate in result.duplicates:
            click.echo(f"  {duplicate.source} (same as {duplicate.duplicate_of})", err=True)
    if result.skipped:
        click.echo(f"Skipped {len(result.skipped)} file(s):", err=True)
        for skipped in result.skipped:
            click.echo(f"  {skipped.source}: {skipped.reason}", err=True)
    for path in written:
        click.echo(f"Wrote {path}", err=True)
