"""A GPX track point without lat/lon is left out; the rest of the run is read."""

from __future__ import annotations

import pytest

from loadwatch.errors import CorruptFileError
from loadwatch.ingest.readers._gpxpoints import drop_unplaced_points
from loadwatch.ingest.readers.gpx import read_gpx


def _gpx(points: str, prefix: str = "") -> bytes:
    tag = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'<?xml version="1.0"?><{tag}gpx version="1.1" creator="watch" '
        f'{xmlns}="http://www.topografix.com/GPX/1/1"><{tag}trk><{tag}type>running</{tag}type>'
        f"<{tag}trkseg>{points}</{tag}trkseg></{tag}trk></{tag}gpx>"
    ).encode()


def _points(count: int, prefix: str = "") -> str:
    tag = f"{prefix}:trkpt" if prefix else "trkpt"
    time = f"{prefix}:time" if prefix else "time"
    stamp = "2024-01-01T08:{:02d}:00Z"
    return "".join(
        f'<{tag} lat="52.5" lon="{13 + i / 1000}"><{time}>{stamp.format(i)}</{time}></{tag}>'
        for i in range(count)
    )


@pytest.mark.parametrize(
    "unplaced",
    [
        "<trkpt><time>2024-01-01T08:30:00Z</time></trkpt>",
        '<trkpt lon="13.1"><time>2024-01-01T08:30:00Z</time></trkpt>',
        '<trkpt lat="52.5"/>',
    ],
)
def test_a_point_without_a_position_is_left_out_with_a_warning(unplaced: str) -> None:
    """One point lacking lat or lon no longer makes the whole 20-minute run unreadable."""
    points = _points(10) + unplaced + _points(20)[len(_points(10)) :]
    (run,) = read_gpx(_gpx(points), "run.gpx")
    assert len(run.samples) == 20
    assert run.warnings[-1] == "1 track point without a position (lat/lon) left out"


def test_prefixed_points_are_taken_out_too() -> None:
    """Points written with a namespace prefix (g:trkpt), self-closing or not, are found."""
    text = '<g:trkpt lat="1" lon="2"/><g:trkpt><g:time>x</g:time></g:trkpt><g:trkpt lon="2"/>'
    assert drop_unplaced_points(text) == ('<g:trkpt lat="1" lon="2"/>', 2)


def test_other_broken_points_are_still_refused() -> None:
    """A point with an unreadable latitude is a damaged file, not a missing position."""
    with pytest.raises(CorruptFileError):
        read_gpx(_gpx(_points(3) + '<trkpt lat="abc" lon="1"/>'), "bad.gpx")


def test_a_file_with_every_point_placed_is_left_as_it_is() -> None:
    """drop_unplaced_points returns the very text when nothing is missing."""
    text = _gpx(_points(3)).decode()
    assert drop_unplaced_points(text) == (text, 0)
