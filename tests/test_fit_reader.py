"""Tests for the FIT reader, mostly on the shared corpus of real files (``LOADWATCH_CORPUS``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
)
from loadwatch.ingest.activity import RUNNING_DYNAMICS, SAMPLE_COLUMNS, Activity
from loadwatch.ingest.readers.fit import (
    CRC_WARNING,
    FIT_EPOCH,
    RELATIVE_TIMESTAMPS_WARNING,
    Decoder,
    read_fit,
)

Outcome = list[Activity] | LoadwatchError
Reader = Callable[[str], Outcome]
DecoderReader = Callable[[Decoder, str], Outcome]

# What each corpus file must give: the sports of its activities, in order, or the error.
EXPECTED: dict[str, tuple[str, ...] | type[LoadwatchError]] = {
    "2013-02-06-12-11-14.fit": ("running",),
    "2015-10-13-08-43-15.fit": ("cycling",),
    "20170518-191602-1740899583.fit": ("other",),  # indoor rowing
    "2019-02-17-062644-ELEMNT-297E-195-0.fit": ("cycling",),
    "Activity.fit": ("running",),
    "DeveloperData.fit": EmptyActivityError,  # 3 records, none with a timestamp
    "Edge810-Vector-2013-08-16-15-35-10.fit": ("cycling",),
    "MonitoringFile.fit": NotAnActivityError,
    "Settings.fit": NotAnActivityError,
    "Settings2.fit": NotAnActivityError,
    "WeightScaleMultiUser.fit": NotAnActivityError,
    "WeightScaleSingleUser.fit": NotAnActivityError,
    "WorkoutCustomTargetValues.fit": NotAnActivityError,
    "WorkoutIndividualSteps.fit": NotAnActivityError,
    "WorkoutRepeatGreaterThanStep.fit": NotAnActivityError,
    "WorkoutRepeatSteps.fit": NotAnActivityError,
    "activity-large-fenxi2-multisport.fit": ("other", "running", "running", "cycling"),
    "activity-settings.fit": ("running",),  # an activity chained with a settings file
    "activity-small-fenix2-run.fit": ("running",),
    "antfs-dump.63.fit": ("running",),
    "compressed-speed-distance.fit": ("running",),
    "coros-pace-2-cycling-misaligned-fields.fit": ("cycling",),
    "developer-types-sample.fit": ("running",),
    "event_timestamp.fit": ("swimming",),
    "garmin-edge-500-activity.fit": ("cycling",),
    "garmin-edge-820-bike.fit": ("cycling",),
    "garmin-fenix-5-bike.fit": ("cycling",),
    "garmin-fenix-5-run.fit": ("running",),
    "garmin-fenix-5-walk.fit": ("walking",),
    "garmin-fr935-cr.fit": ("swimming",),
    "invalid/activity-activity-filecrc.fit": ("running",),
    "invalid/activity-filecrc.fit": ("running",),
    "invalid/activity-settings-corruptheader.fit": ("running",),
    "invalid/activity-settings-nodata.fit": ("running",),
    "invalid/activity-unexpected-eof.fit": ("running",),
    "invalid/elemnt-bolt-no-application-id-inside-developer-data-id.fit": ("cycling",),
    "nametest.FIT": NotAnActivityError,
    "nick.fit": ("cycling",),
    "null_compressed_speed_dist.fit": ("cycling",),
    "runpandas-garmin-fenix-5-basic.fit": ("running",),
    "runpandas-run.fit": ("running",),
    "sample-activity-indoor-trainer.fit": ("cycling",),
    "sample-activity.fit": ("cycling",),
    "sample_mulitple_header.fit": ("swimming", "cycling", "running"),
    "strava-android-app-201.10-b1218918.fit": ("running",),
}


@pytest.fixture(scope="module")
def read_with(corpus: Path) -> DecoderReader:
    """Read a corpus FIT file with a given decoder, once per module (fitparse is slow)."""
    cache: dict[tuple[str, str], Outcome] = {}

    def read_once(decoder: Decoder, name: str) -> Outcome:
        if (decoder, name) not in cache:
            data = (corpus / "fit" / name).read_bytes()
            try:
                cache[decoder, name] = read_fit(data, name, decoder=decoder)
            except LoadwatchError as e:
                cache[decoder, name] = e
        return cache[decoder, name]

    return read_once


@pytest.fixture(scope="module")
def read(read_with: DecoderReader) -> Reader:
    """Read a corpus FIT file as loadwatch does by default (the fast decoder, fitparse behind)."""
    return lambda name: read_with("auto", name)


def activities(read: Reader, name: str) -> list[Activity]:
    """The activities of a file that must be readable."""
    outcome = read(name)
    if isinstance(outcome, LoadwatchError):
        pytest.fail(f"{name} should be readable, got {outcome!r}")
    return outcome


def test_expected_lists_every_corpus_fit_file(corpus: Path) -> None:
    """Every FIT file in the corpus has an expected outcome here, so none goes untested."""
    folder = corpus / "fit"
    found = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix.lower() == ".fit"
    }
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_expected_sports_or_error(read: Reader, name: str) -> None:
    """Each corpus file gives its expected sports, or the expected LoadwatchError and no other."""
    outcome = read(name)  # any other exception fails the test here
    expected = EXPECTED[name]
    if isinstance(expected, tuple):
        assert not isinstance(outcome, LoadwatchError), outcome
        assert tuple(a.sport for a in outcome) == expected
        for activity in outcome:
            assert list(activity.samples.columns) == list(SAMPLE_COLUMNS)
            assert activity.format == "fit"
            assert activity.start.tzinfo is not None
            assert activity.start.utcoffset() == timedelta(0)
            assert activity.samples["time"].is_monotonic_increasing
    else:
        assert type(outcome) is expected
        assert outcome.path == name


def _reference(path: Path) -> pd.DataFrame:
    """A reference ``*-records.csv`` with our column names and units (positions in degrees)."""
    raw = pd.read_csv(path, skipinitialspace=True, na_values=["null"])
    if "Timestamp" in raw.columns:  # device-relative seconds
        return pd.DataFrame(
            {
                "time": pd.to_datetime(
                    raw["Timestamp"] + FIT_EPOCH.timestamp(), unit="s", utc=True
                ),
                "hr_bpm": raw["Heart Rate [bpm]"],
                "speed_mps": raw["Speed [m/s]"],
                "distance_m": raw["Distance [m]"],
                "cadence": raw["Cadence [rpm]"],
            }
        )
    semicircle = 180.0 / 2**31
    return pd.DataFrame(
        {
            "time": pd.to_datetime(
                raw["timestamp"].str.replace("PDT", "-0700"), format="%a %b %d %H:%M:%S %z %Y"
            ),
            "hr_bpm": raw["heart_rate"],
            "speed_mps": raw["speed"],
            "distance_m": raw["distance"],
            "cadence": raw["cadence"],
            "lat": raw["position_lat"] * semicircle,
            "lon": raw["position_long"] * semicircle,
            "altitude_m": raw["altitude"],
        }
    )


@pytest.mark.parametrize("decoder", ["fast", "fitparse"])
@pytest.mark.parametrize(
    "name",
    [
        "compressed-speed-distance",
        "garmin-edge-500-activity",
        "garmin-edge-820-bike",
        "garmin-fenix-5-bike",
        "garmin-fenix-5-run",
        "garmin-fenix-5-walk",
    ],
)
def test_samples_agree_with_reference_decoding(
    read_with: DecoderReader, corpus: Path, name: str, decoder: Decoder
) -> None:
    """With either decoder, samples match the reference ``*-records.csv`` row for row."""
    reference = _reference(corpus / "fit" / f"{name}-records.csv")
    (activity,) = activities(lambda n: read_with(decoder, n), f"{name}.fit")
    # The reference leaves out records that hold nothing but a timestamp; times may repeat.
    # (The references have no running dynamics: those columns are checked in
    # test_running_dynamics.py against the sessions' averages.)
    basic = [column for column in SAMPLE_COLUMNS if column not in RUNNING_DYNAMICS]
    ours = activity.samples[basic].dropna(how="all", subset=basic[1:])
    ours = ours.reset_index(drop=True)
    assert len(ours) == len(reference)
    assert (ours["time"] == reference["time"]).all()
    assert ours["hr_bpm"].notna().sum() > 0
    # Where a record lacks a value the reference repeats the last one; we leave it missing.
    filled = ours.ffill()
    assert (filled.notna().sum() - ours.notna().sum()).max() <= 0.02 * len(ours)
    ours = filled
    for column in ("hr_bpm", "speed_mps", "distance_m", "lat", "lon", "altitude_m"):
        if column in reference.columns:
            np.testing.assert_allclose(
                ours[column], reference[column], rtol=1e-12, atol=1e-9, equal_nan=True
            )
    cadence = ours["cadence_spm"]
    if activity.sport in ("running", "walking"):
        # steps/min = 2 x (strides + fraction); the reference has whole strides only
        cadence = np.floor(cadence / 2)
    np.testing.assert_allclose(cadence, reference["cadence"], equal_nan=True)


def test_walk_cadence_counts_steps_with_fraction(read: Reader) -> None:
    """Walking cadence is 2 x (cadence + fractional_cadence): 53.5 strides/min is 107 steps/min."""
    (walk,) = activities(read, "garmin-fenix-5-walk.fit")
    assert walk.samples["cadence_spm"].iloc[0] == pytest.approx(107.0)


@pytest.mark.parametrize("name", ["compressed-speed-distance.fit", "antfs-dump.63.fit"])
def test_relative_timestamps_are_flagged(read: Reader, name: str) -> None:
    """Device-relative times count from the FIT epoch and are flagged for the timeline to skip."""
    (activity,) = activities(read, name)
    assert any(w.startswith("relative timestamps") for w in activity.warnings)
    assert RELATIVE_TIMESTAMPS_WARNING in activity.warnings
    assert FIT_EPOCH <= activity.start < datetime(1999, 1, 1, tzinfo=UTC)
    assert len(activity.samples) > 600


@pytest.mark.parametrize(
    ("name", "words", "records", "samples"),
    [
        ("nick.fit", "cut short", "14,391 records", 14_390),  # one record is an exact duplicate
        ("strava-android-app-201.10-b1218918.fit", "partly unreadable", "473 records", 473),
    ],
)
def test_damaged_file_keeps_data_before_the_fault(
    read: Reader, name: str, words: str, records: str, samples: int
) -> None:
    """A file that breaks off mid-way gives every sample before the fault, with a warning."""
    (activity,) = activities(read, name)
    assert len(activity.samples) == samples
    (warning,) = activity.warnings
    assert words in warning
    assert records in warning
    assert "at byte" in warning


def test_misaligned_field_does_not_stop_reading(read: Reader) -> None:
    """A 1-byte field declared uint32 is read as bytes: the whole ride, matching its session."""
    (ride,) = activities(read, "coros-pace-2-cycling-misaligned-fields.fit")
    assert ride.warnings == ()
    assert len(ride.samples) == 11_272  # fitparse gives up after 1,785
    assert ride.distance_m == pytest.approx(32_145.76)
    assert ride.samples["distance_m"].iloc[-1] == pytest.approx(ride.distance_m, abs=5)
    assert ride.timer_s == pytest.approx(11_287.0)


def test_damaged_file_without_session_leaves_totals_to_samples(read: Reader) -> None:
    """A truncated file with no session has no device totals; its sport comes from elsewhere."""
    (nick,) = activities(read, "nick.fit")
    assert (nick.timer_s, nick.distance_m, nick.sport) == (None, None, "cycling")
    assert nick.samples["distance_m"].iloc[-1] > 100_000


@pytest.mark.parametrize(
    ("name", "samples"),
    [("invalid/activity-filecrc.fit", 14), ("invalid/activity-activity-filecrc.fit", 14)],
)
def test_bad_crc_keeps_data_with_warning(read: Reader, name: str, samples: int) -> None:
    """A bad file checksum loses nothing; a chained copy of the same activity is not doubled."""
    (activity,) = activities(read, name)
    assert activity.warnings == (CRC_WARNING,)
    assert len(activity.samples) == samples
    assert activity.distance_m == pytest.approx(5.73)


def test_corrupt_header_of_a_chained_file_keeps_the_activity_before_it(read: Reader) -> None:
    """A broken header on the second of two chained files does not lose the first file's run."""
    (activity,) = activities(read, "invalid/activity-settings-corruptheader.fit")
    assert len(activity.samples) == 14
    assert "Invalid .FIT File Header" in activity.warnings[0]


