"""The fast FIT decoder against fitparse, the reference: the corpus, hand-built files, damage."""

from __future__ import annotations

import math
import os
import struct
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fitparse.profile import MESSAGE_TYPES
from fitparse.records import BASE_TYPES, Crc
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fit_reader import EXPECTED

from loadwatch.errors import CorruptFileError, LoadwatchError, UnsupportedFileError
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.readers import _fitprofile, fit, fitfast
from loadwatch.ingest.readers.fit import Decoder, read_fit
from loadwatch.ingest.readers.fitfast import RECORD_FIELDS, Decoded
from loadwatch.samples.fitwrite import fit_crc, fit_timestamp, write_activity_fit

#: Corpus files the fast decoder reads further than fitparse, and why.
DEPARTURES = {
    # Event field 3 (data, uint32) is 1 byte long: fitparse gives up on the whole file at the
    # first such definition; the fast decoder reads the field as bytes, as the FIT SDK does,
    # and gets the rest of the ride, whose distance matches the device's own session total.
    "coros-pace-2-cycling-misaligned-fields.fit": 1785,
}

Read = tuple[Decoded | LoadwatchError, list[Activity] | LoadwatchError]


def _corpus_bytes(name: str) -> bytes:
    """A corpus FIT file (for hypothesis tests, which cannot take function-scoped fixtures)."""
    folder = os.environ.get("LOADWATCH_CORPUS")
    if not folder:
        pytest.skip("set LOADWATCH_CORPUS to the shared corpus to run this test")
    return (Path(folder) / "fit" / name).read_bytes()


def _read(data: bytes, name: str, decoder: Decoder) -> Read:
    """The decoded messages and the activities (or the errors) one decoder gives."""
    try:
        parse, warnings = fit._read_messages(data, name, decoder)
    except LoadwatchError as e:
        return e, e
    try:
        return parse, fit._activities(parse, name, warnings)
    except LoadwatchError as e:
        return parse, e


@pytest.fixture(scope="module")
def both(corpus: Path) -> Callable[[str], tuple[Read, Read]]:
    """Each corpus file read by both decoders, once per module (fitparse takes seconds)."""
    cache: dict[str, tuple[Read, Read]] = {}

    def read_both(name: str) -> tuple[Read, Read]:
        if name not in cache:
            data = (corpus / "fit" / name).read_bytes()
            cache[name] = (_read(data, name, "fast"), _read(data, name, "fitparse"))
        return cache[name]

    return read_both


def _same_activities(
    fast: list[Activity] | LoadwatchError,
    reference: list[Activity] | LoadwatchError,
    prefix: int | None = None,
) -> None:
    """Same error class and text, or the same activities, totals, warnings and samples."""
    if isinstance(reference, LoadwatchError) or isinstance(fast, LoadwatchError):
        assert type(fast) is type(reference)
        assert str(fast) == str(reference)
        return
    assert len(fast) == len(reference)
    for ours, theirs in zip(fast, reference, strict=True):
        fields = ("sport", "sub_sport", "activity_type", "start", "device")
        assert [getattr(ours, f) for f in fields] == [getattr(theirs, f) for f in fields]
        samples = ours.samples
        if prefix is None:
            totals = ("timer_s", "distance_m", "ascent_m", "warnings")
            assert [getattr(ours, f) for f in totals] == [getattr(theirs, f) for f in totals]
        else:
            samples = samples.iloc[: len(theirs.samples)]
        pd.testing.assert_frame_equal(samples, theirs.samples, check_exact=True)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_decoders_give_the_same_activities(
    both: Callable[[str], tuple[Read, Read]], name: str
) -> None:
    """Same samples (times, distance, speed, HR, cadence, position, altitude), totals, sport,
    start, warnings and error classes; where fitparse stops early, ours start with its."""
    (_, fast), (_, reference) = both(name)
    _same_activities(fast, reference, prefix=DEPARTURES.get(name))


def _profile_names(message_name: str) -> set[str]:
    """The names the profile gives a message's fields (others are developer fields)."""
    (message,) = [m for m in MESSAGE_TYPES.values() if m.name == message_name]
    fields = message.fields.values()
    return {f.name for f in fields} | {s.name for f in fields for s in f.subfields or ()}


