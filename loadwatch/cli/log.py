"""``loadwatch log``: keep the body log (pain, effort, strength work, the weekly check-in).

Each command checks what was typed with :mod:`loadwatch.body.entries`, then appends it with
:func:`loadwatch.body.store.append` (or shows it, with ``--dry-run``). Which log, and which day
is today, come from :func:`loadwatch.options.resolve_options` as for ``loadwatch analyze``:
``--body-log``, else the config's ``[body] log``, else ``body-log.jsonl`` in the data folder;
``--as-of``, else today in the config's time zone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

import click

from loadwatch.analysis import timeline
from loadwatch.body import ostrc
from loadwatch.body.csvimport import read_csv
from loadwatch.body.entries import BodyLogError, CheckIn, Entry, make_entry
from loadwatch.body.runs import pick_run
from loadwatch.body.store import append, default_log, read_log, refuse_inside, remove
from loadwatch.body.words import describe
from loadwatch.errors import LoadwatchError
from loadwatch.options import resolve_options
from loadwatch.vocab import EntryKind, PainRegion, PainTiming

_Command = Callable[..., None]


@dataclasses.dataclass(frozen=True)
class _Target:
    """The log written to and the day taken as today."""

    path: Path
    today: date


def _target(body_log: Path | None, as_of: date | None, folder: Path | None = None) -> _Target:
    """Which log, and today, as ``loadwatch analyze`` resolves them; a log in ``folder``
    (the analysed folder) is refused."""
    try:
        options = resolve_options(folder, body_log=body_log, as_of=as_of)
        path = options.body_log if options.body_log is not None else default_log()
        if folder is not None:
            refuse_inside(folder, path)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    return _Target(path, cast(date, options.as_of))  # resolve_options makes None today


def _common(command: _Command) -> _Command:
    """The options every command of ``loadwatch log`` takes."""
    for option in reversed(
        (
            click.option(
                "--body-log",
                type=click.Path(dir_okay=False, path_type=Path),
                help="The log file  [default: the config's body.log, else body-log.jsonl in "
                "your data folder].",
            ),
            click.option(
                "--as-of",
                type=click.DateTime(["%Y-%m-%d"]),
                help="Take this date (YYYY-MM-DD) as today: --date defaults to it and later "
                "dates are refused  [default: today in the config's time zone].",
            ),
            click.option("--dry-run", is_flag=True, help="Show the entry without writing it."),
        )
    ):
        command = option(command)
    return command


def _day(value: Any) -> date | None:
    """A click DateTime option's value as a date."""
    return None if value is None else value.date()


def _entry(kind: str, values: dict[str, Any], today: date) -> Entry:
    """An entry from the command's values; a bad value is a usage error (exit 2)."""
    try:
        return make_entry(kind, values, today)
    except BodyLogError as error:
        raise click.UsageError(error.message) from error


def _log(target: _Target, entries: Sequence[Entry], dry_run: bool) -> None:
    """Append ``entries``, or with ``dry_run`` show them and write nothing."""
    if dry_run:
        for entry in entries:
            click.echo(f"would log: {describe(entry)}")
        click.echo(f"(dry run: nothing written to {target.path})")
        return
    try:
        logged = append(target.path, entries)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    for entry in logged:
        click.echo(f"logged #{entry.id}: {describe(entry)}")


@click.group("log")
def log_command() -> None:
    """Keep a body log: pain, the effort of runs, strength work and a weekly check-in.

    Entries go to one file in your data folder (or the config's [body] log), never into the
    folder you analyse; loadwatch analyze reads them with your runs. A body-log.csv kept in
    the analysed folder is read too, never written.

    \b
    Examples:
      loadwatch log pain 4 --where lower-back --when after
      loadwatch log strength --minutes 30 --note "glute bridges, planks"
      loadwatch log rpe 7 --date 2026-03-02 --folder ./runs
      loadwatch log list --since 2026-01-01
    """


