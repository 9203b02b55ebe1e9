"""File names with control characters: shown escaped on the terminal, in the log and the JSON.

An ESC sequence in a name could set the terminal's title or colours, a carriage return overwrite
the line shown, a new line fake a line of the nightly log. Every name is shown through
:func:`loadwatch.labels.shown`, which escapes them (``\\x1b``, ``\\r``, ``\\n``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.labels import shown

#: Names that reach the user: a readable run, a broken file (skipped, so listed).
GOOD = "run \x1b]0;owned\x07\x1b[2J.gpx"
BAD = "broken\r\nwarning: all is well\x9b.gpx"
RAW = ("\x1b", "\x07", "\r", "\x9b")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "watch"
    folder.mkdir()
    start = datetime(2026, 6, 1, 7, tzinfo=UTC)
    (folder / GOOD).write_text(gpx(start))
    (folder / "plain.gpx").write_text(gpx(start + timedelta(days=2)))
    (folder / BAD).write_text("<gpx><trk>cut short")
    return folder


def test_shown_escapes_control_characters() -> None:
    """Every control character (C0, DEL, C1) comes out as a visible escape."""
    assert shown("a\nb\rc\td\x1be\x07f\x7fg\x9bh") == "a\\nb\\rc\\td\\x1be\\x07f\\x7fg\\x9bh"
    assert shown("Müller läuft.gpx") == "Müller läuft.gpx"


def test_names_reach_the_terminal_escaped(tmp_path: Path) -> None:
    """The skipped list, the warnings and the error name files with escapes, never raw."""
    folder = _folder(tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    result = CliRunner().invoke(cli, ["analyze", str(folder), "--no-cache", "--timezone", "UTC"])
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not any(char in result.output for char in RAW)
    assert "broken\\r\\nwarning: all is well\\x9b.gpx: " in result.stderr
    assert not any(line.startswith("warning: all is well") for line in result.stderr.splitlines())
    assert sorted(p.name for p in folder.iterdir()) == before


def test_names_reach_the_log_and_json_escaped(tmp_path: Path) -> None:
    """With --log, the log (its header with the command line included) holds no control
    character from a name; the JSON's sources are escaped too."""
    folder = _folder(tmp_path)
    named = tmp_path / "watch\x1b[31m"
    folder.rename(named)
    log = tmp_path / "nightly.log"
    result = CliRunner().invoke(cli, ["analyze", str(named), "--no-cache", "--log", str(log)])
    assert result.exit_code == 0, log.read_text()
    text = log.read_text()
    assert not any(char in text for char in RAW)
    assert "watch\\x1b[31m" in text and "\\r\\n" in text
    result = CliRunner().invoke(cli, ["analyze", str(named), "--no-cache", "--format", "json"])
    sources = [a["source"] for a in json.loads(result.stdout)["activities"]]
    assert any("\\x1b]0;owned\\x07" in source for source in sources)
