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

from loadwatch.ingest import formats
from loadwatch.labels import shown
from loadwatch.model import Analysis

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
    nothing = not (result.before_since or result.skipped or result.pending)
    where = ", ".join(shown(root) for root in result.roots or (result.root,))
    if result.timeline.empty and nothing:
        click.echo(
            f"No {formats.described()} files found in {where}: is it the folder your "
            "watch or app syncs into?",
            err=True,
        )
        return
    click.echo(
        f"Read {len(result.timeline)} activities ({runs} runs) from {where}.",
        err=True,
    )
    for warning in result.warnings:
        click.echo(f"warning: {shown(warning.source)}: {shown(warning.message)}", err=True)
    _listing(
        f"Left out {len(result.duplicates)} duplicate(s):",
        [f"{shown(d.source)} (same as {shown(d.duplicate_of)})" for d in result.duplicates],
    )
    _listing(
        f"Skipped {_files_and_folders([s.source for s in result.skipped])}:",
        [f"{shown(s.source)}: {shown(s.reason)}" for s in result.skipped],
    )
    _listing(
        f"Left {len(result.pending)} file(s) still changing for the next run:",
        [shown(label) for label in result.pending],
    )
    for path in written:
        click.echo(f"Wrote {shown(path)}", err=True)


def _listing(heading: str, lines: list[str]) -> None:
    """A heading and its indented lines, on stderr; nothing when there are no lines."""
    if lines:
        click.echo(heading, err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)


def _files_and_folders(sources: list[str]) -> str:
    """'3 file(s)', or '2 file(s) and 1 folder(s)' when there are folders (labels ending '/')."""
    folders = sum(1 for source in sources if source.endswith("/"))
    files = len(sources) - folders
    if not folders:
        return f"{files} file(s)"
    return f"{files} file(s) and {folders} folder(s)" if files else f"{folders} folder(s)"


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
