"""File names that are not UTF-8 (a Latin-1 ``M\\xfcnchen`` from an old export): read, counted,
cached and shown as ``\\xfc``, never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.ingest import formats
from loadwatch.ingest.cache import SCHEMA_VERSION, Cache
from loadwatch.labels import shown

#: The formats every "is not a ... file" message names.
ALL = formats.described()

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def _named(folder: Path, raw: bytes) -> Path:
    """``folder / raw``, a name of raw bytes, as Python names it (with surrogates)."""
    return folder / os.fsdecode(raw)


@pytest.fixture
def latin1(tmp_path: Path) -> Path:
    """A folder (itself named in Latin-1) with two runs, one of them, a photo, a broken file and
    a subfolder named in Latin-1."""
    if sys.getfilesystemencoding().lower() not in ("utf-8", "utf8"):
        pytest.skip("file names are not bytes decoded as UTF-8 here")
    root = _named(tmp_path, b"Uhr-\xe9")
    try:
        root.mkdir()
        _named(root, b"M\xfcnchen.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    except (OSError, UnicodeEncodeError) as error:
        pytest.skip(f"this file system refuses names that are not UTF-8 ({error})")
    (root / "plain.gpx").write_text(gpx(MONDAY, minutes=30))
    _named(root, b"run-\xfc.gpx").write_text(gpx(MONDAY + timedelta(days=2), minutes=40))
    _named(root, b"bad-\xfc.fit").write_bytes(b"not a fit file at all")
    sub = _named(root, b"L\xe4ufe")
    sub.mkdir()
    (sub / "long.gpx").write_text(gpx(MONDAY + timedelta(days=4), minutes=50))
    return root


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def _check_told(err: str) -> None:
    """The messages count the run named in Latin-1, skip the broken file, ignore the photo."""
    assert "Read 3 activities (3 runs) from " in err
    assert "Uhr-\\xe9" in err
    assert f"  bad-\\xfc.fit: is not a {ALL} file" in err
    assert "nchen" not in err
    assert "\\udc" not in err and "Traceback" not in err


def test_table_with_the_cache(latin1: Path, tmp_path: Path) -> None:
    """The default command (cache on) reads, caches and shows them; a rerun uses the cache."""
    cache = tmp_path / "c.sqlite3"
    for _ in range(2):
        code, out, err = invoke("analyze", latin1, "--cache", cache)
        assert code == 0, err
        assert "2026-06-01" in out
        _check_told(err)
    run = _named(latin1, b"run-\xfc.gpx")
    with Cache(cache) as database:
        assert database.known_file(str(run.resolve()), run.stat()) is not None
        assert database.get_state(latin1.resolve()) is not None


def test_json(latin1: Path) -> None:
    """The JSON names the file with \\xfc, as valid UTF-8."""
    code, out, err = invoke("analyze", latin1, "--format", "json", "--no-cache")
    assert code == 0, err
    report = json.loads(out)
    sources = {a["source"] for a in report["activities"]}
    assert sources == {"plain.gpx", "run-\\xfc.gpx", "L\\xe4ufe/long.gpx"}
    assert report["skipped"][0]["source"] == "bad-\\xfc.fit"


def test_out(latin1: Path, tmp_path: Path) -> None:
    """--out writes latest.json and index.html in UTF-8, with the names shown as \\xfc."""
    out = tmp_path / "report"
    code, _, err = invoke("analyze", latin1, "--no-cache", "--out", out)
    assert code == 0, err
    _check_told(err)
    report = json.loads((out / "latest.json").read_bytes().decode("utf-8"))
    assert "run-\\xfc.gpx" in {a["source"] for a in report["activities"]}
    assert "bad-\\xfc.fit" in (out / "index.html").read_bytes().decode("utf-8")


def test_log(latin1: Path, tmp_path: Path) -> None:
    """--log takes the skipped list with the names shown as \\xfc."""
    log = tmp_path / "nightly.log"
    code, _, err = invoke("analyze", latin1, "--cache", tmp_path / "c.sqlite3", "--log", log)
    assert code == 0, err
    _check_told(log.read_bytes().decode("utf-8"))


def test_the_command_itself(latin1: Path, tmp_path: Path) -> None:
    """``python -m loadwatch analyze`` on a UTF-8 terminal: no traceback, exit 0."""
    environment = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    finished = subprocess.run(
        [sys.executable, "-m", "loadwatch", "analyze", os.fsencode(latin1)],
        capture_output=True,
        env=environment,
        cwd=Path(__file__).parent.parent,
        check=False,
    )
    err = finished.stderr.decode("utf-8")
    assert finished.returncode == 0, err
    _check_told(err)


def test_an_error_names_the_path_as_shown(tmp_path: Path) -> None:
    """An error about a path that is not UTF-8 shows it with \\xNN."""
    code, _, err = invoke("analyze", _named(tmp_path, b"gone-\xfc"))
    assert code == 1
    assert "gone-\\xfc: no such file or folder" in err


def test_shown() -> None:
    """Undecodable bytes of a name read as \\xNN; any other text is left as it is."""
    assert shown(os.fsdecode(b"M\xfcnchen.gpx")) == "M\\xfcnchen.gpx"
    assert shown("Zürich/Lauf.gpx") == "Zürich/Lauf.gpx"
    assert shown(Path("a/b.fit")) == "a/b.fit"


def test_a_schema_1_cache_is_migrated(tmp_path: Path) -> None:
    """A cache of schema 1 (paths as text) keeps its memo of files and the state of each folder."""
    path = tmp_path / "old.sqlite3"
    run = tmp_path / "Zürich.gpx"
    run.write_text(gpx(MONDAY))
    info = run.stat()
    with Cache(path):  # the current schema, then taken back to schema 1 by hand
        pass
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE files; DROP TABLE state; "
        "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER "
        "NOT NULL, inode INTEGER NOT NULL, hash TEXT NOT NULL, kind TEXT NOT NULL); "
        "CREATE TABLE state (root TEXT PRIMARY KEY, value TEXT NOT NULL); PRAGMA user_version = 1;"
    )
    db.execute(
        "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
        (str(run), info.st_size, info.st_mtime_ns, info.st_ino, "abc", "gpx"),
    )
    db.execute("INSERT INTO state VALUES (?, ?)", (str(tmp_path), '{"week_start": "2026-06-01"}'))
    db.commit()
    db.close()
    with Cache(path) as database:
        assert database.warnings == []
        assert database.known_file(str(run), info) == ("abc", "gpx")
        assert database.get_state(tmp_path) == {"week_start": "2026-06-01"}
        database.forget_files_under(tmp_path, keep=set())
        assert database.known_file(str(run), info) is None
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    db.close()