def test_corrupt_header_at_start_is_corrupt_file_error(corpus: Path) -> None:
    """A file whose own header is broken is a CorruptFileError at byte 0."""
    data = bytearray((corpus / "fit" / "Activity.fit").read_bytes())
    data[8:12] = b".FXT"
    with pytest.raises(CorruptFileError) as info:
        read_fit(bytes(data), "broken.fit")
    assert info.value.offset == 0
    assert info.value.path == "broken.fit"


@pytest.mark.parametrize("data", [b"", b"\x0e", b"not a FIT file at all", b"\x0e\x10" + bytes(12)])
def test_not_fit_bytes_are_corrupt_file_error(data: bytes) -> None:
    """Empty, short or foreign bytes give CorruptFileError, wrapping fitparse's own error."""
    with pytest.raises(CorruptFileError) as info:
        read_fit(data, "<bytes>")
    assert info.value.__cause__ is not None


def test_header_only_file_is_corrupt(corpus: Path) -> None:
    """A file that ends right after its header has nothing readable: CorruptFileError."""
    header = (corpus / "fit" / "Activity.fit").read_bytes()[:14]
    with pytest.raises(CorruptFileError):
        read_fit(header, "header-only.fit")


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("Settings.fit", "a settings file"),
        ("nametest.FIT", "a settings file"),
        ("WorkoutRepeatSteps.fit", "a workout plan"),
        ("WeightScaleSingleUser.fit", "a weight-scale file"),
        ("MonitoringFile.fit", "an all-day monitoring file"),
    ],
)
def test_non_activity_file_says_what_it_is(read: Reader, name: str, what: str) -> None:
    """Settings, workout, weight and monitoring files are refused, naming what they are."""
    outcome = read(name)
    assert isinstance(outcome, NotAnActivityError)
    assert outcome.message.startswith(f"{what}, not an activity")


