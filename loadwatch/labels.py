"""File names as people see them, whatever bytes they are made of.

On POSIX a file name is bytes; Python decodes the ones that are not UTF-8 (a Latin-1
``M\\xfcnchen.gpx`` from an old export) with lone surrogates, which cannot be written as UTF-8.
And a name may hold control characters: an escape sequence that sets a terminal's title or
colours, a carriage return that overwrites the line shown, a new line that fakes a line of the
log. Wherever a label or path is shown or written (terminal, log, JSON, CSV, HTML), it goes
through :func:`shown` first: such bytes read as ``\\xfc``, control characters as ``\\n``,
``\\r``, ``\\t`` or ``\\x1b``, and everything else is left as it is.
"""

from __future__ import annotations

import os
import re

#: Control characters: C0 (new line, carriage return, escape, bell...), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def shown(text: str | os.PathLike[str]) -> str:
    """``text`` (a label or path) with the bytes of a file name that are not UTF-8 as ``\\xNN``
    and control characters escaped.

    >>> shown("run-\\udcfc.gpx")
    'run-\\\\xfc.gpx'
    >>> shown("run\\x1b]0;owned\\x07\\n.gpx")
    'run\\\\x1b]0;owned\\\\x07\\\\n.gpx'
    """
    text = os.fspath(text)
    if not text.isascii():
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file name decodes to: show its code point
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        else:
            text = raw.decode("utf-8", "backslashreplace")
    return _CONTROL.sub(_escaped, text)
