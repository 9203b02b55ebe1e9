"""The reading limits of loadwatch/ingest/limits.py, each met in the library (the CLI runs of
tests/attacks/ check time and memory)."""

from __future__ import annotations

import gc
import gzip
import io
import math
import os
import socket
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "attacks"))
import hostile

from loadwatch.errors import LoadwatchError, UnsupportedFileError
from loadwatch.ingest import limits, sources
from loadwatch.ingest import parsefile as parsefile_module
from loadwatch.ingest.geo import resample_track
from loadwatch.ingest.readers import fit as fit_module
from loadwatch.ingest.readers import read_activities
from loadwatch.ingest.readers.tcx import read_tcx
from loadwatch.ingest.sources import Source, iter_sources
from loadwatch.ingest.walk import not_a_file
from loadwatch.model import Skipped


def _found(path: Path) -> dict[str, str]:
    return {
        item.source if isinstance(item, Skipped) else item.label: (
            item.reason if isinstance(item, Skipped) else str(item.format)
        )
        for item in iter_sources(path)
    }


def test_implausible_totals_name_what_gives_them_away() -> None:
    """Each total past its limit is named; believable totals pass."""
    check = limits.implausible
    ok = {"distance_m": 10_000.0, "elapsed_s": 3_000.0, "ascent_m": 100.0, "hr_bpm": 160.0}
    assert check("running", **ok) is None
    assert "10.0 km at 720 km/h" in (check("running", **{**ok, "elapsed_s": 50.0}) or "")
    far = {**ok, "distance_m": 2e7, "elapsed_s": 8 * 86_400.0}
    assert "20,000 km in one activity" in (check("other", **far) or "")
    assert "of climbing" in (check("running", **{**ok, "ascent_m": 2e5}) or "")
    assert "heart rate of 400 bpm" in (check("running", **{**ok, "hr_bpm": 400.0}) or "")
    assert "but no duration" in (check("running", **{**ok, "elapsed_s": 0.0}) or "")
    assert "it lasts 12 days" in (check("running", **{**ok, "elapsed_s": 12 * 86_400}) or "")
    assert check("running", **{**ok, "ascent_m": math.nan, "hr_bpm": math.nan}) is None


def test_resampling_is_bounded_by_the_points() -> None:
    """A counter claiming 4e9 m gives at most 50 points per position; huge finite numbers
    follow the positions instead of raising."""
    lat, lon = np.array([47.0, 47.001, 47.002]), np.array([8.0, 8.0, 8.0])
    out, _ = resample_track(lat, lon, np.array([0.0, 2e9, 4e9]))
    assert len(out) == 3 * limits.TRACK_POINTS_PER_SAMPLE
    out, _ = resample_track(lat, lon, np.array([-1e308, 0.0, 1e308]))
    assert len(out) == 11  # 222 m along the positions, every 20 m


def test_overlapping_entries_and_names_leading_out(tmp_path: Path) -> None:
    """Overlapping entries refuse the archive; a member named ../ is listed, not read."""
    (tmp_path / "o.zip").write_bytes(hostile.overlapping(3, 1000))
    member = hostile.stored(b"x" * 100)
    (tmp_path / "u.zip").write_bytes(hostile.zip_of([("../a.fit", member), ("/b.gpx", member)]))
    found = _found(tmp_path)
    assert found["o.zip"].startswith("has entries that overlap")
    assert found["u.zip/../a.fit"] == "has a name that leads out of its archive; not read"
    assert found["u.zip//b.gpx"] == "has a name that leads out of its archive; not read"


def test_archive_work_budget_covers_nested_archives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive stops once it (with the archives inside it) has decompressed its share."""
    monkeypatch.setattr(limits, "MIN_ARCHIVE_WORK_BYTES", 100_000)
    monkeypatch.setattr(sources, "MAX_ARCHIVE_RATIO", 1)
    inner = hostile.stored(hostile.zip_of_bombs(4, 60_000))
    (tmp_path / "outer.zip").write_bytes(hostile.zip_of([("in.zip", inner)]))
    found = _found(tmp_path)
    assert found["outer.zip"].startswith("decompresses to more than 0 MB")
    gz = io.BytesIO()
    with zipfile.ZipFile(gz, "w") as archive:
        archive.writestr("a.fit.gz", gzip.compress(hostile.FIT_HEAD + bytes(200_000)))
    (tmp_path / "outer.zip").write_bytes(gz.getvalue())
    assert _found(tmp_path)["outer.zip"].startswith("decompresses to more than")


def test_fit_structure_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too many definitions, chained files or records refuse a FIT file; fitparse reads only
    small ones."""
    monkeypatch.setattr(limits, "MAX_FIT_DEFINITIONS", 5)
    with pytest.raises(UnsupportedFileError, match="defines its messages more than 5 times"):
        read_activities(hostile.fit(10, define_every_record=True))
    monkeypatch.setattr(limits, "MAX_FIT_CHAINED", 2)
    with pytest.raises(UnsupportedFileError, match="chains more than 2 FIT files"):
        read_activities(hostile.fit(3) * 3)
    monkeypatch.setattr(limits, "MAX_POINTS", 5)
    with pytest.raises(UnsupportedFileError, match="holds more than 5 points"):
        read_activities(hostile.fit(10))
    monkeypatch.setattr(fit_module, "MAX_FITPARSE_BYTES", 10)
    with pytest.raises(UnsupportedFileError, match="too large for it"):
        fit_module.read_fit(hostile.fit(10), "x.fit", decoder="fitparse")


def test_points_of_a_wide_xml_file_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A UTF-16 TCX has its points counted in its text, not its bytes."""
    monkeypatch.setattr(limits, "MAX_POINTS", 2)
    data = hostile.tcx([(0, "0"), (10, "30"), (20, "60")])
    wide = data.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(LoadwatchError, match="holds 3 points"):
        read_tcx(wide.decode().encode("utf-16"), "x.tcx")


def test_odd_entries_say_what_they_are(tmp_path: Path) -> None:
    """A socket named like an activity is listed; the reasons name each kind of entry."""
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.fit"))
        assert _found(tmp_path) == {"s.fit": "is a socket, not a file; not read"}
    finally:
        server.close()
    assert not_a_file(0) == "is not a regular file; not read"


def test_large_files_are_collected_after(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large activity file is followed by a garbage collection, and still read."""
    collected: list[int] = []
    monkeypatch.setattr(parsefile_module, "COLLECT_AFTER_BYTES", 0)
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(1) or 0)
    (tmp_path / "run.fit").write_bytes(hostile.fit(100))
    result = parsefile_module.parse_file(tmp_path / "run.fit", "run.fit", digest=True)
    assert collected and result.digest is not None and len(result.outcomes) == 1


def test_a_zip_changed_while_read_gets_another_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip whose file changes while its members are read is not filed under its digest."""
    path = tmp_path / "a.zip"
    path.write_bytes(hostile.zip_of([("run.fit", hostile.stored(hostile.fit(100)))]))
    plain = parsefile_module.parse_file(path, "a.zip", digest=True).digest
    real = sources._from_zip

    def touch_while_reading(*args: object, **kwargs: object) -> object:
        yield from real(*args, **kwargs)  # type: ignore[arg-type]
        os.utime(path, ns=(1, 1))  # as a rewrite in place would change it

    monkeypatch.setattr(sources, "_from_zip", touch_while_reading)
    assert parsefile_module.parse_file(path, "a.zip", digest=True).digest != plain
    assert isinstance(next(iter_sources(path)), Source)
