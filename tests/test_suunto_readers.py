"""Suunto readers: Moveslink .sml (XML) and the Suunto app's DeviceLog JSON."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pandas as pd
import pytest
from devices import sml, suunto_json
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    UnsupportedFileError,
)
from loadwatch.ingest import formats
from loadwatch.ingest.activity import SAMPLE_COLUMNS
from loadwatch.ingest.readers import read_activity
from loadwatch.ingest.readers.sml import read_sml
from loadwatch.ingest.readers.suuntojson import read_suunto_json

SUUNTO = "suunto"


def _exports(corpus: Path) -> Path:
    folder = corpus.parent / "corpus-exports" / SUUNTO
    if not folder.is_dir():
        pytest.skip("the shared corpus-exports folder is not beside the corpus")
    return folder


def test_sml_samples_in_si_units_timed_from_the_utc_sample() -> None:
    """HR and cadence in hertz become per minute; the start comes from the sample's <UTC>."""
    activity = read_sml(sml(), "move.sml")[0]
    samples = activity.samples
    assert activity.sport == "running"
    assert activity.device == "Suunto Ambit3 Peak"
    assert activity.start == pd.Timestamp("2024-01-02T07:00:00Z")
    assert list(samples["hr_bpm"]) == [150.0, 150.0, 150.0]
    assert samples["cadence_spm"].iloc[0] == pytest.approx(168.0)  # 1.4 Hz one leg, doubled
    assert list(samples["distance_m"]) == [0.0, 3.0, 6.0]
    assert activity.timer_s == 2.0
    assert activity.distance_m == 6.0
    assert activity.warnings == ()


def test_sml_without_utc_reads_the_header_local_time_as_utc() -> None:
    """Without any <UTC>, the header's DateTime (local, no zone) is the start, with a warning."""
    samples = "<Sample><HR>2</HR><Time>0</Time></Sample><Sample><HR>2</HR><Time>1</Time></Sample>"
    activity = read_sml(sml(samples=samples), "local.sml")[0]
    assert activity.start == pd.Timestamp("2024-01-02T08:00:00Z")
    assert "read as UTC" in activity.warnings[0]


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (sml()[:300], CorruptFileError, "XML is broken"),  # truncated
        (
            sml(prolog='<!DOCTYPE sml [<!ENTITY x "xxxxxxxx">]>'),
            CorruptFileError,
            "declares a DTD",
        ),
        (sml(prolog="<!DOCTYPE sml>"), CorruptFileError, "DTD"),
        (sml().replace(b"utf-8", b"utf-16", 1), CorruptFileError, "decode|broken"),
        (sml().replace(b"utf-8", b"no-such-codec", 1), CorruptFileError, "decode"),
        (b"<sml/>", NotAnActivityError, "device log"),
        (b"<other/>", UnsupportedFileError, "not <sml>"),
        (sml(samples=""), EmptyActivityError, "measurement"),
        (
            sml(samples="").replace(b"<DateTime>2024-01-02T08:00:00</DateTime>", b""),
            CorruptFileError,
            "start time",
        ),
        (
            sml(samples="<Sample><UTC>2024-01-02T07:00:00</UTC><Time>0</Time></Sample>"),
            EmptyActivityError,
            "measurement",
        ),
    ],
)
def test_sml_invalid_files_are_refused_with_their_reason(
    data: bytes, error: type[LoadwatchError], words: str
) -> None:
    """Truncated, DTD-declaring, wrongly encoded or empty SML files raise what says why."""
    with pytest.raises(error, match=words):
        read_sml(data, "bad.sml")


def test_suunto_json_samples_with_offsets_and_positions_in_radians() -> None:
    """Times with their offset are UTC; HR in hertz per minute; positions radians to degrees."""
    activity = read_suunto_json(suunto_json(), "log.json")[0]
    samples = activity.samples
    assert activity.sport == "running"
    assert activity.device == "Suunto 9"
    assert activity.start == pd.Timestamp("2024-01-02T07:00:00Z")
    assert len(samples) == 3  # the event-only sample measures nothing
    assert list(samples["hr_bpm"]) == [150.0, 150.0, 150.0]
    assert samples["lat"].iloc[0] == pytest.approx(52.5, abs=0.01)
    assert samples["lon"].iloc[0] == pytest.approx(13.4, abs=0.01)
    assert activity.distance_m == 6.0


def test_suunto_json_in_utf16_is_read() -> None:
    """JSON saved as UTF-16 (which the JSON standard allows) is read like UTF-8."""
    data = suunto_json().decode().encode("utf-16-le")
    assert read_suunto_json(data, "wide.json")[0].distance_m == 6.0


