"""The FIT decoder's fast paths give what fitparse gives: definitions met again, records back to
back, rolling components added up with numpy, and summaries straight from the arrays."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime
from pathlib import Path

import factories
import numpy as np
import pandas as pd
import pytest
from test_fit_reader import EXPECTED
from test_fitfast import _RECORD, _T0, _activity_file, _agree, _data, _definition, _one

from loadwatch.errors import LoadwatchError, UnsupportedFileError
from loadwatch.ingest import limits
from loadwatch.ingest.readers import _fitparsed, _fitprofile, fit, fitfast, read_source
from loadwatch.ingest.readers._fitcolumns import accumulated
from loadwatch.ingest.readers._fitlayout import Column
from loadwatch.ingest.readers._fitmessage import _unpacked
from loadwatch.ingest.summarise import summarise_source
from loadwatch.ingest.summary import ActivitySummary, summarise
from loadwatch.samples.fitwrite import write_activity_fit

_COMPRESSED = (8, 3, 0x0D)  # compressed_speed_distance: 3 bytes, speed 12 bits, distance 12 bits


def _run(records: int, *, redefine: bool) -> bytes:
    """A generated run of ``records`` one-second records (a definition before each, if asked)."""
    elapsed = np.arange(float(records))
    speed = 3.0 + 0.5 * np.sin(elapsed / 30)
    return write_activity_fit(
        start=datetime(2026, 5, 3, 7, tzinfo=UTC),
        elapsed_s=elapsed,
        distance_m=np.cumsum(speed),
        speed_mps=speed,
        hr_bpm=140 + 10 * np.sin(elapsed / 60),
        lat=48.0 + elapsed * 1e-5,
        lon=np.full(records, 11.0),
        redefine_records=redefine,
    )


def test_a_definition_before_every_record_gives_the_records_of_one_before_all() -> None:
    """A Suunto-style file (record defined again before each record) decodes to the very same
    records and samples as the same run written with one definition, and as fitparse reads it."""
    each, once = _run(300, redefine=True), _run(300, redefine=False)
    assert len(each) > len(once) + 300 * 10  # a definition per record really is there
    ours, plain = fitfast.decode(each).content, fitfast.decode(once).content
    assert ours.records == plain.records == 300
    for name, values in plain.columns.items():
        np.testing.assert_array_equal(ours.columns[name], values, err_msg=name)
    samples = _one(_agree(each)).samples
    pd.testing.assert_frame_equal(samples, fit.read_fit(once, "once.fit")[0].samples)


def test_two_layouts_taking_turns_on_one_local_type_read_as_fitparse_reads_them() -> None:
    """Records alternating between two layouts, each defined again on local type 1 before it
    (with and without heart rate), keep their order and values."""
    plain = _definition(1, _RECORD, [(253, 4, 0x86), (5, 4, 0x86)])
    with_hr = _definition(1, _RECORD, [(253, 4, 0x86), (5, 4, 0x86), (3, 1, 0x02)])
    messages = []
    for second in range(40):
        if second % 2:
            messages += [with_hr, _data(1, "IIB", _T0 + second, second * 300, 120 + second)]
        else:
            messages += [plain, _data(1, "II", _T0 + second, second * 300)]
    run = _one(_agree(_activity_file(*messages, record_definition=plain)))
    assert run.samples["distance_m"].tolist() == [second * 3.0 for second in range(40)]
    assert run.samples["hr_bpm"].isna().sum() == 20


def test_distinct_layouts_past_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct definition is compiled once; more of them than MAX_FIT_LAYOUTS is refused."""
    monkeypatch.setattr(limits, "MAX_FIT_LAYOUTS", 3)
    messages = []
    for size in range(1, 6):  # five record layouts, each with a different field size
        messages += [_definition(1, _RECORD, [(253, 4, 0x86), (3, size, 0x0D)])]
        messages += [_data(1, f"I{size}s", _T0 + size, bytes(size))]
    data = _activity_file(*messages, record_definition=messages[0])
    with pytest.raises(UnsupportedFileError, match="more than 3 different message layouts"):
        fit.read_fit(data, "layouts.fit")


