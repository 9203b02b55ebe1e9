"""What scan does with files it cannot use: OnError's three modes, and loadwatch's own bugs."""

from __future__ import annotations

import json
import logging
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import gpx

from loadwatch.analysis import analyze
from loadwatch.errors import ConfigError, CorruptFileError, LoadwatchError
from loadwatch.ingest import formats
from loadwatch.ingest import summarise as summarise_module
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.cache_codec import decode_outcomes, encode_outcomes
from loadwatch.ingest.scan import scan
from loadwatch.model import Skipped
from loadwatch.render.data import to_json
from loadwatch.vocab import OnError

#: The formats every "is not a ... file" message names.
ALL = formats.described()

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
BAD = ["b-cut.gpx", "d-fake.fit"]


SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good runs and two bad files among them: a cut-off GPX and a '.fit' that is not."""
    root = tmp_path / "runs"
    root.mkdir()
    for n, name in enumerate(["a-run.gpx", "c-run.gpx", "e-run.gpx"]):
        (root / name).write_text(gpx(MONDAY + timedelta(days=2 * n), minutes=30, step_s=10))
    whole = gpx(MONDAY + timedelta(days=1), minutes=30, step_s=10)
    (root / "b-cut.gpx").write_text(whole[: len(whole) // 2])
    (root / "d-fake.fit").write_bytes(b"\x0e\x10" + bytes(40))
    return root


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("loadwatch") and record.levelno == logging.WARNING
    ]


def test_skip_sets_bad_files_aside_with_their_reason_and_logs_nothing(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The default: the bad files are in skipped (with why), the good ones are read, no log."""
    caplog.set_level(logging.DEBUG)
    found = scan(folder)
    assert [s.source for s in found.skipped] == BAD
    assert f"is not a {ALL} file" in found.skipped[1].reason
    assert [s.source for s in found.summaries] == ["a-run.gpx", "c-run.gpx", "e-run.gpx"]
    assert _warnings(caplog) == []