def test_suunto_json_multisport_counts_as_other() -> None:
    """A multisport log is one activity of its header's sport, which is no sport of ours."""
    assert read_suunto_json(suunto_json(activity="Multisport"), "m.json")[0].sport == "other"


def test_suunto_json_without_header_time_starts_at_its_first_sample() -> None:
    """A header without DateTime starts at the first timed sample."""
    document = json.loads(suunto_json())
    del document["DeviceLog"]["Header"]["DateTime"]
    activity = read_suunto_json(json.dumps(document).encode(), "nodate.json")[0]
    assert activity.start == pd.Timestamp("2024-01-02T07:00:00Z")


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (suunto_json()[:150], CorruptFileError, "JSON is broken"),  # truncated
        (suunto_json().replace(b"Suunto 9", b"Suunto \xe9"), CorruptFileError, "UTF-8"),
        (b'{"DeviceLog": 3}', NotAnActivityError, "device log"),
        (b'{"DeviceLog": {"Samples": []}}', CorruptFileError, "start time"),
        (suunto_json(samples=[]), EmptyActivityError, "measurement"),
        (
            suunto_json(samples=[{"HR": 2, "TimeISO8601": "1901-01-01T00:00:00Z"}]),
            EmptyActivityError,
            "measurement",
        ),
    ],
)
def test_suunto_json_invalid_files_are_refused_with_their_reason(
    data: bytes, error: type[LoadwatchError], words: str
) -> None:
    """Truncated, wrongly encoded or empty logs raise the error that says why."""
    with pytest.raises(error, match=words):
        read_suunto_json(data, "bad.json")


def test_suunto_files_are_sniffed_by_content(tmp_path: Path) -> None:
    """SML by its <sml> root, app JSON by its DeviceLog key, whatever the files are called."""
    assert formats.recognise(sml()) is formats.find("sml")
    assert formats.recognise(suunto_json()) is formats.find("suunto_json")
    assert formats.recognise(b'{"Other": {"DeviceLog": 1}}') is None
    (tmp_path / "a.xml").write_bytes(sml())
    assert read_activity(tmp_path / "a.xml").format == "sml"


def test_corpus_ambit3_sml_agrees_with_its_header(corpus: Path) -> None:
    """The Ambit3 log: 5297 m, 150 bpm mean (2.5 Hz), start 09:45:01 UTC (its <UTC> at Time 0)."""
    path = _exports(corpus) / "GoldenCheetah__GoldenCheetah"
    path = next(path.glob("*.sml"))
    activity = read_sml(path.read_bytes(), path.name)[0]
    assert activity.distance_m == 5297.0
    assert activity.samples["distance_m"].max() == 5297.0
    assert activity.samples["hr_bpm"].mean() == pytest.approx(150, abs=1)
    assert activity.start == pd.Timestamp("2015-09-17T09:45:01Z")
    assert activity.timer_s == pytest.approx(2330.1)


def test_corpus_suunto_app_logs_are_read(corpus: Path) -> None:
    """Both corpus DeviceLogs (short multisport tests) are read as other, starting at 18:03 +2."""
    folder = _exports(corpus) / "jimmykane__sports-lib"
    activity = read_suunto_json((folder / "multisport.json").read_bytes(), "m.json")[0]
    assert activity.start == pd.Timestamp("2018-04-09T16:03:13.368Z")
    assert activity.sport == "other"
    laps = read_suunto_json((folder / "miltisport-laps.json").read_bytes(), "l.json")[0]
    assert laps.samples["hr_bpm"].notna().sum() == 49


VALID_SML = sml()
VALID_JSON = suunto_json()


@settings(max_examples=200, deadline=None)
@given(
    which=st.sampled_from(["sml", "json"]),
    cut=st.integers(min_value=0, max_value=len(VALID_SML)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID_JSON) - 1), st.integers(0, 255)), max_size=4),
)
def test_damaged_suunto_files_raise_only_loadwatch_errors(
    which: str, cut: int, flips: list[tuple[int, int]]
) -> None:
    """A valid SML or JSON log cut short and with changed bytes is read or refused cleanly."""
    data = bytearray(VALID_SML if which == "sml" else VALID_JSON)
    for position, value in flips:
        if position < len(data):
            data[position] = value
    reader = read_sml if which == "sml" else read_suunto_json
    with contextlib.suppress(LoadwatchError):
        for activity in reader(bytes(data[:cut]), "damaged"):
            assert tuple(activity.samples.columns) == SAMPLE_COLUMNS
