"""The body log file: appended line by line, removals as tombstones, a cut-off line never read,
a spreadsheet imported row by row, and the frame read_body_log returns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import loadwatch
from loadwatch.body import ostrc
from loadwatch.body.csvimport import parse_csv, read_csv
from loadwatch.body.entries import (
    BodyLogError,
    CheckIn,
    Effort,
    Pain,
    Strength,
    from_record,
    make_entry,
    to_record,
)
from loadwatch.body.store import append, read_log, refuse_inside, remove
from loadwatch.vocab import PainRegion, PainTiming

TODAY = date(2026, 3, 5)


def _pain(day: str = "2026-03-02", level: int = 4) -> Pain:
    entry = make_entry(
        "pain", {"date": day, "level": level, "where": "lower-back", "when": "after"}, TODAY
    )
    assert isinstance(entry, Pain)
    return entry


def test_entries_get_ids_and_a_removal_appends_a_tombstone(tmp_path: Path) -> None:
    """Each append takes the next id; remove leaves the line and adds one naming it."""
    log = tmp_path / "log.jsonl"
    first, second = append(log, [_pain(), _pain(level=2)])
    assert (first.id, second.id) == (1, 2)
    before = log.read_bytes()
    tombstone, gone = remove(log, 1)
    assert gone == first and tombstone.removes == 1 and tombstone.id == 3
    assert log.read_bytes().startswith(before)  # nothing written is changed
    assert [e.id for e in read_log(log).entries] == [2]
    assert append(log, [_pain()])[0].id == 4


def test_removing_an_unknown_entry_is_refused(tmp_path: Path) -> None:
    """An id the log does not hold is an error naming the newest ids; nothing is written."""
    log = tmp_path / "log.jsonl"
    append(log, [_pain()])
    before = log.read_bytes()
    with pytest.raises(BodyLogError, match=r"no entry 9 .*newest ids: 1"):
        remove(log, 9)
    assert log.read_bytes() == before


def test_a_cut_off_last_line_is_never_read_and_the_next_append_closes_it(tmp_path: Path) -> None:
    """A killed write's partial line is left out with a warning, and the next entry stands."""
    log = tmp_path / "log.jsonl"
    append(log, [_pain()])
    with log.open("ab") as handle:
        handle.write(b'{"version": 1, "id": 2, "kind": "pain", "date": "2026-03-0')
    read = read_log(log)
    assert [e.id for e in read.entries] == [1]
    assert read.warnings == ["line 2: left out: it was cut off (a run stopped while writing it)"]
    (new,) = append(log, [_pain(level=6)])
    entries = read_log(log).entries
    assert [e.id for e in entries] == [1, new.id] and entries[-1].level == 6


def test_a_newer_version_or_a_bad_line_is_left_out_with_its_line(tmp_path: Path) -> None:
    """A line of another version, or nonsense, is named by its line and not read."""
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"version": 2, "id": 1, "kind": "pain"}\nnonsense\n'
        '{"version": 1, "id": 3, "kind": "removed", "removes": 8}\n',
        encoding="utf-8",
    )
    read = read_log(log)
    assert read.entries == [] and read.last_id == 3
    assert read.warnings[0].startswith("line 1: left out: written in format version 2")
    assert read.warnings[1].startswith("line 2: left out:")
    assert read.warnings[2] == "a removal names entry 8, which the log does not hold"


def test_every_kind_of_entry_survives_its_line() -> None:
    """to_record and from_record are each other's inverse for each kind."""
    entries = [
        _pain(),
        make_entry("strength", {"date": "2026-03-01", "minutes": "30", "rpe": "6"}, TODAY),
        make_entry("rpe", {"date": "2026-03-01", "rpe": 7, "run": "2026-03-01T07:30+01:00"}, TODAY),
        make_entry("check-in", {"date": "2026-03-01", "answers": [1, 2, 1, 1]}, TODAY),
    ]
    for k, entry in enumerate(entries, start=1):
        import dataclasses

        stored = dataclasses.replace(entry, id=k)
        assert from_record(to_record(stored), TODAY) == stored
    assert isinstance(entries[1], Strength) and entries[1].rpe == 6
    assert isinstance(entries[2], Effort) and entries[2].run_start is not None
    assert isinstance(entries[3], CheckIn) and entries[3].score == 8 + 13 + 6 + 8


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"level": 11}, "pain level must be a whole number from 0 .* not 11"),
        ({"level": 2.5}, "whole number"),
        ({"where": "neck"}, "unknown region 'neck': choose one of lower-back, upper-back, hip"),
        ({"when": "lunch"}, "unknown time 'lunch'.*during, after, next-morning, rest"),
        ({"date": "2026-03-09"}, "2026-03-09 is in the future \\(today is 2026-03-05\\)"),
        ({"date": "March 2"}, "a day such as 2026-03-02"),
    ],
)
def test_a_bad_pain_says_what_is_wrong(values: dict[str, object], message: str) -> None:
    """Level 11, an unknown region or time, a future or unreadable date: each named."""
    given = {"date": "2026-03-02", "level": 4, "where": "knee", "when": "after", **values}
    with pytest.raises(BodyLogError, match=message):
        make_entry("pain", given, TODAY)