def test_warn_skips_as_skip_does_and_logs_each_file(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """WARN gives the same scan as SKIP, and logs '<label>: <reason>' for each file set aside,
    also when the file's result comes from the cache."""
    caplog.set_level(logging.WARNING)
    skipped = scan(folder).skipped
    with Cache(tmp_path / "cache.sqlite3") as cache:
        for _ in range(2):  # parsed, then cached
            caplog.clear()
            found = scan(folder, on_error=OnError.WARN, cache=cache)
            assert found.skipped == skipped
            assert _warnings(caplog) == [f"{s.source}: {s.reason}" for s in skipped]
    assert {r.name for r in caplog.records} == {"loadwatch.ingest.scan"}


@pytest.mark.parametrize("jobs", [1, 2])
def test_raise_stops_at_the_first_bad_file(folder: Path, jobs: int) -> None:
    """RAISE raises the first bad file's LoadwatchError, with its reason and label."""
    with pytest.raises(LoadwatchError) as info:
        scan(folder, on_error=OnError.RAISE, jobs=jobs)
    assert info.value.path == "b-cut.gpx"


def test_raise_keeps_file_order_when_the_first_bad_file_is_cached(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """A bad file known from the cache is raised before a later bad file that is parsed."""
    (folder / "d-fake.fit").unlink()
    with Cache(tmp_path / "cache.sqlite3") as cache:
        scan(folder, cache=cache)
        (folder / "f-empty.gpx").write_bytes(b"")
        parsed.clear()
        with pytest.raises(LoadwatchError) as info:
            scan(folder, on_error=OnError.RAISE, cache=cache)
    assert info.value.path == "b-cut.gpx"
    # b-cut.gpx was known as set aside: it is parsed again to raise its own error, before
    # f-empty.gpx is reached.
    assert parsed == ["b-cut.gpx"]


def test_raise_gives_the_same_error_from_a_warm_cache_as_from_a_cold_one(
    folder: Path, tmp_path: Path
) -> None:
    """``except CorruptFileError`` catches a bad file whether or not the cache knew it, with the
    same offset: a known bad file is not raised from the reason's text."""
    for name in ("a-run.gpx", "b-cut.gpx", "c-run.gpx", "d-fake.fit", "e-run.gpx"):
        (folder / name).unlink()
    run = SAMPLE_DATA / "garmin" / "2026-06" / "2026-06-02-07-08-30.fit"
    (folder / "cut.fit").write_bytes(run.read_bytes()[:60])  # breaks off before any record
    with Cache(tmp_path / "cache.sqlite3") as cache:
        with pytest.raises(LoadwatchError) as cold:
            scan(folder, on_error=OnError.RAISE, cache=cache)
        scan(folder, cache=cache)  # now the cache knows it as set aside
        with pytest.raises(LoadwatchError) as warm:
            scan(folder, on_error=OnError.RAISE, cache=cache)
    assert isinstance(cold.value, CorruptFileError)
    assert type(warm.value) is type(cold.value)
    assert (warm.value.path, warm.value.offset) == (cold.value.path, cold.value.offset)
    assert str(warm.value) == str(cold.value)


def test_on_error_takes_its_words_and_refuses_others(folder: Path) -> None:
    """'warn' is OnError.WARN; an unknown word is a ConfigError listing the three."""
    assert scan(folder, on_error="warn").skipped == scan(folder).skipped  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="skip, warn, raise"):
        scan(folder, on_error="ignore")  # type: ignore[arg-type]


def test_analyze_on_error_raise_stops_and_default_skips(folder: Path) -> None:
    """analyze(on_error=RAISE) stops at the first bad file; by default the bad files are skipped."""
    with pytest.raises(LoadwatchError):
        analyze(folder, timezone="UTC", config=None, on_error=OnError.RAISE)
    assert [s.source for s in analyze(folder, timezone="UTC").skipped] == BAD


# --- a bug of ours ---------------------------------------------------------------------------


@pytest.fixture
def buggy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader fails with a bug (RuntimeError) on c-run.gpx, and with an ordinary
    LoadwatchError whose message mentions 'a loadwatch bug' on e-run.gpx."""
    real = summarise_module.read_source

    def read(data: bytes, fmt: str, label: str, opener: Any = None) -> Any:
        if label == "c-run.gpx":
            raise RuntimeError("index out of range")
        if label == "e-run.gpx":
            raise LoadwatchError("names a loadwatch bug in its text, but is not one")
        return real(data, fmt, label, opener)

    monkeypatch.setattr(summarise_module, "read_source", read)


@pytest.mark.usefixtures("buggy")
def test_a_bug_is_marked_and_worded_as_before(folder: Path) -> None:
    """A bug's skip says so in the words users know, and is marked bug; others are not."""
    skipped = {s.source: s for s in scan(folder).skipped}
    assert skipped["c-run.gpx"].bug is True
    assert skipped["c-run.gpx"].reason == (
        "could not be read because of a loadwatch bug (RuntimeError: index out of range); "
        "please report it"
    )
    assert [s.bug for s in skipped.values()] == [False, True, False, False]


@pytest.mark.usefixtures("buggy")
def test_a_bug_is_never_cached_whatever_the_text(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """Only the file that hit a bug is parsed again next time; a skip whose reason merely
    contains 'a loadwatch bug' is a file's own problem, and stays cached."""
    (folder / "d-fake.fit").unlink()  # not an activity by content: never cached anyway
    with Cache(tmp_path / "cache.sqlite3") as cache:
        first = scan(folder, cache=cache)
        parsed.clear()
        second = scan(folder, cache=cache)
    assert parsed == ["c-run.gpx"]
    assert second.skipped == first.skipped


@pytest.mark.usefixtures("buggy")
def test_raise_lets_a_bug_through(folder: Path) -> None:
    """With RAISE a bug is not dressed up as a bad file: its own exception comes out."""
    (folder / "b-cut.gpx").unlink()
    with pytest.raises(RuntimeError, match="index out of range"):
        scan(folder, on_error=OnError.RAISE)


@pytest.mark.usefixtures("buggy")
def test_json_skipped_entries_keep_their_keys(folder: Path) -> None:
    """The JSON lists a bug's skip with source and reason only, as before the mark."""
    data = json.loads(to_json(analyze(folder, timezone="UTC")))
    assert [sorted(entry) for entry in data["skipped"]] == [["reason", "source"]] * 4
    assert "a loadwatch bug (RuntimeError" in data["skipped"][1]["reason"]


def test_the_codec_keeps_the_bug_mark_and_reads_encoding_1() -> None:
    """Skipped entries round-trip with their mark; what an older loadwatch stored still
    decodes (no mark: not a bug); a mark that is not true or false does not decode."""
    entries = [Skipped("a.fit", "is empty"), Skipped("b.fit", "bug", bug=True)]
    assert decode_outcomes(encode_outcomes(entries)) == entries
    old: dict[str, Any] = {"encoding": 1, "outcomes": [{"skipped": {"source": "a.fit"}}]}
    old["outcomes"][0]["skipped"]["reason"] = "is empty"
    assert decode_outcomes(zlib.compress(json.dumps(old).encode())) == entries[:1]
    old["encoding"] = 2
    old["outcomes"][0]["skipped"]["bug"] = "yes"
    with pytest.raises(ValueError, match="bug mark"):
        decode_outcomes(zlib.compress(json.dumps(old).encode()))
    old["encoding"] = 99
    with pytest.raises(ValueError, match="another encoding"):
        decode_outcomes(zlib.compress(json.dumps(old).encode()))
