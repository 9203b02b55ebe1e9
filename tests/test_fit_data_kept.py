"""FIT data once lost: hr messages' beats (swims), and records past a session's end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from loadwatch.ingest.readers._fitcontent import session_totals
from loadwatch.ingest.readers._fithr import _accumulate, _packed, beats, fill_heart_rate
from loadwatch.ingest.readers.fit import read_fit


@pytest.mark.parametrize("decoder", ["auto", "fitparse"])
@pytest.mark.parametrize(
    ("name", "session_max"),
    [("event_timestamp.fit", 161), ("garmin-fr935-cr.fit", 151)],
)
def test_swim_records_get_the_strap_s_heart_rate(
    corpus: Path, decoder: str, name: str, session_max: int
) -> None:
    """A swim whose records lack heart rate gets the hr messages' beats, up to the session's max."""
    (swim,) = read_fit((corpus / "fit" / name).read_bytes(), name, decoder=decoder)  # type: ignore[arg-type]
    hr = swim.samples["hr_bpm"]
    assert hr.notna().mean() > 0.95
    assert hr.max() == session_max


def test_multisport_swim_heart_rate_agrees_with_its_session(corpus: Path) -> None:
    """The triathlon's swim (7 of 350 records with heart rate before) averages the session's 165."""
    name = "sample_mulitple_header.fit"
    swim = read_fit((corpus / "fit" / name).read_bytes(), name)[0]
    assert swim.sport == "swimming"
    assert swim.samples["hr_bpm"].notna().all()
    assert swim.samples["hr_bpm"].mean() == pytest.approx(165, abs=1)


def test_packed_12_bit_stamps_are_unpacked_little_endian() -> None:
    """Three bytes hold two 12-bit values, low bits first."""
    assert _packed((0x21, 0x43, 0x65)) == [0x321, 0x654]
    assert _packed(None) == []


def test_the_counter_runs_forward_across_its_12_bit_wrap() -> None:
    """A low reading smaller than the last one means the 4-second counter wrapped."""
    assert _accumulate(0x1FF0, 0x005) == 0x2005
    assert _accumulate(0x1000, 0x010) == 0x1010


def test_beats_are_anchored_by_the_first_message() -> None:
    """Beat times are the anchor's clock time plus the counter's progress since it."""
    hrs = [
        {
            "timestamp": 1000,
            "fractional_timestamp": 0.5,
            "event_timestamp": 10.0,
            "filtered_bpm": 90,
        },
        {"event_timestamp_12": (0x00, 0x2C, 0x00), "filtered_bpm": (100, 110)},
    ]
    times, rates = beats(hrs)
    # The counter was 10 240 (10 s); the first low reading 0xC00 = 3072 is 1024 after 2048 (0x800).
    assert list(rates) == [90, 100, 110]
    assert times[0] == pytest.approx(1000.5)
    assert times[1] == pytest.approx(1000.5 + (0x2C00 - 10240) / 1024)
    assert beats([{"event_timestamp_12": (1, 2, 3), "filtered_bpm": (1, 2)}])[0].size == 0


def test_records_with_heart_rate_keep_theirs_and_far_beats_are_not_used() -> None:
    """Only records without heart rate are filled, from beats at most 5 s before them."""
    hrs = [{"timestamp": 100, "event_timestamp": 0.0, "filtered_bpm": 120}]
    filled = fill_heart_rate(
        np.array([99.0, 100.0, 101.0, 200.0]), np.array([80, np.nan, 81, np.nan]), hrs
    )
    assert list(filled[:3]) == [80, 120, 81]
    assert np.isnan(filled[3])


def test_a_session_ending_before_its_records_gives_way_to_them() -> None:
    """Records 926 s past the session's end (Ambit 3 without its final lap): totals left to them."""
    session = {
        "start_time": 1000,
        "total_elapsed_time": 4035.0,
        "total_timer_time": 4035.0,
        "total_distance": 10_000.0,
        "total_ascent": 50.0,
    }
    timer, distance, ascent, note = session_totals(session, 1000 + 4961.0)
    assert (timer, distance, ascent) == (None, None, None)
    assert note is not None and "926 s" in note
    assert session_totals(session, 1000 + 4035.0 + 30) == (4035.0, 10_000.0, 50.0, None)
    # Records years after the session are a clock glitch: the session's totals stand.
    assert session_totals(session, 1000 + 10**9)[3] is None
