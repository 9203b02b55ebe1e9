"""Polar readers: HRM text files and Polar Flow training-session JSON."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pandas as pd
import pytest
from devices import hrm, polar_flow, polar_flow_bytes
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
from loadwatch.ingest.readers.hrm import read_hrm
from loadwatch.ingest.readers.polarflow import read_polar_flow

POLAR = "polar/GoldenCheetah__GoldenCheetah"


def test_hrm_columns_follow_smode_in_metric_units() -> None:
    """Speed (0.1 km/h), cadence and altitude are read where SMode says, every Interval s."""
    activity = read_hrm(hrm(), "ride.hrm")[0]
    samples = activity.samples
    assert activity.sport == "cycling"  # SMode flag g: heart rate and cycling data
    assert activity.start == pd.Timestamp("2024-01-02T07:30:00Z")
    assert list(samples["time"].diff().dt.total_seconds().iloc[1:]) == [5.0, 5.0]
    assert list(samples["hr_bpm"]) == [120, 130, 140]
    assert samples["speed_mps"].iloc[0] == pytest.approx(10.0 / 3.6)
    assert list(samples["cadence_spm"]) == [80, 82, 84]
    assert list(samples["altitude_m"]) == [50, 52, 54]
    assert samples["distance_m"].iloc[-1] == pytest.approx((10.0 + 12.0) / 3.6 * 5)
    assert activity.timer_s == 15.0
    assert "read as UTC" in activity.warnings[0]


def test_hrm_us_units_are_converted() -> None:
    """With the US-units flag, speed is 0.1 mph and altitude in feet."""
    rows = ("120\t100\t1000", "121\t100\t1000")
    samples = read_hrm(hrm(smode="101000110", rows=rows), "us.hrm")[0].samples
    assert samples["speed_mps"].iloc[0] == pytest.approx(10 * 1609.344 / 3600)
    assert samples["altitude_m"].iloc[0] == pytest.approx(304.8)


def test_hrm_heart_rate_only_is_other_sport() -> None:
    """An HR-only file (no cycling flag) says no sport: it counts as other, without distance."""
    activity = read_hrm(hrm(smode="000000000", rows=("80", "0", "82")), "hr.hrm")[0]
    assert activity.sport == "other"
    assert activity.distance_m is None
    assert activity.samples["hr_bpm"].isna().sum() == 1  # 0 bpm is no reading


def test_hrm_older_mode_line_is_understood() -> None:
    """A file with the pre-1.06 Mode line (altitude, HR only, metric) reads its altitude column."""
    data = hrm(rows=("120\t300", "121\t301")).replace(b"SMode=111000100", b"Mode=100")
    samples = read_hrm(data, "old.hrm")[0].samples
    assert list(samples["altitude_m"]) == [300, 301]


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (hrm(interval=238), UnsupportedFileError, "R-R intervals"),
        (hrm(rows=()), EmptyActivityError, "without heart-rate samples"),
        (hrm(rows=("120\tx",)), CorruptFileError, "not a number"),
        (hrm(rows=("120",)), CorruptFileError, "columns"),
        (hrm().split(b"[HRData]")[0], CorruptFileError, "no [HRData]"),  # truncated
        (hrm().replace(b"Interval=5", b""), CorruptFileError, "Interval"),
        (hrm().replace(b"Date=20240102", b"Date=2024"), CorruptFileError, "Date"),
        (b"[Params]\x00\x01", CorruptFileError, "binary"),
        (b"[Note]\r\nhello", CorruptFileError, "no [Params]"),
    ],
)
def test_hrm_invalid_files_are_refused_with_their_reason(
    data: bytes, error: type[LoadwatchError], words: str
) -> None:
    """Truncated, binary or inconsistent HRM files raise the error that says why."""
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        read_hrm(data, "bad.hrm")


def test_hrm_is_sniffed_by_content_and_read_from_a_folder(tmp_path: Path) -> None:
    """An HRM file is recognised by its [Params] start, whatever it is called."""
    (tmp_path / "session.txt").write_bytes(hrm())
    assert formats.recognise(hrm()) is formats.find("hrm")
    assert read_activity(tmp_path / "session.txt").format == "hrm"


def test_corpus_hrm_files_agree_with_their_trip_summary(corpus: Path) -> None:
    """The CS400 ride's summed speed and mean altitude match its [Trip] section (19.5 km, 282 m)."""
    path = corpus.parent / "corpus-exports" / POLAR / "10091901.hrm"
    if not path.exists():
        pytest.skip("the shared corpus-exports folder is not beside the corpus")
    activity = read_hrm(path.read_bytes(), path.name)[0]
    assert activity.distance_m == pytest.approx(19_500, abs=150)  # Trip: 195 (0.1 km)
    assert activity.samples["altitude_m"].mean() == pytest.approx(282, abs=1)
    us = read_hrm((path.parent / "09052101.hrm").read_bytes(), "us.hrm")[0]
    assert us.distance_m == pytest.approx(18.7 * 1609.344, abs=150)  # Trip: 187 (0.1 mi)


