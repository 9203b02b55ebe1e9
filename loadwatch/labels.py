"""File names as people see them, whatever bytes they are made of.

On POSIX a file name is bytes; Python decodes the ones that are not UTF-8 (a Latin-1
``M\\xfcnchen.gpx`` from an old export) with lone surrogates, which cannot be written as UTF-8.
Wherever a label or path is shown or written (terminal, log, JSON, CSV, HTML), it goes through
:func:`shown` first: such bytes read as ``\\xfc``, and everything else is left as it is.
"""

from __future__ import annotations

import os


def shown(text: str | os.PathLike[str]) -> str:
    """``text`` (a label or path) with the bytes of a file name that are not UTF-8 as ``\\xNN``.

    >>> shown("run-\\udcfc.gpx")
    'run-\\\\xfc.gpx'
    """
    text = os.fspath(text)
    if text.isascii():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name decodes to: show its code point
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