@log_command.command("pain")
@click.argument("level")
@click.option("--where", "region", required=True, metavar="REGION",
              help=f"Where it hurts: {', '.join(PainRegion)}.")  # fmt: skip
@click.option("--when", "timing", required=True, metavar="WHEN",
              help=f"When you felt it: {', '.join(PainTiming)}.")  # fmt: skip
@click.option("--date", "day", help="The day, YYYY-MM-DD  [default: today].")
@click.option("--note", default="", help="A few words to keep with it.")
@_common
def pain_command(level: str, region: str, timing: str, day: str | None, note: str,
                 body_log: Path | None, as_of: Any, dry_run: bool) -> None:  # fmt: skip
    """Log a pain: LEVEL from 0 (none) to 10 (the worst imaginable)."""
    target = _target(body_log, _day(as_of))
    values = {"date": day or target.today, "level": level, "where": region, "when": timing}
    _log(target, [_entry(EntryKind.PAIN, {**values, "note": note}, target.today)], dry_run)


@log_command.command("strength")
@click.option("--minutes", required=True, help="How long the session was.")
@click.option("--rpe", help="How hard it felt, 0 to 10 (CR-10).")
@click.option("--date", "day", help="The day, YYYY-MM-DD  [default: today].")
@click.option("--note", default="", help="What you did.")
@_common
def strength_command(minutes: str, rpe: str | None, day: str | None, note: str,
                     body_log: Path | None, as_of: Any, dry_run: bool) -> None:  # fmt: skip
    """Log a strength session (counted with those your watch recorded, one per day)."""
    target = _target(body_log, _day(as_of))
    values = {"date": day or target.today, "minutes": minutes, "rpe": rpe, "note": note}
    _log(target, [_entry(EntryKind.STRENGTH, values, target.today)], dry_run)


@log_command.command("rpe")
@click.argument("effort")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path),
              help="The folder you analyse: the run is looked up there (required).")  # fmt: skip
@click.option("--date", "day", help="The day of the run, YYYY-MM-DD  [default: today].")
@click.option("--run", "start", metavar="START",
              help="The run's start (07:30 or 2026-03-01T07:30) if several.")  # fmt: skip
@click.option("--note", default="", help="A few words to keep with it.")
@_common
def rpe_command(effort: str, folder: Path | None, day: str | None, start: str | None,
                note: str, body_log: Path | None, as_of: Any, dry_run: bool) -> None:  # fmt: skip
    """Log how hard a run felt: EFFORT from 0 (rest) to 10 (maximal) on the CR-10 scale.

    The effort attaches to the run of --date in the folder given with --folder (which is
    read, never written); session RPE x minutes is the run's sRPE load (Foster et al. 2001).
    """
    if folder is None:
        raise click.UsageError(
            "rpe attaches to a run, so it needs the folder you analyse: add --folder PATH"
        )
    target = _target(body_log, _day(as_of), folder)
    checked = _entry(EntryKind.RPE, {"date": day or target.today, "rpe": effort}, target.today)
    try:
        runs = timeline(folder, as_of=target.today)
        run_start = pick_run(runs, checked.day, start)
    except BodyLogError as error:
        raise click.UsageError(error.message) from error
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    values = {"date": checked.day, "rpe": effort, "run": run_start.isoformat(), "note": note}
    _log(target, [_entry(EntryKind.RPE, values, target.today)], dry_run)


def _question_options(command: _Command) -> _Command:
    """One option per question of the check-in."""
    for question in reversed(ostrc.QUESTIONS):
        choices = "; ".join(f"{k} {words}" for k, words in enumerate(question.answers))
        command = click.option(
            f"--{question.option}",
            type=click.IntRange(0, len(question.answers) - 1),
            help=f"{question.text} ({choices}).",
        )(command)
    return command