def _same_messages(fast: Decoded, reference: Decoded, prefix: int | None = None) -> None:
    """The same messages decoded: dicts equal but for developer fields (which we skip)."""
    ours, theirs = fast.content, reference.content
    kinds = {"sessions": "session", "sports": "sport", "laps": "lap", "events": "event"}
    for kind, message in {**kinds, "activities": "activity"}.items():
        mine, others = getattr(ours, kind), getattr(theirs, kind)
        if prefix is None:
            assert len(mine) == len(others), kind
        names = _profile_names(message)
        for a, b in zip(mine, others, strict=False):
            assert {k: v for k, v in b.items() if k in names or k in a} == a
    for name in RECORD_FIELDS:
        column = ours.columns[name] if prefix is None else ours.columns[name][:prefix]
        np.testing.assert_array_equal(column, theirs.columns[name], err_msg=name)
    if prefix is None:
        attributes = ("file_types", "devices", "record_sport", "records", "messages")
        assert [getattr(ours, a) for a in attributes] == [getattr(theirs, a) for a in attributes]
        assert fast.crc_mismatch == reference.crc_mismatch
        assert (type(fast.stop), str(fast.stop), fast.stop_offset) == (
            type(reference.stop),
            str(reference.stop),
            reference.stop_offset,
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_decoders_read_the_same_messages(
    both: Callable[[str], tuple[Read, Read]], name: str
) -> None:
    """Same file ids, sessions, laps, events, record columns, counts, CRC verdict and fault."""
    (fast, _), (reference, _) = both(name)
    if isinstance(reference, LoadwatchError) or isinstance(fast, LoadwatchError):
        assert type(fast) is type(reference)
        assert str(fast) == str(reference)
        return
    _same_messages(fast, reference, prefix=DEPARTURES.get(name))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fast_decoder_needs_no_fallback_on_the_corpus(corpus: Path, name: str) -> None:
    """Every corpus file is decoded by the fast decoder itself, without fitparse's help."""
    data = (corpus / "fit" / name).read_bytes()
    decoded = fitfast.decode(data)  # raises Unsupported if it left the file to fitparse
    assert decoded.content.messages > 0


# --- hand-built files ------------------------------------------------------------------------

_RECORD = 20
_EVENT = 21
_FILE_ID = 0
_SESSION = 18
_T0 = fit_timestamp(datetime(2026, 6, 2, 6, 0, tzinfo=UTC))


def _definition(
    local: int,
    global_num: int,
    fields: Sequence[tuple[int, int, int]],
    *,
    big: bool = False,
    dev: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """A definition message; fields are (number, size, base type id)."""
    header = 0x40 | local | (0x20 if dev else 0)
    order = ">" if big else "<"
    out = struct.pack(f"{order}BBBHB", header, 0, int(big), global_num, len(fields))
    out += b"".join(bytes(field) for field in fields)
    if dev:
        out += bytes([len(dev)]) + b"".join(bytes(field) for field in dev)
    return out


def _data(local: int, layout: str, *values: Any, big: bool = False) -> bytes:
    """A data message of ``layout`` (struct codes, no byte order)."""
    return bytes([local]) + struct.pack((">" if big else "<") + layout, *values)


def _compressed(local: int, seconds: int, layout: str, *values: Any) -> bytes:
    """A data message with a compressed-timestamp header (5 bits of seconds)."""
    return bytes([0x80 | local << 5 | seconds & 0x1F]) + struct.pack("<" + layout, *values)


def _fit(*messages: bytes, bad_crc: bool = False) -> bytes:
    """A FIT file (14-byte header with its CRC) around ``messages``."""
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    out = header + struct.pack("<H", fit_crc(header)) + body
    return out + struct.pack("<H", fit_crc(out) ^ (1 if bad_crc else 0))


def _activity_file(*records: bytes, record_definition: bytes) -> bytes:
    """An activity file: file_id, the given record messages, then a session."""
    file_id = _definition(0, _FILE_ID, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84)])
    session = _definition(2, _SESSION, [(253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00), (9, 4, 0x86)])
    return _fit(
        file_id,
        _data(0, "BHH", 4, 1, 2697),  # activity, garmin, fenix 5
        record_definition,
        *records,
        session,
        _data(2, "IIBI", _T0 + 60, _T0, 1, 50_000),  # running, 500 m
    )


