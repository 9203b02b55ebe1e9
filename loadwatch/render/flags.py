"""The flags and notes a week can carry, in the words of each place that shows them.

One vocabulary, so that the table, ``index.html``, the ``--notify`` summary and the chart's
legend never describe the same flag in three ways. The names are those of
:mod:`loadwatch.metrics.weekly` (the 10% rule) and :mod:`loadwatch.metrics.risk` (the risk flags
and notes);
``docs/metrics.md`` defines each. A flag a newer loadwatch adds, unknown here, is still shown,
in words made from its name.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class FlagWords:
    """How one flag is shown.

    Attributes:
        mark: The table's mark, in capitals (``DIST``).
        short: A few words for the chart's legend (``session spike``).
        what: What it is about, as a noun phrase for sentences and lists
            (``the number of runs``, ``a run much longer than ...``).
        letter: The chart's letter above a flagged week's bar.
    """

    mark: str
    short: str
    what: str
    letter: str


#: The flags this version knows, in the order the chart stacks their letters.
FLAGS: dict[str, FlagWords] = {
    "distance": FlagWords("DIST", "distance", "distance", "D"),
    "intensity": FlagWords("INT", "intensity", "intensity", "I"),
    "frequency": FlagWords("FREQ", "runs", "the number of runs", "F"),
    "session_spike": FlagWords(
        "SPIKE",
        "session spike: a run >10% over the 30-day longest",
        "a run more than 10% longer than the longest of the 30 days before it",
        "S",
    ),
    "acwr": FlagWords(
        "ACWR", "ACWR above its limit", "a load high against the 3 weeks before (ACWR)", "A"
    ),
    "monotony": FlagWords(
        "MONO", "monotony above its limit", "days too much alike (monotony)", "M"
    ),
}

#: Notes (advice, not flags): the table's mark and a phrase for lists.
NOTES: dict[str, tuple[str, str]] = {
    "hard_surface": ("hard", "almost all on road: mix in trail or track"),
    "low_load": ("low", "a much lighter week than the 3 before (ACWR below 0.8)"),
    "low_strength": ("str", "fewer strength sessions than the target"),
    "shoe_wear": ("shoe", "a shoe past its distance limit"),
}


def words_for(flag: str) -> FlagWords:
    """The words of ``flag``; for a flag this version does not know, words from its name."""
    known = FLAGS.get(flag)
    if known is not None:
        return known
    words = flag.replace("_", " ")
    return FlagWords(flag.upper(), words, words, (words[:1] or "X").upper())


def note_mark(note: str) -> str:
    """The table's mark of ``note`` (its own name when unknown)."""
    return NOTES.get(note, (note, ""))[0]


def note_words(note: str) -> str:
    """``note`` as a phrase for a list (its name in words when unknown)."""
    return NOTES.get(note, ("", note.replace("_", " ")))[1]