def _compressed_record(seconds: int, speed: int, distance: int) -> bytes:
    """A record with a timestamp and compressed_speed_distance (12-bit speed, 12-bit distance)."""
    packed = (speed & 0xFFF) | (distance & 0xFFF) << 12
    return _data(1, "I3s", _T0 + seconds, packed.to_bytes(3, "little"))


def test_compressed_speed_distance_adds_up_over_wraps_and_definitions() -> None:
    """The 12-bit distance counter (1/16 m) wraps every 256 m and restarts at each definition,
    as fitparse counts it; speed is unscaled per record; an all-0xFF record has neither."""
    definition = _definition(1, _RECORD, [(253, 4, 0x86), _COMPRESSED])
    plain = _definition(2, _RECORD, [(253, 4, 0x86), (5, 4, 0x86)])  # a distance of its own
    messages = []
    for second in range(150):
        if second == 90:
            messages.append(definition)  # fitparse restarts the counter here
        if second == 100:
            messages.append(_data(1, "I3s", _T0 + second, b"\xff\xff\xff"))
            continue
        if second in (40, 120):
            messages += [plain, _data(2, "II", _T0 + second, 777_00)]
            continue
        messages.append(_compressed_record(second, 300 + second, second * 3 * 16))
    run = _one(_agree(_activity_file(*messages, record_definition=definition)))
    distance = run.samples["distance_m"].to_numpy()
    times = (run.samples["time"] - run.samples["time"].iloc[0]).dt.total_seconds().to_numpy()
    assert distance[times == 89][0] == 89 * 3  # past three wraps of 256 m
    assert distance[times == 90][0] == 90 * 3 % 256  # restarted by the definition
    assert distance[times == 40][0] == 777.0
    assert math.isnan(distance[times == 100][0])
    assert run.samples["speed_mps"].iloc[1] == pytest.approx(3.01)


def test_a_rolling_field_in_both_decoding_paths_is_left_to_fitparse() -> None:
    """A compressed_speed_distance the numpy path cannot read (5 bytes) beside one it can: the
    counter spans both, so the file goes to fitparse, which reads it all."""
    wide = _definition(2, _RECORD, [(253, 4, 0x86), (8, 5, 0x0D)])
    definition = _definition(1, _RECORD, [(253, 4, 0x86), _COMPRESSED])
    messages = [_compressed_record(second, 300, second * 48) for second in range(5)]
    messages += [wide, _data(2, "I5s", _T0 + 5, (300 | 240 << 12).to_bytes(5, "little"))]
    messages += [_compressed_record(second, 300, second * 48) for second in range(6, 9)]
    data = _activity_file(*messages, record_definition=definition)
    with pytest.raises(fitfast.Unsupported):
        fitfast.decode(data)
    ours = fit.read_fit(data, "wide.fit")[0].samples
    reference = fit.read_fit(data, "wide.fit", decoder="fitparse")[0].samples
    pd.testing.assert_frame_equal(ours, reference)


def test_byte_arrays_unpack_as_fitparse_unpacks_them() -> None:
    """Bytes read little-endian; anything else in the array as fitparse's own loop adds it up."""
    assert _unpacked((0x01, 0x02, 0x03)) == 0x030201
    assert _unpacked((300, 2)) == (2 << 8) + 300
    assert _unpacked(7) == 7


def _same_summaries(ours: list[ActivitySummary], theirs: list[ActivitySummary]) -> None:
    """Every field equal (NaN equal to NaN), arrays and histograms included."""
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs, strict=True):
        for field in dataclasses.fields(mine):
            a, b = getattr(mine, field.name), getattr(other, field.name)
            if isinstance(a, np.ndarray):
                np.testing.assert_array_equal(a, b, err_msg=field.name)
            elif dataclasses.is_dataclass(a):
                np.testing.assert_array_equal(a.values, b.values, err_msg=field.name)
                np.testing.assert_array_equal(a.seconds, b.seconds, err_msg=field.name)
            elif isinstance(a, float) and math.isnan(a):
                assert math.isnan(b), field.name
            else:
                assert (a, type(a)) == (b, type(b)), field.name