def _agree(data: bytes) -> list[Activity] | LoadwatchError:
    """Read ``data`` with both decoders, check they agree, and return the fast one's result."""
    fast, reference = _read(data, "built.fit", "fast"), _read(data, "built.fit", "fitparse")
    _same_activities(fast[1], reference[1])
    if not isinstance(fast[0], LoadwatchError) and not isinstance(reference[0], LoadwatchError):
        _same_messages(fast[0], reference[0])
    return fast[1]


def _one(result: list[Activity] | LoadwatchError) -> Activity:
    assert not isinstance(result, LoadwatchError), result
    (activity,) = result
    return activity


def test_sixteen_bit_speed_and_altitude_fill_the_enhanced_columns() -> None:
    """Older devices' 16-bit speed and altitude come out through their enhanced components."""
    elapsed = np.arange(0.0, 120.0)
    data = write_activity_fit(
        start=datetime(2026, 6, 2, 6, 0, tzinfo=UTC),
        elapsed_s=elapsed,
        distance_m=3.1 * elapsed,
        speed_mps=np.full(120, 3.1),
        altitude_m=100 + np.sin(elapsed / 10),
        hr_bpm=np.where(elapsed % 7 == 0, np.nan, 150),
        enhanced=False,
    )
    run = _one(_agree(data))
    assert run.samples["speed_mps"].iloc[5] == pytest.approx(3.1)
    assert run.samples["hr_bpm"].isna().sum() == 18


@pytest.mark.parametrize("speed_first", [True, False])
@pytest.mark.parametrize("speed", [3000, 0xFFFF])
def test_a_later_field_of_the_same_name_wins_as_in_fitparse(speed_first: bool, speed: int) -> None:
    """speed's enhanced_speed component and a real enhanced_speed field: the later one counts."""
    fields = [(6, 2, 0x84), (73, 4, 0x86)]
    values = [speed, 4500]
    if not speed_first:
        fields.reverse()
        values.reverse()
    layout = "I" + "".join("H" if size == 2 else "I" for _, size, _ in fields)
    definition = _definition(1, _RECORD, [(253, 4, 0x86), *fields])
    records = [_data(1, layout, _T0 + i, *values) for i in range(5)]
    run = _one(_agree(_activity_file(*records, record_definition=definition)))
    expected = {(True, 3000): 4.5, (False, 3000): 3.0, (True, 0xFFFF): 4.5}
    assert run.samples["speed_mps"].iloc[0] == pytest.approx(
        expected.get((speed_first, speed), math.nan), nan_ok=True
    )


@pytest.mark.parametrize("big", [False, True])
def test_odd_base_types_invalid_values_and_byte_orders(big: bool) -> None:
    """Fields stored in types other than the profile's, invalid values of each, either order."""
    definition = _definition(
        1,
        _RECORD,
        [
            (253, 4, 0x86),  # timestamp
            (3, 2, 0x84),  # heart_rate as uint16 (profile: uint8)
            (5, 4, 0x88),  # distance as float32 (NaN is invalid)
            (4, 1, 0x0A),  # cadence as uint8z (0 is invalid)
            (0, 4, 0x85),  # position_lat
            (1, 4, 0x85),  # position_long
            (78, 4, 0x86),  # enhanced_altitude
            (42, 1, 0x00),  # activity_type (enum), 99 is not a known value
            (7, 6, 0x84),  # power as an array of three uint16 (not kept)
            (13, 3, 0x0D),  # temperature as 3 bytes
        ],
        big=big,
    )
    layout = "IHfBiiIB3H3B"
    records = [
        _data(1, layout, _T0, 140, 0.0, 80, 10, 20, 3000, 99, 1, 2, 3, 1, 2, 3, big=big),
        _data(
            1,
            layout,
            _T0 + 1,
            0xFFFF,
            math.nan,
            0,
            *[0x7FFFFFFF] * 2,
            0xFFFFFFFF,
            1,
            *[0xFFFF] * 3,
            *[255] * 3,
            big=big,
        ),
        _data(1, layout, 0xFFFFFFFF, 150, 5.0, 81, 11, 21, 3001, 1, 0, 0, 0, 0, 0, 0, big=big),
    ]
    run = _one(_agree(_activity_file(*records, record_definition=definition)))
    assert len(run.samples) == 2  # the record without a timestamp cannot be placed
    assert run.samples["hr_bpm"].tolist()[0] == 140
    assert run.samples.iloc[1, 1:].isna().all()


