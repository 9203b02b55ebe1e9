"""``loadwatch analyze``: resolve the options, run the analysis, print what it found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

import click

from loadwatch.cli.exits import EXIT_BUSY, EXIT_FLAGGED
from loadwatch.cli.params import RunSettings, analyze_options, option_error
from loadwatch.cli.printing import TABLE_OPTIONS, print_table
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest.lock import CacheBusyError
from loadwatch.labels import shown
from loadwatch.model import AnalyzeOptions, OptionValues
from loadwatch.nightly import reuse
from loadwatch.nightly.log import logging_to, open_log
from loadwatch.nightly.places import refuse_inside
from loadwatch.options import resolve_options
from loadwatch.render.console import progress_bar, say, tell, use_colour


# Paths are checked by the library, not by click: a missing or unreadable one is then the
# same error (exit 1, the library's message), not a usage error (exit 2).
@click.command("analyze")
@click.argument(
    "paths",
    metavar="PATH...",
    nargs=-1,
    required=True,
    type=click.Path(readable=False, path_type=Path),
)
@TABLE_OPTIONS[0]
@TABLE_OPTIONS[1]
@TABLE_OPTIONS[2]
@analyze_options
def analyze_command(
    paths: tuple[Path, ...],
    given: OptionValues,
    run_settings: RunSettings,
    output_format: str,
    fail_on_flag: bool,
    log_file: Path | None,
    quiet: bool,
    shown_weeks: int,
    all_weeks: bool,
    legend: bool,
) -> None:
    """Analyse the activity files in PATH week by week.

    PATH is a folder your watch or app syncs into (searched recursively, .gz and .zip
    included), a single FIT/GPX/TCX file, a Strava bulk-export zip, or Apple Health's
    export.zip; give several to analyse them together (an activity found in two of them
    counts once). Nothing in PATH is ever written or changed.

    \b
    Examples:
      loadwatch analyze sample_data
      loadwatch analyze ~/Garmin export_12345.zip
      loadwatch analyze ./runs --out charts --units mi
      loadwatch analyze ./runs --since 2026-01-01 --format csv > weeks.csv
      loadwatch analyze ~/Sync/watch --out ~/loadwatch --settle 120 --notify 'notify-send loadwatch'

    \b
    Exit codes: 0 the analysis ran; 1 an error (no activity file found at all, a damaged
    archive, a folder that cannot be read...); 2 a usage error; 3 the newest week is
    flagged (with --fail-on-flag); 4 another run held the cache for --wait seconds.
    """
    ctx = click.get_current_context()
    log = _opened_log(log_file, paths, ctx)
    with logging_to(log):
        options = _options(paths, given, ctx, log_file)
        last = reuse.last_run(
            paths, options, request=ctx.params, cache=run_settings["cache"], out=run_settings["out"]
        )
        if last is not None and last.record is not None:  # nothing changed: its answer again
            reuse.replay(last.record)
            return
        # Imported only now: they import pandas, which a rerun with nothing new goes without.
        from loadwatch.nightly.runner import run
        from loadwatch.render.data import to_csv, to_json

        progress = None if quiet or log_file else progress_bar()
        try:
            outcome = run(
                paths,
                options,
                **run_settings,
                generated=datetime.now().astimezone(),
                progress=progress,
            )
        except CacheBusyError as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(EXIT_BUSY) from error
        except click.ClickException as error:  # an option or a config that cannot be used
            _log_error(error, log_file)
            raise
        except LoadwatchError as error:
            failure = _failure(error, ctx)
            _log_error(failure, log_file)
            raise failure from error
        finally:
            if progress is not None:
                progress.close()

        result = outcome.analysis
        keep = not (outcome.messages or result.pending)  # a run with news to tell is not kept
        with reuse.recording(last, keep=keep):
            coloured = use_colour() and output_format == "table" and log_file is None
            if output_format == "json":
                click.echo(to_json(result), nl=False)
            elif output_format == "csv":
                click.echo(to_csv(result), nl=False)
            else:
                weeks = None if all_weeks else shown_weeks
                units = run_settings["units"]
                print_table(
                    result, units=units, weeks=weeks, legend=legend, quiet=quiet, coloured=coloured
                )
            for message in outcome.messages:
                say(f"warning: {shown(message)}")
            if not quiet:
                tell(result, outcome.written)
            if fail_on_flag and outcome.status is not None and outcome.status.flags:
                raise SystemExit(EXIT_FLAGGED)


def resolved(
    path: Path | Sequence[Path], given: OptionValues, ctx: click.Context
) -> AnalyzeOptions:
    """The analysis's options; a bad value of an option is a usage error naming it (exit 2),
    a bad config file an error naming the file and the setting (exit 1).

    Raises:
        click.ClickException: As said.
        LoadwatchError: ``path`` cannot be read.
    """
    try:
        return resolve_options(path, **given)
    except ConfigError as error:
        raise option_error(error, ctx, usage=True) from error


def _options(
    paths: Sequence[Path], given: OptionValues, ctx: click.Context, log_file: Path | None
) -> AnalyzeOptions:
    """:func:`resolved`, its errors said in the log too and in the command line's words.

    Raises:
        click.ClickException: An option or a config file that cannot be used, or ``paths``
            cannot be read.
    """
    try:
        return resolved(paths, given, ctx)
    except click.ClickException as error:
        _log_error(error, log_file)
        raise
    except LoadwatchError as error:
        failure = _failure(error, ctx)
        _log_error(failure, log_file)
        raise failure from error


def _opened_log(log_file: Path | None, paths: Sequence[Path], ctx: click.Context) -> TextIO | None:
    """The --log file opened, refused if it is inside any of ``paths``."""
    if log_file is None:
        return None
    try:
        for watched in paths[1:]:
            refuse_inside(watched, log_file, setting="log")
        return open_log(log_file, watched=paths[0])
    except LoadwatchError as error:
        raise _failure(error, ctx) from error


def _log_error(error: click.ClickException, log_file: Path | None) -> None:
    """Say ``error`` in the log too: the nightly log must say why a night's run failed."""
    if log_file is not None:
        click.echo(f"Error: {error.format_message()}", err=True)


def _failure(error: LoadwatchError, ctx: click.Context) -> click.ClickException:
    """The error (exit 1) for what went wrong while running, in the command line's words."""
    if isinstance(error, ConfigError):
        return option_error(error, ctx, usage=False)
    return click.ClickException(str(error))