def test_multisport_splits_sessions_and_skips_transitions(read: Reader) -> None:
    """A triathlon gives swim, bike and run, each with its own session's samples and totals."""
    swim, bike, run = activities(read, "sample_mulitple_header.fit")
    assert [a.sub_sport for a in (swim, bike, run)] == ["open_water", None, None]
    assert [a.distance_m for a in (swim, bike, run)] == [1644.71, 40909.42, 9805.92]
    for activity in (swim, bike, run):
        assert activity.timer_s is not None
        end = activity.start + timedelta(seconds=activity.timer_s)
        assert activity.samples["time"].iloc[0] >= activity.start
        assert activity.samples["time"].iloc[-1] <= end
    assert bike.start - swim.start > timedelta(seconds=1987)


def test_multisport_generic_session_is_other(read: Reader) -> None:
    """A session whose sport is FIT 'generic' is 'other', with the raw word kept."""
    first, *rest = activities(read, "activity-large-fenxi2-multisport.fit")
    assert (first.sport, first.activity_type, first.sub_sport) == ("other", "generic", None)
    assert [a.activity_type for a in rest] == ["running", "running", "cycling"]
    assert sum(len(a.samples) for a in (first, *rest)) < 24_239  # transitions left out


@pytest.mark.parametrize(
    ("name", "sport", "sub_sport", "activity_type"),
    [
        ("event_timestamp.fit", "swimming", "lap_swimming", "swimming"),
        ("garmin-fr935-cr.fit", "swimming", None, "swimming"),
        ("20170518-191602-1740899583.fit", "other", "indoor_rowing", "fitness_equipment"),
    ],
)
def test_swims_and_rowing_are_not_running(
    read: Reader, name: str, sport: str, sub_sport: str | None, activity_type: str
) -> None:
    """Swims are swimming and indoor rowing is other, never running load."""
    (activity,) = activities(read, name)
    assert (activity.sport, activity.sub_sport, activity.activity_type) == (
        sport,
        sub_sport,
        activity_type,
    )