def test_compressed_timestamps_count_from_the_last_full_one() -> None:
    """Compressed headers roll over every 32 s and restart from any message's full timestamp."""
    definition = _definition(1, _RECORD, [(3, 1, 0x02)])  # heart_rate only
    event = _definition(3, _EVENT, [(253, 4, 0x86), (0, 1, 0x00), (1, 1, 0x00)])
    messages = [definition, event, _data(3, "IBB", _T0 + 30, 0, 0)]  # timer start
    for second in range(31, 100, 3):
        messages.append(_compressed(1, _T0 + second, "B", 100 + second % 50))
        if second == 61:
            messages.append(_data(3, "IBB", _T0 + 200, 0, 4))  # a full timestamp, later on
    file_id = _definition(0, _FILE_ID, [(0, 1, 0x00)])
    run = _one(_agree(_fit(file_id, _data(0, "B", 4), *messages)))
    seconds = (run.samples["time"] - run.samples["time"].iloc[0]).dt.total_seconds()
    assert seconds.is_monotonic_increasing
    assert len(run.samples) == 23


def test_chained_files_with_a_bad_checksum_and_trailing_bytes() -> None:
    """Two chained files, the first with a bad CRC, then stray bytes: the same story as fitparse."""
    definition = _definition(1, _RECORD, [(253, 4, 0x86), (3, 1, 0x02)])
    records = [_data(1, "IB", _T0 + i, 120) for i in range(3)]
    first = _activity_file(*records, record_definition=definition)
    second = _fit(definition, *[_data(1, "IB", _T0 + 10 + i, 130) for i in range(3)], bad_crc=True)
    for tail in (b"", b"\x00" * 5, b"\x00" * 20):
        run = _one(_agree(second + first + tail))
        assert fit.CRC_WARNING in run.warnings
        assert len(run.samples) == 6


def test_every_cut_gives_fitparse_s_outcome() -> None:
    """Cut anywhere (a header, a definition, a record), the decoders keep the same data and
    say the same thing: the same warning at the same byte, or the same error."""
    definition = _definition(1, _RECORD, [(253, 4, 0x86), (3, 1, 0x02), (5, 4, 0x86)])
    records = [_data(1, "IBI", _T0 + i, 120 + i, 300 * i) for i in range(4)]
    data = _activity_file(*records, record_definition=definition)
    for cut in range(len(data) + 1):
        _agree(data[:cut])


def test_undefined_local_message_type_stops_where_fitparse_does() -> None:
    """A data message of a local type never defined ends reading, keeping what came before."""
    definition = _definition(1, _RECORD, [(253, 4, 0x86), (3, 1, 0x02)])
    records = [_data(1, "IB", _T0 + i, 120) for i in range(3)] + [bytes([5, 1, 2, 3])]
    run = _one(_agree(_activity_file(*records, record_definition=definition)))
    assert "invalid local message type 5" in run.warnings[0]


def test_developer_fields_are_skipped_by_size() -> None:
    """Developer fields without a description: fitparse stops, the fast decoder steps over them."""
    definition = _definition(1, _RECORD, [(253, 4, 0x86), (3, 1, 0x02)], dev=[(0, 2, 0)])
    records = [_data(1, "IBH", _T0 + i, 120 + i, 7) for i in range(5)]
    data = _activity_file(*records, record_definition=definition)
    run = _one(read_fit(data, "dev.fit", decoder="fast"))
    assert run.samples["hr_bpm"].tolist() == [120, 121, 122, 123, 124]
    assert run.warnings == ()
    with pytest.raises(CorruptFileError, match="dev_data_index"):  # fitparse lost the records
        read_fit(data, "dev.fit", decoder="fitparse")


