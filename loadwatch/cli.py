"""The ``loadwatch`` command: thin wrappers over the library's public functions."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from loadwatch._version import __version__
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest.lock import CacheBusyError
from loadwatch.nightly.log import logging_to, open_log
from loadwatch.nightly.runner import DEFAULT_WAIT_S, refuse_inside, run
from loadwatch.nightly.schedule import (
    build_job,
    install_cron,
    install_systemd,
    installed_cron_jobs,
    jobs_to_remove,
    remove_jobs,
    systemd_dir,
    systemd_jobs,
)
from loadwatch.render.console import colour, plain, progress_bar, tell, use_colour
from loadwatch.render.report import render_table, to_csv, to_json
from loadwatch.settings.checks import LOAD_BASES, check_acwr_limit, check_threshold, check_timezone
from loadwatch.settings.config import Athlete, load_config
from loadwatch.units import UNITS

#: Exit code when --fail-on-flag is given and the newest week is flagged.
EXIT_FLAGGED = 3
#: Exit code when another run held the cache for longer than --wait.
EXIT_BUSY = 4


def _valid(check: Callable[[Any, str], Any], value: Any) -> Any:
    """Check an option's value with the library's own check: a bad value is a usage error."""
    if value is None:
        return None
    try:
        return check(value, "it")
    except ConfigError as error:
        raise click.BadParameter(error.message) from error


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
# Paths are checked by the library, not by click: a missing or unreadable one is then the
# same error (exit 1, the library's message), not a usage error (exit 2).
@click.argument("path", type=click.Path(readable=False, path_type=Path))
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
    help="Folder for the chart (PNG, SVG), weeks.csv, latest.json and index.html.",
)
@click.option(
    "--timezone",
    callback=lambda _ctx, _param, value: _valid(check_timezone, value),
    help="IANA time zone weeks are counted in  [default: the config's timezone, else the "
    "system's].",
)
@click.option(
    "--threshold",
    type=float,
    callback=lambda _ctx, _param, value: _valid(check_threshold, value),
    help="Week-on-week growth that raises a flag  [default: the config's threshold, else "
    "0.10, i.e. 10%].",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Start at the week (Monday to Sunday) holding this date, YYYY-MM-DD.",
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
    type=click.Path(dir_okay=False, readable=False, path_type=Path),
    help="A loadwatch TOML config file, read on top of the user and folder configs.",
)
@click.option("--rest-hr", type=click.IntRange(25, 250), help="Resting heart rate (bpm).")
@click.option("--max-hr", type=click.IntRange(25, 250), help="Maximum heart rate (bpm).")
@click.option(
    "--load",
    type=click.Choice(LOAD_BASES),
    metavar="BASIS",
    help="What ACWR, monotony and strain measure: distance, duration or trimp  "
    "[default: the config's risk.load, else distance].",
)
@click.option(
    "--acwr-limit",
    type=float,
    callback=lambda _ctx, _param, value: _valid(check_acwr_limit, value),
    help="ACWR above which a week is flagged  [default: the config's risk.acwr_limit, else 1.5].",
)
@click.option(
    "--osm",
    type=click.Path(dir_okay=False, readable=False, path_type=Path),
    help="An OpenStreetMap extract of your region (.osm.pbf): road, trail and track by map.",
)
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be used.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Files to parse at once, each in a process of its own; 1 parses them in this one  "
    "[default: the number of CPU cores].",
)
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The cache database of parsed files [default: in your user cache folder].",
)
@click.option("--no-cache", is_flag=True, help="Parse every file again; read and write no cache.")
@click.option(
    "--settle",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="Leave files changed less than this long ago (still syncing) for the next run.",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=DEFAULT_WAIT_S,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another loadwatch run using the same cache.",
)
@click.option(
    "--notify",
    metavar="COMMAND",
    help="Shell command to run when the newest week gains a flag (summary on its stdin).",
)
@click.option(
    "--fail-on-flag",
    is_flag=True,
    help="Exit with code 3 when the newest week is flagged (for scripts).",
)
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append all output to this log file (rotated at 1 MB) instead of the terminal.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, and no list of skipped files.")
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
    load: str | None,
    acwr_limit: float | None,
    osm: Path | None,
    strict: bool,
    jobs: int | None,
    cache_path: Path | None,
    no_cache: bool,
    settle: float,
    wait: float,
    notify: str | None,
    fail_on_flag: bool,
    log_file: Path | None,
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
      loadwatch analyze ~/Sync/watch --out ~/loadwatch --settle 120 --notify 'notify-send loadwatch'

    \b
    Exit codes: 0 the analysis ran; 1 an error; 2 a usage error; 3 the newest week
    is flagged (with --fail-on-flag); 4 another run held the cache for --wait seconds.
    """
    athlete = Athlete(
        rest_hr=None if rest_hr is None else float(rest_hr),
        max_hr=None if max_hr is None else float(max_hr),
    )
    try:
        log = None if log_file is None else open_log(log_file, watched=path)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    with logging_to(log):
        progress = None if quiet or log_file else progress_bar()
        try:
            outcome = run(
                path,
                out=out,
                units=units,
                cache=False if no_cache else cache_path,
                wait_s=wait,
                notify=notify,
                generated=datetime.now().astimezone(),
                timezone=timezone,
                threshold=threshold,
                since=since.date() if since else None,
                config=config_file,
                athlete=athlete,
                strict=strict,
                osm=osm,
                load=load,
                acwr_limit=acwr_limit,
                settle_s=settle,
                progress=progress,
                jobs=jobs or os.cpu_count() or 1,
            )
        except CacheBusyError as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(EXIT_BUSY) from error
        except LoadwatchError as error:
            if log_file is not None:  # the nightly log must say why a night's run failed
                click.echo(f"Error: {error}", err=True)
            raise click.ClickException(str(error)) from error
        finally:
            if progress is not None:
                progress.close()

        result = outcome.analysis
        coloured = use_colour() and output_format == "table" and log_file is None
        if output_format == "json":
            click.echo(to_json(result), nl=False)
        elif output_format == "csv":
            click.echo(to_csv(result), nl=False)
        else:
            text = render_table(result, units=units, style=colour if coloured else plain)
            click.echo(text, nl=False, color=coloured)
        for message in outcome.messages:
            click.echo(f"warning: {message}", err=True)
        if not quiet:
            tell(result, outcome.written)
        if fail_on_flag and outcome.status is not None and outcome.status.flags:
            raise SystemExit(EXIT_FLAGGED)


