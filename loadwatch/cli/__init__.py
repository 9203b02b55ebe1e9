"""The ``loadwatch`` command: thin wrappers over the library's public functions, click only.

:mod:`~loadwatch.cli.analyze` is ``loadwatch analyze`` (its options, gathered into the
library's, in :mod:`~loadwatch.cli.params`); :mod:`~loadwatch.cli.schedule` is
``loadwatch schedule``; :mod:`~loadwatch.cli.log` is ``loadwatch log``;
:mod:`~loadwatch.cli.setup` is ``loadwatch init`` and
``loadwatch config``; :mod:`~loadwatch.cli.help` is ``loadwatch docs`` and ``loadwatch demo``.
What they print is made by :mod:`loadwatch.render`.

Each command's module is imported only when that command runs (or its ``--help`` is asked
for): ``loadwatch --help`` lists them from :data:`COMMANDS` without importing pandas, numpy or
matplotlib (``benchmarks/cli_startup.py`` measures it).
"""

from __future__ import annotations

import importlib

import click

from loadwatch._version import __version__
from loadwatch.cli.exits import EXIT_BUSY, EXIT_FLAGGED

__all__ = ["COMMANDS", "EXIT_BUSY", "EXIT_FLAGGED", "cli"]

#: Every command: its module, the command's name in it, and the line ``loadwatch --help``
#: shows (``tests/test_firstrun.py`` checks it is the command's own first line).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "analyze": (
        "loadwatch.cli.analyze",
        "analyze_command",
        "Analyse the activity files in PATH week by week.",
    ),
    "config": ("loadwatch.cli.setup", "config_command", "Show the settings in force."),
    "demo": ("loadwatch.cli.help", "demo_command", "Write sample activity files into DIR."),
    "docs": ("loadwatch.cli.help", "docs_command", "Print a page of loadwatch's documentation."),
    "init": ("loadwatch.cli.setup", "init_command", "Set up your config: a few questions."),
    "log": (
        "loadwatch.cli.log",
        "log_command",
        "Keep a body log: pain, the effort of runs, strength work and a weekly check-in.",
    ),
    "runs": (
        "loadwatch.cli.runs",
        "runs_command",
        "List the activities of a week or a period, one line each.",
    ),
    "schedule": (
        "loadwatch.cli.schedule",
        "schedule_command",
        "Run `loadwatch analyze PATH --out DIR` every night.",
    ),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when one is run, not to list them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), name)
        if not isinstance(command, click.Command):  # pragma: no cover - a wrong table entry
            raise TypeError(f"{module}.{name} is no click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from :data:`COMMANDS`, none of them imported."""
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="loadwatch")
def cli() -> None:
    """loadwatch reads the files your watch exports and flags the weeks where you ramped up
    your running faster than your body adapts.

    \b
    First run:
      loadwatch init                 # your time zone, heart rates, shoes
      loadwatch demo ./demo && loadwatch analyze ./demo

    \b
    Examples:
      loadwatch analyze ./runs
      loadwatch analyze ~/Garmin export_12345.zip --out charts/
      loadwatch analyze export_12345.zip --format json > weeks.json
    """