def test_running_file_totals_and_fields(read: Reader) -> None:
    """A Fenix 5 run has the device's totals, start, device name and samples in our units."""
    (run,) = activities(read, "garmin-fenix-5-run.fit")
    assert run.distance_m == pytest.approx(157.56)
    assert run.timer_s == pytest.approx(56.887)
    assert run.start == datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)
    assert (run.sport, run.sub_sport, run.activity_type) == ("running", None, "running")
    assert (run.device, run.name, run.warnings) == ("garmin fenix5", None, ())
    assert len(run.samples) == 21
    assert run.has_gps
    first = run.samples.iloc[0]
    assert first["lat"] == pytest.approx(456099128 * 180 / 2**31)
    assert 38 < first["lat"] < 39
    assert run.samples["distance_m"].iloc[-1] == pytest.approx(157.56, abs=1)


def test_truncated_session_file_keeps_session_totals(read: Reader) -> None:
    """Strava's file breaks after its session message, so the session totals still count."""
    (activity,) = activities(read, "strava-android-app-201.10-b1218918.fit")
    assert activity.distance_m == pytest.approx(11274.04)
    assert activity.timer_s == pytest.approx(3558.0)


@settings(max_examples=150, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=800),
    flips=st.lists(st.tuples(st.integers(0, 770), st.integers(0, 255)), max_size=6),
)
def test_damaged_bytes_raise_only_loadwatch_errors(
    corpus: Path, cut: int, flips: list[tuple[int, int]]
) -> None:
    """Whatever bytes are cut or changed, the reader returns activities or a LoadwatchError."""
    data = bytearray((corpus / "fit" / "Activity.fit").read_bytes())
    for position, value in flips:
        data[position] = value
    try:
        result = read_fit(bytes(data[:cut]), "fuzz.fit")
    except LoadwatchError:
        return
    assert all(isinstance(a, Activity) for a in result)
