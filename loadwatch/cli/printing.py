"""What ``loadwatch analyze`` prints on standard output, and the options that shape it.

The answer first, the newest weeks (``--weeks N``, ``--all``) and the legend of the marks shown:
of every mark with ``--legend``, else only of those the runner has not been shown yet (kept in
the state folder by :mod:`loadwatch.settings.seen`). ``-q`` prints the answer alone. JSON and
CSV are printed as they are, whatever these options say.
"""

from __future__ import annotations

import sys

import click

from loadwatch.model import Analysis
from loadwatch.render.console import SHOWN_WEEKS, colour, plain
from loadwatch.render.wrap import width_of
from loadwatch.settings.seen import read_seen, remember_seen, seen_file

#: The options of ``loadwatch analyze`` that shape the table, as they decorate it.
TABLE_OPTIONS = (
    click.option(
        "--weeks",
        "shown_weeks",
        type=click.IntRange(min=1),
        default=SHOWN_WEEKS,
        show_default=True,
        metavar="N",
        help="How many of the newest weeks the table shows.",
    ),
    click.option("--all", "all_weeks", is_flag=True, help="Show every week in the table."),
    click.option(
        "--legend",
        is_flag=True,
        help="Explain every mark the table shows (else each only the first time it appears).",
    ),
)


def print_table(
    result: Analysis,
    *,
    units: str,
    weeks: int | None,
    legend: bool = False,
    quiet: bool = False,
    coloured: bool = False,
) -> None:
    """The answer, the weeks and the legend of their new marks, on standard output.

    ``weeks``: how many of the newest weeks the table shows (``None``: all); ``legend``:
    explain every mark shown. With ``quiet``, the answer alone. The codes of the marks shown
    are remembered, so that the next run explains only marks it has not explained yet.
    """
    # Imported here: the table needs pandas, which a rerun with nothing new goes without.
    from loadwatch.render.table import legend_codes, render_answer, render_table, shown_weeks

    width = width_of(sys.stdout)
    if quiet:
        click.echo(render_answer(result, units=units, width=width), nl=False)
        return
    codes = legend_codes(result, shown_weeks(result, weeks), units)
    memory = seen_file()
    explained = codes if legend else [c for c in codes if c not in read_seen(memory)]
    text = render_table(
        result,
        units=units,
        style=colour if coloured else plain,
        weeks=weeks,
        legend=explained,
        width=width,
    )
    click.echo(text, nl=False, color=coloured)
    remember_seen(memory, codes)
