"""The vocabulary: each word spelt once, every flag and note with the words people read."""

from __future__ import annotations

import json

from loadwatch.render.flags import note_mark, note_words, words_for
from loadwatch.vocab import FLAG_WORDS, NOTE_WORDS, Flag, Note, Surface


def test_every_flag_and_note_has_its_words_and_no_other_has() -> None:
    """A new Flag or Note member without words fails here, not as a made-up mark on a page."""
    assert list(FLAG_WORDS) == list(Flag)
    assert list(NOTE_WORDS) == list(Note)
    marks = [words.mark for words in FLAG_WORDS.values()] + [m for m, _ in NOTE_WORDS.values()]
    assert len(set(marks)) == len(marks)
    letters = [words.letter for words in FLAG_WORDS.values()]
    assert len(set(letters)) == len(letters)


def test_members_are_their_strings() -> None:
    """Members compare, hash and serialise as their plain strings, as the outputs need."""
    assert Surface.ROAD == "road"
    assert {"road": 1}[Surface.ROAD] == 1
    assert json.dumps([Flag.ACWR, Note.LOW_LOAD]) == '["acwr", "low_load"]'
    assert f"{Flag.SESSION_SPIKE}" == "session_spike"


def test_a_flag_this_version_does_not_know_is_still_shown_in_words() -> None:
    """A flag or note from a newer loadwatch (read back from a report) is shown by its name."""
    assert words_for("heat_stress").mark == "HEAT_STRESS"
    assert words_for("heat_stress").short == "heat stress"
    assert note_mark("new_note") == "new_note"
    assert note_words("new_note") == "new note"
    assert words_for(Flag.DISTANCE).mark == "DIST"
