"""The ``loadwatch`` command: thin wrappers over the library's public functions, click only.

:mod:`~loadwatch.cli.analyze` is ``loadwatch analyze`` (its options, gathered into the
library's, in :mod:`~loadwatch.cli.params`); :mod:`~loadwatch.cli.schedule` is
``loadwatch schedule``; :mod:`~loadwatch.cli.log` is ``loadwatch log``. What they print is
made by :mod:`loadwatch.render`.
"""

from __future__ import annotations

import click

from loadwatch._version import __version__
from loadwatch.cli.analyze import EXIT_BUSY, EXIT_FLAGGED, analyze_command
from loadwatch.cli.log import log_command
from loadwatch.cli.schedule import schedule_command

__all__ = ["EXIT_BUSY", "EXIT_FLAGGED", "cli"]


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


cli.add_command(analyze_command)
cli.add_command(schedule_command)
cli.add_command(log_command)