def test_ostrc_scoring_is_the_published_one() -> None:
    """0 for no problem, 100 for could not take part; each answer's points as published."""
    assert ostrc.score((0, 0, 0, 0)) == 0
    assert ostrc.score((3, 4, 4, 3)) == 100
    assert ostrc.score((1, 1, 1, 1)) == 8 + 6 + 6 + 8
    assert ostrc.substantial((1, 2, 0, 1)) and not ostrc.substantial((1, 1, 1, 3))
    with pytest.raises(ValueError, match="volume must be from 0 to 4"):
        ostrc.score((0, 5, 0, 0))
    with pytest.raises(ValueError, match="4 answers"):
        ostrc.score((0, 0))


def test_a_spreadsheet_keeps_good_rows_and_names_each_bad_one() -> None:
    """Each bad row is rejected by its line number and reason; the others are entries."""
    text = (
        "Date,Level,Region,When,Kind,Minutes,Note\n"
        "2026-03-01,3,knee,after,,,\n"
        "2026-03-02,11,knee,after,,,\n"
        "\n"
        "2026-03-03,2,neck,after,,,\n"
        "2026-03-03,,,,strength,30,planks\n"
        "2026-03-04,,,,yoga,30,\n"
        "2026-04-01,2,knee,after,,,\n"
    )
    imported = parse_csv(text, TODAY)
    assert [type(e).__name__ for e in imported.entries] == ["Pain", "Strength"]
    assert [line for line, _ in imported.rejected] == [3, 5, 7, 8]
    assert "not '11'" in imported.rejected[0][1]
    assert "unknown region 'neck'" in imported.rejected[1][1]
    assert "unknown kind of entry 'yoga'" in imported.rejected[2][1]
    assert "in the future" in imported.rejected[3][1]


def test_a_spreadsheet_without_dates_or_not_text_is_refused(tmp_path: Path) -> None:
    """No date column, or bytes that are not UTF-8 text: one clear error for the file."""
    with pytest.raises(BodyLogError, match="has no date column"):
        parse_csv("level,where\n3,knee\n", TODAY)
    binary = tmp_path / "pains.csv"
    binary.write_bytes(b"\xff\xfe\x00date")
    with pytest.raises(BodyLogError, match="save it as CSV UTF-8"):
        read_csv(binary, TODAY)


def test_a_log_inside_the_analysed_folder_is_refused(tmp_path: Path) -> None:
    """loadwatch never writes into the analysed folder, the body log included."""
    with pytest.raises(BodyLogError, match="inside the analysed folder"):
        refuse_inside(tmp_path, tmp_path / "sub" / "log.jsonl")
    refuse_inside(tmp_path / "runs", tmp_path / "log.jsonl")


def test_read_body_log_gives_a_frame_with_local_days(tmp_path: Path) -> None:
    """The public reader: one row per standing entry, tz-aware days, canonical columns."""
    log = tmp_path / "log.jsonl"
    append(log, [_pain(), make_entry("strength", {"date": "2026-03-01", "minutes": 20}, TODAY)])
    frame = loadwatch.read_body_log(log, timezone="Europe/Berlin")
    assert list(frame["kind"]) == ["strength", "pain"]
    assert str(frame["day"].dt.tz) == "Europe/Berlin"
    assert frame["day"].iloc[0].isoformat() == "2026-03-01T00:00:00+01:00"
    assert frame.loc[1, "region"] == PainRegion.LOWER_BACK
    assert frame.loc[1, "timing"] == PainTiming.AFTER
    assert frame.loc[0, "duration_min"] == 20 and frame.attrs["warnings"] == []
    sheet = tmp_path / "body-log.csv"
    sheet.write_text("date,level,where,when\n2026-03-01,3,hip,rest\nx,1,hip,rest\n")
    read = loadwatch.read_body_log(sheet, timezone="UTC")
    assert len(read) == 1 and read.attrs["warnings"][0].startswith("line 3: left out:")
    assert loadwatch.read_body_log(tmp_path / "none.jsonl", timezone="UTC").empty


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "not an entry"),
        ({"version": 1, "id": 0, "kind": "pain"}, "the id must be a whole number from 1"),
        ({"version": 1, "id": 2, "kind": "removed", "removes": "x"}, "must name an entry's id"),
        ({"version": 1, "id": 2, "kind": "check-in", "date": "2026-03-01"}, "four answers"),
        ({"version": 1, "id": 2, "kind": "check-in", "date": "2026-03-01",
          "answers": [0, 0, 9, 0]}, "performance must be from 0 to 4"),
        ({"version": 1, "id": 2, "kind": "rpe", "date": "2026-03-01", "rpe": 5,
          "run": "at dawn"}, "the run's start must be a time"),
        ({"version": 1, "id": 2, "kind": "nap", "date": "2026-03-01"},
         "unknown kind of entry 'nap'"),
    ],
)  # fmt: skip
def test_a_line_that_is_not_an_entry_says_why(record: object, message: str) -> None:
    """Each way a line can be wrong is named, so that the warning helps fix it."""
    with pytest.raises(BodyLogError, match=message):
        from_record(record, TODAY)
