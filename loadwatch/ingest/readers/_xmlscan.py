"""A strict-shape scan of GPX and TCX track points, ahead of the streaming paths' callbacks.

expat's Python callbacks cost most of a streaming read: a one-hour run has some 40,000
elements, each a start and an end call. Most points are written in one fixed shape, though,
so one regular expression (a pattern per format, given by the reader) takes their values from
the text in a single C-level call, and expat's callbacks run only over what is left: the
file with each recognised point replaced by a *placeholder* processing instruction (the
skeleton), a few hundred elements. A point the pattern does not recognise stays in the
skeleton and the callbacks read it as before, so the two ways mix point by point.

Why this reads exactly what the callbacks would:

- The whole file is parsed by expat first, without callbacks (cheap), with the same
  namespace processing and DTD refusal: broken XML, an unbound prefix or bad UTF-8 declines
  the scan, and the reader's own path reports them as before.
- A pattern recognises only elements and text: no attribute it reads, no ``<``, ``&`` or
  carriage return in a value (so no entity, no newline normalisation: the text is expat's),
  every element of the shape at most once (so "the first of each kind" is the one taken).
- A match might start inside a comment, a CDATA section or another processing instruction,
  where it is no element at all. Its placeholder then lands there too, where expat does not
  report it; the reader counts the placeholders it is given and declines unless every one
  came, in order, each where a point may stand. A file that holds a placeholder of its own
  is not scanned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

#: The processing instruction target that stands for a recognised point in the skeleton.
PLACEHOLDER_TARGET = "loadwatch-point"
_PLACEHOLDER = f"<?{PLACEHOLDER_TARGET}?>"

#: An optional namespace prefix, in a pattern (expat checks that it is bound).
PREFIX = r"(?:[^\s<>/:=\"']+:)?"
#: A value's text, as expat gives it unchanged: no markup, entity or carriage return.
TEXT = r"([^<&\r]+)"
#: Attributes whose values are not read (expat checks them; ``<`` cannot be in a value).
ATTRIBUTES = r"""(?:\s+[^\s<>/="']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*"""


def leaf(name: str) -> str:
    """A pattern for an optional ``<name>text</name>``, its text captured, then space."""
    return rf"(?:<{PREFIX}{name}>{TEXT}</{PREFIX}{name}>\s*)?"


def skipped(name: str) -> str:
    """A pattern for an optional ``<name>text</name>`` whose text is not read."""
    return rf"(?:<{PREFIX}{name}>[^<]*</{PREFIX}{name}>\s*)?"


@dataclass
class Scan:
    """The recognised points of a file: their values by column, and the skeleton to parse.

    ``columns[i][k]`` is the text of the pattern's group ``i + 1`` in the ``k``-th recognised
    point, None where the point has no such element.
    """

    skeleton: bytes
    columns: list[list[str | None]]
    count: int

    def column(self, groups: tuple[int, ...]) -> list[str | None]:
        """One value per point, from the first of ``groups`` (counted from 0) that matched.

        A pattern may write a value in two places (``lat`` before or after ``lon``), one of
        which matches in any one point.
        """
        values = self.columns[groups[0]]
        for group in groups[1:]:
            other = self.columns[group]
            values = [a if b is None else b for a, b in zip(values, other, strict=True)]
        return values


class PointRuns:
    """What both streaming readers do with the placeholders they meet: a run of them (scanned
    points in a row) goes into the columns as soon as the next tag comes, before the tag itself
    is read. A reader counts each placeholder in ``run`` and gives :meth:`_take_points`,
    :meth:`start` and :meth:`end`; expat is given :meth:`start_after_points` and
    :meth:`end_after_points`.
    """

    run: int

    def _take_points(self) -> None:
        """Put the ``run`` placeholders met since the last tag in the columns."""
        raise NotImplementedError

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """Open an element."""
        raise NotImplementedError

    def end(self, name: str) -> None:
        """Close an element."""
        raise NotImplementedError

    def start_after_points(self, name: str, attributes: dict[str, str]) -> None:
        """:meth:`start`, once the points met before are in the columns."""
        if self.run:
            self._take_points()
        self.start(name, attributes)

    def end_after_points(self, name: str) -> None:
        """:meth:`end`, once the points met before are in the columns."""
        if self.run:
            self._take_points()
        self.end(name)


def scan_points(data: bytes, pattern: re.Pattern[str]) -> Scan | None:
    """The points ``pattern`` recognises in a UTF-8 file, or None when none or not scannable.

    Args:
        data: The file's bytes, already checked to declare no DTD and within the point cap.
        pattern: One point, from its start tag to its end tag, each value a group.

    Raises:
        expat.ExpatError: The file is not well-formed XML (with namespaces).
        ValueError: It is not UTF-8.
    """
    if _PLACEHOLDER[:-2].encode() in data:
        return None
    text = data.decode("utf-8")
    parts = pattern.split(text)
    step = pattern.groups + 1
    count = len(parts) // step
    if count == 0:
        return None
    check_well_formed(data)
    return Scan(
        skeleton=_PLACEHOLDER.join(parts[::step]).encode("utf-8"),
        columns=[parts[group::step] for group in range(1, step)],
        count=count,
    )


def check_well_formed(data: bytes) -> None:
    """Parse the bytes with expat and namespaces, no callbacks: raise on broken XML or a DTD."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.Parse(data, True)


def _refuse(*args: object) -> None:
    """A DTD or entity, never reached after the prolog check: refused all the same."""
    raise expat.ExpatError("a DTD or entity declaration")
