"""``loadwatch schedule``: install, list and remove the nightly ``loadwatch analyze`` job."""

from __future__ import annotations

from pathlib import Path

import click

from loadwatch.cli.analyze import analyze_command, resolved
from loadwatch.cli.params import analysis_values, option_error
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.nightly.job import ScheduleError, parse_at
from loadwatch.nightly.places import refuse_inside
from loadwatch.nightly.schedule import (
    UnsafeArgumentError,
    build_job,
    install_cron,
    install_systemd,
    installed_cron_jobs,
    jobs_to_remove,
    refuse_unsafe_arguments,
    remove_jobs,
    systemd_dir,
    systemd_jobs,
)


def _checked_at(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--at`` if it is a time of day: a bad one is a usage error (exit 2), as the README says."""
    try:
        parse_at(value)
    except ScheduleError as error:
        reason = str(error).removeprefix("--at ")
        raise click.BadParameter(reason, ctx, param) from error
    return value


@click.command(
    "schedule",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
)
@click.argument("path", required=False, type=click.Path(readable=False, path_type=Path))
@click.argument("analyze_args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--at",
    "at",
    default="02:30",
    show_default=True,
    callback=_checked_at,
    help="Time of day, HH:MM.",
)
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
        refuse_unsafe_arguments(path, out, analyze_args)
        _check_analyze_args(path, out, analyze_args)
        job = build_job(path, out, at, absolute_inputs(analyze_args))
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
    except UnsafeArgumentError as error:  # a usage error: nothing was, or could be, installed
        raise click.UsageError(str(error)) from error
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error


def absolute_inputs(analyze_args: tuple[str, ...]) -> list[str]:
    """``analyze_args`` with every further PATH made absolute (the job runs from elsewhere):
    a word that is no option and no option's value; the options' own paths are the job's."""
    takes_value = {
        name
        for param in analyze_command.params
        if isinstance(param, click.Option) and not param.is_flag
        for name in param.opts
    }
    args: list[str] = []
    for k, arg in enumerate(analyze_args):
        value_of_option = k > 0 and analyze_args[k - 1] in takes_value
        if arg.startswith("-") or value_of_option:
            args.append(arg)
        else:
            args.append(str(Path(arg).expanduser().resolve()))
    return args


def _check_analyze_args(path: Path, out: Path, analyze_args: tuple[str, ...]) -> None:
    """Refuse options the nightly analyze would refuse, now rather than at 02:30."""
    for reserved in ("--out", "--log", "--format"):
        if any(a == reserved or a.startswith(f"{reserved}=") for a in analyze_args):
            raise click.UsageError(f"{reserved} is set by `loadwatch schedule` itself.")
    args = [str(path), "--out", str(out), *analyze_args]
    try:
        # Made under the running command's context, so that it keeps the group's settings
        # (-h for help): a context of its own would change what `analyze --help` prints later.
        parent = click.get_current_context(silent=True)
        with analyze_command.make_context("analyze", args, parent=parent) as context:
            # What the nightly run would refuse: outputs in the watched folder, a bad value,
            # a broken config.
            try:
                refuse_inside(path, out)
            except ConfigError as error:
                raise option_error(error, context, usage=False) from error
            resolved(path, analysis_values(context.params), context)
    except click.UsageError as error:
        message = f"`loadwatch analyze` would refuse this: {error.format_message()}"
        raise click.UsageError(message) from error


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