@log_command.command("check-in")
@_question_options
@click.option("--date", "day", help="The day, YYYY-MM-DD  [default: today].")
@click.option("--note", default="", help="A few words to keep with it.")
@_common
def check_in_command(day: str | None, note: str, body_log: Path | None, as_of: Any,
                     dry_run: bool, **answers: int | None) -> None:  # fmt: skip
    """The weekly check-in: the OSTRC-O2 overuse questionnaire's four questions (Clarsen et
    al. 2013, 2020), asked here unless given as options, scored 0 (no problem) to 100."""
    target = _target(body_log, _day(as_of))
    given: list[int] = []
    for question in ostrc.QUESTIONS:
        answer = answers.get(question.option)
        if answer is None:
            click.echo(question.text)
            for number, words in enumerate(question.answers):
                click.echo(f"  {number}  {words}")
            answer = click.prompt("Your answer", type=click.IntRange(0, len(question.answers) - 1))
        given.append(int(answer))
    values = {"date": day or target.today, "answers": given, "note": note}
    entry = _entry(EntryKind.CHECK_IN, values, target.today)
    _log(target, [entry], dry_run)
    if isinstance(entry, CheckIn) and ostrc.substantial(entry.answers):
        click.echo(
            "That is a substantial problem by the questionnaire's definition: consider seeing a "
            "physiotherapist or doctor."
        )


@log_command.command("list")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only from this date on.")
@click.option("--body-log", type=click.Path(dir_okay=False, path_type=Path),
              help="The log file  [default: the config's body.log, else body-log.jsonl in "
              "your data folder].")  # fmt: skip
def list_command(since: Any, body_log: Path | None) -> None:
    """List the entries that stand, oldest first, with the ids remove takes."""
    target = _target(body_log, None)
    log = _read(target.path)
    first = _day(since)
    shown = [entry for entry in log if first is None or entry.day >= first]
    if not shown:
        click.echo(f"nothing logged{' since then' if first else ''} in {target.path}")
    for entry in shown:
        click.echo(f"#{entry.id:<4} {describe(entry)}")


@log_command.command("remove")
@click.argument("ident", metavar="ID", type=int)
@click.option("--body-log", type=click.Path(dir_okay=False, path_type=Path),
              help="The log file  [default: the config's body.log, else body-log.jsonl in "
              "your data folder].")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show the entry without removing it.")
def remove_command(ident: int, body_log: Path | None, dry_run: bool) -> None:
    """Remove entry ID (see loadwatch log list); the log keeps a line saying so."""
    target = _target(body_log, None)
    try:
        if dry_run:
            found = next((entry for entry in _read(target.path) if entry.id == ident), None)
            if found is None:
                raise BodyLogError(f"no entry {ident} in the body log; see loadwatch log list")
            click.echo(f"would remove #{ident}: {describe(found)}\n(dry run: nothing written)")
            return
        _, gone = remove(target.path, ident)
    except BodyLogError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"removed #{ident}: {describe(gone)}")


@log_command.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_common
def import_command(file: Path, body_log: Path | None, as_of: Any, dry_run: bool) -> None:
    """Import a spreadsheet (CSV) of entries: each bad row is named and left out.

    Its first row names the columns: date, kind (pain, strength, rpe or check-in; pain if
    left out), level, where, when, minutes, rpe, note.
    """
    target = _target(body_log, _day(as_of))
    try:
        imported = read_csv(file, target.today)
    except BodyLogError as error:
        raise click.ClickException(str(error)) from error
    for line, reason in imported.rejected:
        click.echo(f"line {line}: left out: {reason}", err=True)
    if not imported.entries:
        raise click.ClickException(f"{file}: no entry to import; nothing written")
    _log(target, imported.entries, dry_run)
    rejected = len(imported.rejected)
    if rejected:
        click.echo(f"{rejected} row{'s' if rejected != 1 else ''} left out (see above)", err=True)


def _read(path: Path) -> list[Entry]:
    """The log's standing entries; lines left out are said on standard error."""
    try:
        log = read_log(path)
    except BodyLogError as error:
        raise click.ClickException(str(error)) from error
    for warning in log.warnings:
        click.echo(f"warning: {path.name}: {warning}", err=True)
    return log.entries
