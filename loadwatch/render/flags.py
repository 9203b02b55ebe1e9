"""The flags and notes a week can carry, in the words of each place that shows them.

The words are declared with the flags themselves (:data:`loadwatch.vocab.FLAG_WORDS` and
:data:`~loadwatch.vocab.NOTE_WORDS`), so that the table, ``index.html``, the ``--notify``
summary and the chart's legend never describe the same flag in three ways; these functions look
them up. ``docs/metrics.md`` defines each flag. A flag a newer loadwatch adds, unknown here
(read back from an older ``latest.json``, say), is still shown, in words made from its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loadwatch.vocab import FLAG_WORDS, NOTE_WORDS, RED_FLAG_WORDS, FlagWords


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


def red_flag_sentences(report: Mapping[str, Any]) -> list[str]:
    """The body log's red flags (the JSON report's ``red_flags``), one sentence each, said
    before anything else: what raised it, since when, and to see someone."""
    sentences = []
    for found in report.get("red_flags", []) or []:
        name = RED_FLAG_WORDS.get(found.get("flag", ""), str(found.get("flag", "")))
        sentences.append(
            f"RED FLAG since {found.get('since')}: {name} ({found.get('why')}). "
            "See a physiotherapist or doctor."
        )
    return sentences
