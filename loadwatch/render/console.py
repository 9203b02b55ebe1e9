"""What the command line shows besides its table: progress, colours, and what was set aside.

A progress bar on stderr while files are read (only on a terminal), the table's colours (only on
a terminal, and never with ``NO_COLOR``), and the messages that follow an analysis: duplicates,
skipped files, files left for the next run and the outputs written, each wrapped to the
terminal (:mod:`loadwatch.render.wrap`; one line each when stderr is no terminal).
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
from loadwatch.render.wrap import message_width, wrapped
from loadwatch.vocab import plural

#: How many of the newest weeks the table shows unless told (``--weeks``, ``--all``).
SHOWN_WEEKS = 12

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


def say(text: str, *, first: str = "", rest: str = "  ") -> None:
    """One message on stderr, wrapped to its terminal (one line when it is none)."""
    width = message_width(sys.stderr)
    lines = [first + text] if width is None else wrapped(text, width, first=first, rest=rest)
    for line in lines:
        click.echo(line, err=True)


def tell(result: Analysis, written: list[Path]) -> None:
    """Messages for the user, on stderr: what was set aside and what was written."""
    runs = int((result.timeline["sport"] == "running").sum()) if len(result.timeline) else 0
    nothing = not (result.before_since or result.skipped or result.pending)
    where = ", ".join(shown(root) for root in result.roots or (result.root,))
    if result.timeline.empty and nothing:
        say(
            f"No {formats.described()} files found in {where}: is it the folder your "
            "watch or app syncs into?"
        )
        return
    say(
        f"Read {plural(len(result.timeline), 'activity', 'activities')} "
        f"({plural(runs, 'run')}) from {where}."
    )
    for warning in result.warnings:
        say(f"warning: {shown(warning.source)}: {shown(warning.message)}")
    _listing(
        f"Left out {plural(len(result.duplicates), 'duplicate')}:",
        [f"{shown(d.source)} (same as {shown(d.duplicate_of)})" for d in result.duplicates],
    )
    _listing(
        f"Skipped {_files_and_folders([s.source for s in result.skipped])}:",
        [f"{shown(s.source)}: {shown(s.reason)}" for s in result.skipped],
    )
    _listing(
        f"Left {plural(len(result.pending), 'file')} still changing for the next run:",
        [shown(label) for label in result.pending],
    )
    for path in written:
        say(f"Wrote {shown(path)}")


def _listing(heading: str, lines: list[str]) -> None:
    """A heading and its indented lines, on stderr; nothing when there are no lines."""
    if lines:
        say(heading)
        for line in lines:
            say(line, first="  ", rest="    ")


def _files_and_folders(sources: list[str]) -> str:
    """'3 files', or '2 files and 1 folder' when there are folders (labels ending '/')."""
    folders = sum(1 for source in sources if source.endswith("/"))
    files = len(sources) - folders
    if not folders:
        return plural(files, "file")
    both = f"{plural(files, 'file')} and {plural(folders, 'folder')}"
    return both if files else plural(folders, "folder")


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
