"""What the command line shows besides its table: progress, colours, and what was set aside.

A progress bar on stderr while files are read (only on a terminal), the table's colours (only on
a terminal, and never with ``NO_COLOR``), and the messages that follow an analysis: duplicates,
skipped files, files left for the next run and the outputs written.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

import click

from loadwatch.analysis import Analysis
from loadwatch.labels import shown

#: How :func:`colour` shows each kind of text.
STYLES: dict[str, dict[str, object]] = {
    "flag": {"fg": "red", "bold": True},
    "note": {"fg": "yellow"},
    "dim": {"dim": True},
    "head": {"bold": True},
}


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def colour(text: str, kind: str) -> str:
    """``text`` styled for its ``kind`` (see :data:`STYLES`)."""
    return click.style(text, **STYLES.get(kind, {}))  # type: ignore[arg-type]


def plain(text: str, _kind: str) -> str:
    """``text`` as it is: the style of a table without colours."""
    return text


def tell(result: Analysis, written: list[Path]) -> None:
    """Messages for the user, on stderr: what was set aside and what was written."""
    runs = int((result.timeline["sport"] == "running").sum()) if len(result.timeline) else 0
    if result.timeline.empty and not result.skipped and not result.pending:
        click.echo(
            f"No FIT, GPX or TCX files found in {shown(result.root)}: is it the folder your "
            "watch or app syncs into?",
            err=True,
        )
        return
    click.echo(
        f"Read {len(result.timeline)} activities ({runs} runs) from {shown(result.root)}.",
        err=True,
    )
    for warning in result.warnings:
        click.echo(f"warning: {shown(warning.source)}: {shown(warning.message)}", err=True)
    if result.duplicates:
        click.echo(f"Left out {len(result.duplicates)} duplicate(s):", err=True)
        for duplicate in result.duplicates:
            source, same = shown(duplicate.source), shown(duplicate.duplicate_of)
            click.echo(f"  {source} (same as {same})", err=True)
    if result.skipped:
        click.echo(f"Skipped {len(result.skipped)} file(s):", err=True)
        for skipped in result.skipped:
            click.echo(f"  {shown(skipped.source)}: {shown(skipped.reason)}", err=True)
    if result.pending:
        click.echo(f"Left {len(result.pending)} file(s) still changing for the next run:", err=True)
        for label in result.pending:
            click.echo(f"  {shown(label)}", err=True)
    for path in written:
        click.echo(f"Wrote {shown(path)}", err=True)


class ProgressBar:
    """Files read so far, rate and time left, on one line of a terminal's stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if done < total and now - self.last_drawn < 0.1:
            return
        self.last_drawn = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        width = 24
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        line = f"Reading [{bar}] {done}/{total} files, {rate:.0f}/s, {_clock(left)} left"
        self.stream.write("\r" + line[:79].ljust(79))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def progress_bar() -> ProgressBar | None:
    """A progress bar on stderr, only when stderr is a terminal."""
    stream = sys.stderr
    return ProgressBar(stream) if stream.isatty() else None
