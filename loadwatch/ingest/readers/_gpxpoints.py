"""GPX track points without a position, taken out so that one of them cannot sink a whole run.

The GPX schema makes ``lat`` and ``lon`` required on every ``<trkpt>``, and gpxpy refuses the
whole document when one point lacks them ("latitude is mandatory"). A device or converter that
writes one such point (a time and heart rate before the first fix, say) would lose the runner
an entire run. :func:`drop_unplaced_points` removes exactly those points from the text, so the
rest can be read; the GPX reader calls it only after gpxpy has refused the file.
"""

from __future__ import annotations

import re

# One <trkpt> element, with any namespace prefix: its attributes, then either "/>" or its
# content up to its own end tag (track points never nest).
_TRKPT = re.compile(
    r"<(?P<tag>(?:[A-Za-z_][\w.\-]*:)?trkpt)\b(?P<attributes>[^>]*?)(?:/>|>.*?</(?P=tag)\s*>)",
    re.DOTALL,
)
_LAT = re.compile(r"\blat\s*=")
_LON = re.compile(r"\blon\s*=")


def drop_unplaced_points(text: str) -> tuple[str, int]:
    """The document without the ``<trkpt>`` elements missing ``lat`` or ``lon``, and their count.

    Args:
        text: The decoded GPX document.

    Returns:
        The text with those points removed (unchanged when there are none) and how many.
    """
    dropped = 0

    def keep_placed(match: re.Match[str]) -> str:
        nonlocal dropped
        attributes = match.group("attributes")
        if _LAT.search(attributes) and _LON.search(attributes):
            return match.group(0)
        dropped += 1
        return ""

    cleaned = _TRKPT.sub(keep_placed, text)
    return (cleaned, dropped) if dropped else (text, 0)


def unplaced_note(count: int) -> str:
    """The warning for points left out for want of a position."""
    points = "1 track point" if count == 1 else f"{count} track points"
    return f"{points} without a position (lat/lon) left out"