def _summaries_both_ways(data: bytes, name: str) -> None:
    """summarise_source against summarise of each activity read, errors included."""
    try:
        theirs = [summarise(activity) for activity in read_source(data, "fit", name)]
    except LoadwatchError as error:
        with pytest.raises(type(error), match=None) as raised:
            summarise_source(data, "fit", name)
        assert str(raised.value) == str(error)
        return
    _same_summaries(summarise_source(data, "fit", name), theirs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_summaries_from_arrays_are_the_summaries_of_the_activities(corpus: Path, name: str) -> None:
    """A corpus FIT file summarised straight from its arrays gives identical summaries."""
    _summaries_both_ways((corpus / "fit" / name).read_bytes(), name)


def test_summaries_from_arrays_of_generated_and_repeated_runs() -> None:
    """A run, a Suunto-style run, and a file holding one run twice (rows to drop first)."""
    run = _run(600, redefine=False)
    for data in (run, _run(200, redefine=True), run + run):
        _summaries_both_ways(data, "run.fit")


def test_other_formats_are_summarised_through_their_activities() -> None:
    """A GPX run goes through its reader and summarise, as before."""
    data = factories.gpx(datetime(2026, 5, 3, 7, tzinfo=UTC)).encode()
    theirs = [summarise(activity) for activity in read_source(data, "gpx", "run.gpx")]
    _same_summaries(summarise_source(data, "gpx", "run.gpx"), theirs)


def test_heart_rate_messages_match_fitparse(corpus: Path) -> None:
    """A swim's hr messages (beat times packed 12 bits at a time, added up) as fitparse has them."""
    data = (corpus / "fit" / "event_timestamp.fit").read_bytes()
    ours = fitfast.decode(data).content.hrs
    theirs = _fitparsed.read_with_fitparse(data, "event_timestamp.fit").content.hrs
    assert len(ours) == len(theirs) > 1000
    for mine, other in zip(ours, theirs, strict=True):
        assert {name: value for name, value in other.items() if name in mine} == mine


def test_a_rolling_counter_is_unwrapped_restarted_then_scaled() -> None:
    """Low 12 bits 4000, 10, 20 count 4000, 4106, then 20 after a definition restarts them;
    scale and offset come after, and a value the profile names is not a number."""
    column = Column(0, "u1", _fitprofile.byte_type(), 2.0, 1.0, 0, 12, (9,), 3, 5)
    values = accumulated(np.array([4000.0, 10.0, 20.0]), np.array([10, 20, 30]), [0, 25], column)
    np.testing.assert_array_equal(values, [1999.0, 2052.0, np.nan])


def test_a_damaged_file_read_out_of_step_is_left_to_fitparse() -> None:
    """One changed byte makes the rest of a sample run read out of step, so that garbage comes
    as a field that does not fit its type: with the checksum failing, the file is read as
    fitparse reads it (stopping there and saying so), not read on past a silent 11-minute hole."""
    sample = Path(__file__).resolve().parent.parent / "sample_data/garmin/2026-06"
    damaged = bytearray((sample / "2026-06-05-20-05-47.fit").read_bytes())
    damaged[1213] = 0x12
    expected = fit.read_fit(bytes(damaged), "x.fit", decoder="fitparse")
    got = fit.read_fit(bytes(damaged), "x.fit")
    assert [len(a.samples) for a in got] == [len(a.samples) for a in expected] == [181]
    assert got[0].warnings == expected[0].warnings
    assert "partly unreadable after 181 records" in got[0].warnings[-1]


def test_a_damaged_file_stopping_at_a_fault_is_left_to_fitparse() -> None:
    """Three changed bytes (found by fuzzing) make a sample run read out of step until an
    undefined message type stops it, the checksum never reached: fitparse's reading is kept
    (105 records and why it stopped), not 290 more records read from garbage."""
    sample = Path(__file__).resolve().parent.parent / "sample_data/garmin/2026-06"
    damaged = bytearray((sample / "2026-06-16-20-04-03.fit").read_bytes())
    for at, value in ((1590, 124), (757, 89), (2815, 46)):
        damaged[at] = value
    expected = fit.read_fit(bytes(damaged), "x.fit", decoder="fitparse")
    got = fit.read_fit(bytes(damaged), "x.fit")
    assert [len(a.samples) for a in got] == [len(a.samples) for a in expected] == [105]
    assert got[0].warnings == expected[0].warnings
