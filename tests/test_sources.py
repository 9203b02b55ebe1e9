"""Discovery: formats told by content, archives read in memory, nothing written, no loops."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest

from loadwatch.errors import SourceError
from loadwatch.ingest import formats, limits, sources
from loadwatch.ingest.formats import Format
from loadwatch.ingest.sources import Source, iter_sources, sniff
from loadwatch.model import Skipped

#: The formats every "is not a ... file" message names.
ALL = formats.described()

FIT_HEAD = bytes([14, 0x10, 0, 0, 0, 0, 0, 0]) + b".FIT" + b"\0\0"
GPX = b'<?xml version="1.0"?>\n<gpx version="1.1" creator="x"><trk/></gpx>'
TCX = b'<?xml version="1.0"?>\n<TrainingCenterDatabase xmlns="x"></TrainingCenterDatabase>'


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (FIT_HEAD, "fit"),
        (bytes([12, 0x10, 0, 0, 0, 0, 0, 0]) + b".FIT", "fit"),
        (GPX, "gpx"),
        (b"\xef\xbb\xbf" + GPX, "gpx"),
        ("<?xml version='1.0' encoding='utf-16'?><gpx/>".encode("utf-16"), "gpx"),
        (b"<!-- exported --><gpxx:gpx xmlns:gpxx='x'>", "gpx"),
        (TCX, "tcx"),
        (b"<?xml version='1.0'?>\n  <Activities>\n    <Activity Sport='Running'>", "tcx"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"PK\x03\x04", "zip"),
        (b"<?xml version='1.0'?><kml>", None),
        (b"timestamp,heart_rate\n", None),
        (b"", None),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    """Formats are told by their first bytes."""
    assert sniff(head) == kind


def test_sniff_and_sources_give_format_members(tmp_path: Path) -> None:
    """A format is a Format member (still equal to its string), an archive a plain word."""
    assert sniff(FIT_HEAD) is Format.FIT
    assert sniff(TCX) is Format.TCX
    assert sniff(b"\x1f\x8b\x08") == "gzip"
    (tmp_path / "run.gpx.gz").write_bytes(gzip.compress(GPX))
    (found,) = iter_sources(tmp_path)
    assert isinstance(found, Source)
    assert found.format is Format.GPX


def _found(path: Path) -> dict[str, str]:
    result = {}
    for item in iter_sources(path):
        result[item.label if isinstance(item, Source) else item.source] = (
            item.format if isinstance(item, Source) else f"skipped: {item.reason}"
        )
    return result


def test_walks_nested_folders_by_content_not_name(tmp_path: Path) -> None:
    """Nested folders are walked; a GPX named .xml is found; unrelated files pass quietly."""
    (tmp_path / "2026" / "06").mkdir(parents=True)
    (tmp_path / "2026" / "06" / "Morning.FIT").write_bytes(FIT_HEAD)
    (tmp_path / "2026" / "export.xml").write_bytes(GPX)
    (tmp_path / "run.tcx").write_bytes(TCX)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (tmp_path / "notes.txt").write_text("hello")
    assert _found(tmp_path) == {
        "2026/06/Morning.FIT": "fit",
        "2026/export.xml": "gpx",
        "run.tcx": "tcx",
    }


def test_activity_named_junk_is_skipped_with_a_reason(tmp_path: Path) -> None:
    """A .fit that is not FIT, or an empty .gpx, is reported, not silently dropped."""
    (tmp_path / "broken.fit").write_bytes(b"this is not a fit file")
    (tmp_path / "empty.gpx").write_bytes(b"")
    found = _found(tmp_path)
    assert found["broken.fit"].startswith(f"skipped: is not a {ALL} file")
    assert found["empty.gpx"] == "skipped: is empty"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "route.gpx",
            b"<?xml version='1.0'?><kml/>",
            "is XML, but neither GPX, TCX nor Suunto SML",
        ),
        (
            "run.fit.gz",
            gzip.compress(b"plain text"),
            f"is a gzip file, but what it holds is not {ALL}",
        ),
        (
            "Run.TCX",
            b"\0\1\2",
            f"is not a {ALL} file (its content does not match its name)",
        ),
        (
            "run.gpx.zip",
            b"PK",
            f"is not a {ALL} file (its content does not match its name)",
        ),
        ("run.fitness", b"\0\1\2", None),  # not an activity's name: passed over quietly
        ("fit", b"\0\1\2", None),
    ],
)
def test_what_is_said_of_a_file_named_like_an_activity(
    tmp_path: Path, name: str, content: bytes, reason: str | None
) -> None:
    """A file named after a format (any case, maybe .gz or .zip) is reported when unusable."""
    (tmp_path / name).write_bytes(content)
    assert _found(tmp_path) == ({} if reason is None else {name: f"skipped: {reason}"})


def test_hidden_files_and_folders_are_passed_over(tmp_path: Path) -> None:
    """Sync tools keep old versions in hidden folders (.stversions): those are not runs."""
    (tmp_path / ".stversions").mkdir()
    (tmp_path / ".stversions" / "old.fit").write_bytes(FIT_HEAD)
    (tmp_path / "._run.fit").write_bytes(b"\0\5\26\7")  # macOS resource fork
    (tmp_path / "run.fit").write_bytes(FIT_HEAD)
    assert _found(tmp_path) == {"run.fit": "fit"}


def test_gzip_and_zip_are_read_in_memory(tmp_path: Path) -> None:
    """A Strava-style export (zip of .fit.gz and .gpx) yields its members, extracted nowhere."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/1.fit.gz", gzip.compress(FIT_HEAD))
        archive.writestr("activities/2.gpx", GPX)
        archive.writestr("activities.csv", "Activity ID,Name\n")
        archive.writestr("__MACOSX/activities/._2.gpx", b"junk")
    (tmp_path / "export.zip").write_bytes(buffer.getvalue())
    (tmp_path / "run.gpx.gz").write_bytes(gzip.compress(GPX))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    found = _found(tmp_path)
    assert found == {
        "export.zip/activities/1.fit.gz": "fit",
        "export.zip/activities/2.gpx": "gpx",
        "run.gpx.gz": "gpx",
    }
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_zip_inside_zip(tmp_path: Path) -> None:
    """An archive inside an archive is followed (one level)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("run.tcx", TCX)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    (tmp_path / "outer.zip").write_bytes(outer.getvalue())
    assert _found(tmp_path) == {"outer.zip/inner.zip/run.tcx": "tcx"}


def test_damaged_archives_are_skipped(tmp_path: Path) -> None:
    """A corrupt .fit.gz and a truncated zip are reported with what is wrong."""
    (tmp_path / "bad.fit.gz").write_bytes(gzip.compress(FIT_HEAD * 100)[:30])
    (tmp_path / "cut.zip").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    found = _found(tmp_path)
    assert found["bad.fit.gz"].startswith("skipped: is a damaged gzip file")
    assert found["cut.zip"].startswith("skipped: is a damaged zip archive")


def test_archive_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Archives with too many members, or members inflating past the limit, are refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(5):
            archive.writestr(f"{n}.gpx", GPX)
    (tmp_path / "many.zip").write_bytes(buffer.getvalue())
    monkeypatch.setattr(limits, "MAX_ARCHIVE_MEMBERS", 4)
    assert "more than the 4" in _found(tmp_path)["many.zip"]

    monkeypatch.setattr(limits, "MAX_ARCHIVE_MEMBERS", 100)
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 100)
    assert "would unpack to" in _found(tmp_path)["many.zip"]

    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 10**9)
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 500)
    bomb = tmp_path / "bomb.gpx.gz"
    bomb.write_bytes(gzip.compress(GPX + b" " * 10_000))
    assert "decompresses to more than" in _found(tmp_path)["bomb.gpx.gz"]


def test_symlink_loops_end(tmp_path: Path) -> None:
    """A link back to a parent folder is not walked forever."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "run.gpx").write_bytes(GPX)
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    assert _found(tmp_path) == {"a/run.gpx": "gpx"}


