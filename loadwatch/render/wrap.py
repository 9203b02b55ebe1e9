"""Text wrapped for a terminal: at its width, never inside a word, a date or a path.

A terminal's width is asked of the stream the text goes to; a pipe or a file gets lines of
:data:`PIPE_WIDTH` columns, a width every pager and editor shows whole.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

#: The width of lines that do not go to a terminal.
PIPE_WIDTH = 80
#: The narrowest width text is wrapped to, however narrow the terminal.
MIN_WIDTH = 40


def width_of(stream: TextIO) -> int:
    """The width to wrap text for ``stream``: its terminal's columns, else :data:`PIPE_WIDTH`."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream: not a terminal
        tty = False
    if not tty:
        return PIPE_WIDTH
    return max(MIN_WIDTH, shutil.get_terminal_size((PIPE_WIDTH, 24)).columns)


def wrapped(text: str, width: int, *, first: str = "", rest: str = "  ") -> list[str]:
    """``text`` in lines of at most ``width`` columns, each break at a space.

    A word longer than the line (a long path) is kept whole on a line of its own, and a
    hyphen is no place to break (dates, file names): a path can be copied from the output.

    Args:
        text: One paragraph.
        width: The most columns a line takes.
        first: What the first line begins with (a bullet, an indent).
        rest: What the other lines begin with.
    """
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]
