"""The flags and notes a week can carry, in the words of each place that shows them.

The words are declared with the flags themselves (:data:`loadwatch.vocab.FLAG_WORDS` and
:data:`~loadwatch.vocab.NOTE_WORDS`), so that the table, ``index.html``, the ``--notify``
summary and the chart's legend never describe the same flag in three ways; these functions look
them up. ``docs/metrics.md`` defines each flag. A flag a newer loadwatch adds, unknown here
(read back from an older ``latest.json``, say), is still shown, in words made from its name.
"""

from __future__ import annotations

from loadwatch.vocab import FLAG_WORDS, NOTE_WORDS, FlagWords


def words_for(flag: str) -> FlagWords:
    """The words of ``flag``; for a flag this version does not know, words from its name."""
    known = FLAG_WORDS.get(flag)
    if known is not None:
        return known
    words = flag.replace("_", " ")
    return FlagWords(flag.upper(), words, words, (words[:1] or "X").upper())


def note_mark(note: str) -> str:
    """The table's mark of ``note`` (its own name when unknown)."""
    return NOTE_WORDS.get(note, (note, ""))[0]


def note_words(note: str) -> str:
    """``note`` as a phrase for a list (its name in words when unknown)."""
    return NOTE_WORDS.get(note, ("", note.replace("_", " ")))[1]