def test_polar_flow_exercise_is_read_in_utc_with_its_samples() -> None:
    """Local times less timezoneOffset are UTC; speed km/h to m/s; one-leg cadence doubled."""
    activity = read_polar_flow(polar_flow_bytes(), "training-session-1.json")[0]
    samples = activity.samples
    assert activity.sport == "running"
    assert activity.name == "Morning run"
    assert activity.start == pd.Timestamp("2024-01-02T07:00:00Z")
    assert activity.timer_s == 3.0
    assert activity.distance_m == 10.0
    assert list(samples["hr_bpm"]) == [140, 141, 142, 143]
    assert samples["speed_mps"].iloc[0] == pytest.approx(3.0)
    assert samples["cadence_spm"].iloc[0] == 170
    assert samples["lat"].iloc[0] == 52.5
    assert activity.warnings == ()


def test_polar_flow_route_outside_its_exercise_is_moved_onto_it() -> None:
    """A route stamped after the exercise (as in the corpus file) starts with it, with a warning."""
    document = polar_flow()
    for i, point in enumerate(document["exercises"][0]["samples"]["recordedRoute"]):
        point["dateTime"] = f"2024-01-02T09:20:0{i}.500"
    data = json.dumps(document).encode()
    activity = read_polar_flow(data, "shifted.json")[0]
    positioned = activity.samples.dropna(subset=["lat"])
    assert positioned["time"].iloc[0] == pd.Timestamp("2024-01-02T07:00:00Z")
    assert "moved" in activity.warnings[0]


def test_polar_flow_time_given_twice_keeps_its_first_value() -> None:
    """Two heart rates at one time (a glitch) keep the first, and the rest is read."""
    document = polar_flow()
    document["exercises"][0]["samples"]["heartRate"][1]["dateTime"] = "2024-01-02T08:00:00.000"
    samples = read_polar_flow(json.dumps(document).encode(), "twice.json")[0].samples
    assert list(samples["hr_bpm"].dropna()) == [140, 142, 143]


def test_polar_flow_without_samples_keeps_its_start_and_stop() -> None:
    """An exercise without sample lists still gives its start and stop and its totals."""
    activity = read_polar_flow(polar_flow_bytes(samples={}), "bare.json")[0]
    assert len(activity.samples) == 2
    assert activity.distance_m == 10.0


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (polar_flow_bytes()[:200], CorruptFileError, "JSON is broken"),  # truncated
        (polar_flow_bytes().replace(b"Morning", b"Morgenl\xe4uf"), CorruptFileError, "UTF-8"),
        (b'{"exportVersion": "1.3", "startTime": "x"}', NotAnActivityError, "without any"),
        (b"[1, 2]", CorruptFileError, "no object"),
        (b"[" * 100_000, CorruptFileError, "JSON"),
        (polar_flow_bytes(startTime="soon"), CorruptFileError, "startTime"),
    ],
)
def test_polar_flow_invalid_files_are_refused_with_their_reason(
    data: bytes, error: type[LoadwatchError], words: str
) -> None:
    """Truncated, wrongly encoded or empty sessions raise the error that says why."""
    with pytest.raises(error, match=words):
        read_polar_flow(data, "bad.json")


def test_polar_flow_is_sniffed_by_content() -> None:
    """A Polar Flow session is told from other JSON by its exportVersion and startTime keys."""
    assert formats.recognise(polar_flow_bytes()) is formats.find("polar_flow")
    assert formats.recognise(b'{"exportVersion": 1}') is None
    assert formats.recognise(b'["exportVersion", "startTime"]') is None


def test_corpus_polar_flow_run(corpus: Path) -> None:
    """The corpus session: a 6.6 km run starting 17:20:18 UTC (18:20:18 at +60 min)."""
    path = corpus.parent / "corpus-exports" / "polar/AlexanderFabisch__slither/running.json"
    if not path.exists():
        pytest.skip("the shared corpus-exports folder is not beside the corpus")
    activity = read_polar_flow(path.read_bytes(), path.name)[0]
    assert activity.sport == "running"
    assert activity.start == pd.Timestamp("2017-01-23T17:20:18Z")
    assert activity.distance_m == 6595.0
    assert activity.timer_s == pytest.approx(2754.128)
    assert activity.samples["hr_bpm"].mean() == pytest.approx(138, abs=1)  # the file's avg


VALID_HRM = hrm()
VALID_FLOW = polar_flow_bytes()


@settings(max_examples=200, deadline=None)
@given(
    which=st.sampled_from(["hrm", "flow"]),
    cut=st.integers(min_value=0, max_value=len(VALID_FLOW)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID_HRM) - 1), st.integers(0, 255)), max_size=4),
)
def test_damaged_polar_files_raise_only_loadwatch_errors(
    which: str, cut: int, flips: list[tuple[int, int]]
) -> None:
    """A valid HRM or Flow file cut short and with changed bytes is read or refused cleanly."""
    data = bytearray(VALID_HRM if which == "hrm" else VALID_FLOW)
    for position, value in flips:
        data[position] = value
    reader = read_hrm if which == "hrm" else read_polar_flow
    with contextlib.suppress(LoadwatchError):
        for activity in reader(bytes(data[:cut]), "damaged"):
            assert tuple(activity.samples.columns) == SAMPLE_COLUMNS