def test_unsupported_construct_falls_back_to_fitparse() -> None:
    """A compressed timestamp counting from an invalid one is left to fitparse, not lost."""
    definition = _definition(1, _RECORD, [(3, 1, 0x02)])
    event = _definition(3, _EVENT, [(253, 4, 0x86), (0, 1, 0x00)])
    messages = [event, _data(3, "IB", 0xFFFFFFFF, 0), definition, _compressed(1, 3, "B", 99)]
    data = _fit(_definition(0, _FILE_ID, [(0, 1, 0x00)]), _data(0, "B", 4), *messages)
    with pytest.raises(fitfast.Unsupported):
        fitfast.decode(data)
    with pytest.raises(UnsupportedFileError):
        read_fit(data, "odd.fit", decoder="fast")
    auto = read_fit(data, "odd.fit")
    _same_activities(auto, read_fit(data, "odd.fit", decoder="fitparse"))


def test_crc_matches_fitparse_on_any_length() -> None:
    """The numpy checksum equals the protocol's byte-by-byte one, for any length and start."""
    data = os.urandom(70_001)
    for start, stop in [(0, 0), (0, 1), (3, 17), (5, 4_000), (1, 70_001), (0, 65_536)]:
        assert _fitprofile.crc16(data, start, stop) == Crc.calculate(data[start:stop])


def test_base_types_mark_the_same_values_invalid_as_fitparse() -> None:
    """Each base type's invalid raw value is the one fitparse's parser turns into None."""
    for number, base in _fitprofile.base_types().items():
        if base.invalid is None:
            continue
        assert BASE_TYPES[number].parse(base.invalid) is None, base.name
        assert BASE_TYPES[number].parse(base.invalid ^ 1) is not None, base.name


# --- damage --------------------------------------------------------------------------------

_SMALL = ["Activity.fit", "antfs-dump.63.fit", "activity-settings.fit", "garmin-fenix-5-run.fit"]
_WITH_DEVELOPER_DATA = ["DeveloperData.fit", "developer-types-sample.fit"]
# fitparse faults the fast decoder reads past (see the module docstring of fitfast).
_FITPARSE_ONLY_FAULTS = ("Invalid field size", "Invalid struct format")
_FITPARSE_DEVELOPER_CODE = {"add_dev_data_id", "add_dev_field_description", "get_dev_type"}


def _damage(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    damaged = bytearray(data)
    for position, value in flips:
        if position < len(damaged):
            damaged[position] = value
    return bytes(damaged[:cut])


def _fitparse_only(parsed: Decoded | LoadwatchError) -> bool:
    """Whether fitparse stopped at something the fast decoder reads past."""
    fault = parsed.__cause__ if isinstance(parsed, LoadwatchError) else parsed.stop
    if fault is None:
        return False
    if any(text in str(fault) for text in _FITPARSE_ONLY_FAULTS):
        return True
    code = {frame.f_code.co_name for frame, _ in traceback.walk_tb(fault.__traceback__)}
    return bool(code & _FITPARSE_DEVELOPER_CODE)


_damages = {
    "cut": st.integers(min_value=0, max_value=6000),
    "flips": st.lists(st.tuples(st.integers(0, 6000), st.integers(0, 255)), max_size=6),
}


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(_SMALL + _WITH_DEVELOPER_DATA), **_damages)
def test_damage_raises_only_loadwatch_errors_from_the_fast_path(
    name: str, cut: int, flips: list[tuple[int, int]]
) -> None:
    """Whatever bytes are cut or changed, the fast decoder alone gives activities or a
    LoadwatchError (UnsupportedFileError for what it would leave to fitparse)."""
    data = _damage(_corpus_bytes(name), cut, flips)
    try:
        result = read_fit(data, "fuzz.fit", decoder="fast")
    except LoadwatchError:
        return
    assert all(isinstance(a, Activity) for a in result)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(_SMALL), **_damages)
def test_damage_gives_fitparse_s_outcome(name: str, cut: int, flips: list[tuple[int, int]]) -> None:
    """Damaged files read as fitparse reads them (activities, warnings, errors), unless
    fitparse trips on something the fast decoder reads past."""
    data = _damage(_corpus_bytes(name), cut, flips)
    auto = _read(data, "fuzz.fit", "auto")
    reference = _read(data, "fuzz.fit", "fitparse")
    if not _fitparse_only(reference[0]):
        _same_activities(auto[1], reference[1])