def test_a_single_file_and_a_missing_path(tmp_path: Path) -> None:
    """A file path works on its own; a missing path is a SourceError naming it."""
    path = tmp_path / "Run.GPX"
    path.write_bytes(GPX)
    assert _found(path) == {"Run.GPX": "gpx"}
    with pytest.raises(SourceError, match="no such file or folder"):
        list(iter_sources(tmp_path / "nope"))


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be opened is reported, and the walk goes on."""
    (tmp_path / "locked.fit").write_bytes(FIT_HEAD)
    (tmp_path / "ok.fit").write_bytes(FIT_HEAD)
    real_open = os.open

    def refuse(path: str | Path, flags: int, *args: int) -> int:
        if Path(path).name == "locked.fit":
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    found = _found(tmp_path)
    assert found["ok.fit"] == "fit"
    assert found["locked.fit"] == "skipped: cannot be read: Permission denied"


def test_skipped_is_a_small_record() -> None:
    """Skipped carries the source label and a reason a runner can read."""
    assert Skipped("a.fit", "is empty").reason == "is empty"


def test_fifos_and_devices_are_passed_over(tmp_path: Path) -> None:
    """A named pipe or device (which could block a read forever) is not read; named like an
    activity, it is listed as skipped, saying what it is."""
    os.mkfifo(tmp_path / "pipe.fit")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "null.gpx").symlink_to("/dev/null")
    (tmp_path / "run.gpx").write_bytes(GPX)
    assert _found(tmp_path) == {
        "run.gpx": "gpx",
        "pipe.fit": "skipped: is a named pipe (FIFO), not a file; not read",
        "null.gpx": "skipped: is a device, not a file; not read",
    }


def _refuse_listing(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """Make ``os.scandir`` fail on ``folders`` as on a folder of mode 000 (root reads those)."""
    real_scandir = os.scandir
    refused = {str(folder) for folder in folders}

    def scandir(path: str) -> object:
        if os.fspath(path) in refused:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder that cannot be listed is reported with its reason, and the walk goes on."""
    (tmp_path / "2026" / "locked").mkdir(parents=True)
    (tmp_path / "2026" / "locked" / "run.fit").write_bytes(FIT_HEAD)
    (tmp_path / "2026" / "ok.fit").write_bytes(FIT_HEAD)
    _refuse_listing(monkeypatch, tmp_path / "2026" / "locked")
    assert _found(tmp_path) == {
        "2026/ok.fit": "fit",
        "2026/locked/": "skipped: is a folder that cannot be read (Permission denied); "
        "the activities in it were left out",
    }


def test_unreadable_top_folder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The analysed folder itself cannot be listed: a SourceError, not an empty result."""
    (tmp_path / "run.fit").write_bytes(FIT_HEAD)
    _refuse_listing(monkeypatch, tmp_path)
    with pytest.raises(SourceError, match=r"cannot be read \(Permission denied\)") as raised:
        list(iter_sources(tmp_path))
    assert raised.value.path == str(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list a folder of mode 000")
def test_a_folder_of_mode_000_is_skipped(tmp_path: Path) -> None:
    """Real permissions, where the tests do not run as root."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "run.fit").write_bytes(FIT_HEAD)
    locked.chmod(0)
    try:
        assert _found(tmp_path) == {
            "locked/": "skipped: is a folder that cannot be read (Permission denied); "
            "the activities in it were left out",
        }
    finally:
        locked.chmod(0o700)
