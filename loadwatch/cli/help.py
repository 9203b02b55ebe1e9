"""``loadwatch docs`` and ``loadwatch demo``: the shipped docs, and sample files to try it on."""

from __future__ import annotations

from pathlib import Path

import click

from loadwatch.errors import LoadwatchError
from loadwatch.labels import shown
from loadwatch.manual import PAGES, doc_page


@click.command("docs")
@click.argument("page", required=False, type=click.Choice(list(PAGES)))
def docs_command(page: str | None) -> None:
    """Print a page of loadwatch's documentation.

    Without a page, lists them. The table's and the page's words (ACWR, spike, monotony...)
    are defined in `loadwatch docs metrics`, each with its source.

    \b
    Examples:
      loadwatch docs metrics | less
    """
    if page is None:
        width = max(len(name) for name in PAGES)
        for name, (_, about) in PAGES.items():
            click.echo(f"  {name:<{width}}  {about}")
        return
    try:
        click.echo(doc_page(page), nl=False)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error


@click.command("demo")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def demo_command(folder: Path, force: bool) -> None:
    """Write sample activity files into DIR.

    Sixteen weeks of a made-up runner's FIT, GPX and TCX files (and a Strava export), built so
    that each kind of flag shows up; DIR/README.txt tells the story. DIR must be new or empty.

    \b
    Examples:
      loadwatch demo ./demo && loadwatch analyze ./demo
    """
    from loadwatch.samples import write_demo  # numpy: only when the samples are written

    try:
        written = write_demo(folder, force=force)
    except LoadwatchError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Wrote {len(written)} files into {shown(folder)}. Next: loadwatch analyze {shown(folder)}",
        err=True,
    )
