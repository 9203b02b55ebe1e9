"""Text wrapped for a terminal: at its width, never inside a word, a date or a path.

A terminal's width is asked of the stream the text goes to. What is not a terminal gets the
report (standard output) in lines of :data:`PIPE_WIDTH` columns, a width every pager and editor
shows whole, and messages (standard error: skipped files, warnings) one to a line, unwrapped,
so that a log can be searched line by line (:func:`message_width`).
"""

from __future__ import annotations

import shutil
from typing import TextIO

#: The width of lines that do not go to a terminal.
PIPE_WIDTH = 80
#: The narrowest width text is wrapped to, however narrow the terminal.
MIN_WIDTH = 40


def _is_tty(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a closed or odd stream is not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def width_of(stream: TextIO) -> int:
    """The width to wrap text for ``stream``: its terminal's columns, else :data:`PIPE_WIDTH`."""
    if not _is_tty(stream):
        return PIPE_WIDTH
    return max(MIN_WIDTH, shutil.get_terminal_size((PIPE_WIDTH, 24)).columns)


def message_width(stream: TextIO) -> int | None:
    """The width to wrap messages for ``stream``: its terminal's; ``None`` (one message a
    line) when it is no terminal."""
    width = width_of(stream)
    return width if _is_tty(stream) else None


def wrapped(text: str, width: int, *, first: str = "", rest: str = "  ") -> list[str]:
    """``text`` in lines of at most ``width`` columns, each break at a space.

    A word longer than a whole line (a long path) is never broken: it stays on the line it
    starts, which then runs past ``width``, since a line of its own would too. Hyphens are no
    place to break either (dates, file names): a path can be copied from the output whole.

    Args:
        text: One paragraph.
        width: The most columns a line takes.
        first: What the first line begins with (a bullet, an indent).
        rest: What the other lines begin with.
    """
    lines: list[str] = []
    line = first
    bare = True  # nothing but the indent on the line yet
    for word in text.split():
        fits = len(line) + (0 if bare else 1) + len(word) <= width
        too_long_anyway = len(rest) + len(word) > width
        if bare or fits or too_long_anyway:
            line += word if bare else f" {word}"
        else:
            lines.append(line)
            line = rest + word
        bare = False
    lines.append(line.rstrip())
    return lines
