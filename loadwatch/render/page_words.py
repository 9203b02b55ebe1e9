"""The page's short words for flags, notes, sports, surfaces and spikes.

The page has little room per cell, so it says each code in a few plain words rather than the
longer phrases of :func:`loadwatch.vocab.flag_words` (``docs/metrics.md`` defines each); the
risk levels and counts are vocab's own (:data:`~loadwatch.vocab.RISK_WORDS`,
:func:`~loadwatch.vocab.plural`), the same as in the terminal. A code this version does not know
(read back from a newer ``latest.json``, say) is still shown, in words made from its name, never
as a raw identifier.
"""

from __future__ import annotations

from collections.abc import Iterable

from loadwatch.vocab import Flag, Note, Sport, Surface, plural

#: Each flag in a few words, for a table cell.
FLAG_SHORT: dict[str, str] = {
    Flag.DISTANCE: "distance up",
    Flag.INTENSITY: "intensity up",
    Flag.FREQUENCY: "more runs",
    Flag.SESSION_SPIKE: "single-run spike",
    Flag.ACWR: "ACWR high (disputed)",
    Flag.MONOTONY: "monotony high (disputed)",
}
#: Each note in a few words, for a table cell.
NOTE_SHORT: dict[str, str] = {
    Note.HARD_SURFACE: "mostly road",
    Note.LOW_LOAD: "light week",
    Note.LOW_STRENGTH: "little strength work",
    Note.SHOE_WEAR: "worn shoe",
}
#: Each sport in words.
SPORT_SHORT: dict[str, str] = {
    Sport.RUNNING: "run",
    Sport.CYCLING: "ride",
    Sport.SWIMMING: "swim",
    Sport.WALKING: "walk",
    Sport.STRENGTH: "strength",
    Sport.OTHER: "other",
}
#: Each surface in words (an unknown surface is said as not known).
SURFACE_SHORT: dict[str, str] = {
    Surface.ROAD: "road",
    Surface.TRAIL: "trail",
    Surface.TRACK: "track",
    Surface.TREADMILL: "treadmill",
    Surface.UNKNOWN: "not known",
}


def said(code: object, table: dict[str, str]) -> str:
    """``code`` in the words of ``table``; an unknown code in words made from its name."""
    text = "" if code is None else str(code)
    return table.get(text, text.replace("_", " ").replace(":", ", "))


def said_all(codes: Iterable[object] | None, table: dict[str, str]) -> str:
    """Several codes in words, joined by commas."""
    return ", ".join(said(code, table) for code in codes or [])


def count_words(count: int, one: str, many: str | None = None) -> str:
    """``1 run``, ``2 runs``: a count with its noun agreeing (:func:`loadwatch.vocab.plural`)."""
    return plural(count, one, many or "")