@cli.command(
    "schedule",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
)
@click.argument("path", required=False, type=click.Path(readable=False, path_type=Path))
@click.argument("analyze_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--at", "at", default="02:30", show_default=True, help="Time of day, HH:MM.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the charts, latest.json and index.html (required to install).",
)
@click.option(
    "--systemd",
    is_flag=True,
    help="Install a systemd user timer instead of cron; with --list or --remove, only the "
    "systemd timers.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be installed or removed; change nothing."
)
@click.option("--list", "list_jobs", is_flag=True, help="Show the jobs loadwatch installed.")
@click.option(
    "--remove",
    is_flag=True,
    help="Remove the jobs loadwatch installed for PATH (all of them without PATH), from the "
    "crontab and the systemd timers.",
)
def schedule_command(
    path: Path | None,
    analyze_args: tuple[str, ...],
    at: str,
    out: Path | None,
    systemd: bool,
    dry_run: bool,
    list_jobs: bool,
    remove: bool,
) -> None:
    """Run `loadwatch analyze PATH --out DIR` every night.

    Installs a nightly job in your crontab (or, with --systemd, a systemd user timer) that
    runs the same analysis with absolute paths and this Python, leaves files still syncing
    for the next night (--settle 120) and appends its output to a log in your user state
    folder. Any further options are passed to `loadwatch analyze`. Other crontab entries are
    never touched.

    \b
    Examples:
      loadwatch schedule ~/Sync/watch --at 02:30 --out ~/loadwatch --dry-run
      loadwatch schedule ~/Sync/watch --at 02:30 --out ~/loadwatch --notify 'notify-send loadwatch'
      loadwatch schedule --list
      loadwatch schedule ~/Sync/watch --remove
    """
    try:
        if list_jobs:
            _list_jobs(systemd)
            return
        if remove:
            _remove_jobs(path, systemd, dry_run)
            return
        if path is None or out is None:
            raise click.UsageError("PATH and --out are needed to install a nightly job.")
        _check_analyze_args(path, out, analyze_args)
        job = build_job(path, out, at, list(analyze_args))
        if systemd:
            units = job.systemd_units()
            if dry_run:
                for name, text in units.items():
                    click.echo(f"# {systemd_dir() / name}\n{text}")
                return
            for unit in install_systemd(job):
                click.echo(f"Wrote {unit}", err=True)
            click.echo(f"Enabled loadwatch-{job.id}.timer: every day at {at}.", err=True)
        else:
            if dry_run:
                click.echo(job.cron_line())
                return
            install_cron(job)
            click.echo(f"Added to your crontab: every day at {at}.", err=True)
        click.echo(f"Its log: {job.log}", err=True)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error


def _check_analyze_args(path: Path, out: Path, analyze_args: tuple[str, ...]) -> None:
    """Refuse options the nightly analyze would refuse, now rather than at 02:30."""
    command = cli.commands["analyze"]
    for reserved in ("--out", "--log", "--format"):
        if any(a == reserved or a.startswith(f"{reserved}=") for a in analyze_args):
            raise click.UsageError(f"{reserved} is set by `loadwatch schedule` itself.")
    try:
        context = command.make_context("analyze", [str(path), "--out", str(out), *analyze_args])
    except click.UsageError as error:
        message = f"`loadwatch analyze` would refuse this: {error.format_message()}"
        raise click.UsageError(message) from error
    # What the nightly run would refuse: outputs in the watched folder, a broken config.
    refuse_inside(path, out)
    load_config(path, context.params.get("config_file"))


def _list_jobs(systemd: bool) -> None:
    found = [] if systemd else [f"cron: {line}" for line in installed_cron_jobs()]
    found += [f"systemd: {timer}" for timer in systemd_jobs()]
    for line in found:
        click.echo(line)
    if not found:
        click.echo("No nightly loadwatch job is installed.", err=True)


def _remove_jobs(path: Path | None, systemd: bool, dry_run: bool) -> None:
    if dry_run:
        found = jobs_to_remove(path, systemd=systemd)
        for item in found:
            click.echo(f"would remove: {item}")
        if not found:
            click.echo("No nightly loadwatch job to remove.", err=True)
        return
    removed = remove_jobs(path, systemd=systemd)
    for item in removed:
        click.echo(f"Removed {item}", err=True)
    if not removed:
        click.echo("No nightly loadwatch job to remove.", err=True)
