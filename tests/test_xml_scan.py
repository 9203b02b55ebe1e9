"""The strict-shape scan of GPX and TCX points reads what expat's callbacks and the references read.

Points in the shapes watches and apps write are taken by one regular expression; anything else
(another shape, a point in a comment, CDATA or the wrong place, an entity in a value, broken
XML) is read by the callbacks or declined to the reference, never read differently.
"""

from __future__ import annotations

from xml.parsers import expat

import numpy as np
import pytest

from loadwatch.ingest.readers._gpxstream import POINT_1_1
from loadwatch.ingest.readers._tcxstream import TRACKPOINT
from loadwatch.ingest.readers._xmlscan import check_well_formed, scan_points
from loadwatch.ingest.readers.gpx import read_gpx, read_gpx_reference
from loadwatch.ingest.readers.tcx import read_tcx, read_tcx_reference
from loadwatch.samples.xmlwrite import write_gpx, write_tcx
from tests.test_xml_streaming import (
    GPX_HEAD,
    TCX_HEAD,
    _assert_same,
    _gpx_taken,
    _outcome,
    _points,
    _run_columns,
    _tcx_taken,
    _trackpoints,
)


def _scanned_gpx(data: bytes) -> int:
    """How many GPX points the scan recognises."""
    scan = scan_points(data, POINT_1_1)
    return 0 if scan is None else scan.count


def _scanned_tcx(data: bytes) -> int:
    """How many TCX trackpoints the scan recognises."""
    scan = scan_points(data, TRACKPOINT)
    return 0 if scan is None else scan.count


def _gpx(body: str) -> bytes:
    """A GPX 1.1 file with one track holding ``body``."""
    return (GPX_HEAD + f"<trk><name>Run</name>{body}</trk></gpx>").encode("utf-8")


def _tcx(body: str) -> bytes:
    """A TCX file with one running activity, one lap holding ``body``."""
    return (
        TCX_HEAD + '<Activities><Activity Sport="Running"><Id>2026-03-02T07:00:00Z</Id>'
        f"<Lap><TotalTimeSeconds>60</TotalTimeSeconds>{body}</Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode("utf-8")


def test_sample_writer_files_are_scanned_whole_and_agree() -> None:
    """Every point of a Strava-like GPX and a Garmin-like TCX is taken by the scan, and both
    read as the references read them."""
    columns = _run_columns()
    gpx = write_gpx(**columns, name="Morning Run")  # type: ignore[arg-type]
    assert _scanned_gpx(gpx) == 600
    _assert_same(_outcome(read_gpx, gpx), _outcome(read_gpx_reference, gpx))
    columns["distance_m"] = np.cumsum(np.full(600, 3.0))
    columns["speed_mps"] = np.full(600, 3.0)
    tcx = write_tcx(**columns)  # type: ignore[arg-type]
    assert _scanned_tcx(tcx) == 600
    _assert_same(_outcome(read_tcx, tcx), _outcome(read_tcx_reference, tcx))


APPLE_POINT = (
    '<trkpt lon="8.5" lat="{lat}"><ele>4.1</ele><time>2026-03-02T07:01:{s:02d}Z</time>'
    "<extensions><speed>2.{s}</speed><course>206.2</course><hAcc>8.1</hAcc><vAcc>6.4</vAcc>"
    "</extensions></trkpt>\n"
)

# GPX files the scan takes wholly or in part; each reads as gpxpy reads it.
GPX_SCANNED = {
    "apple health routes": (
        _gpx("<trkseg>" + "".join(APPLE_POINT.format(lat=47 + s * 1e-4, s=s) for s in range(30)))
        .replace(b"<name>Run</name>", b"<name>Route</name>")
        .replace(b"</trk>", b"</trkseg></trk>"),
        30,
    ),
    "scanned and unscanned points mixed": (
        _gpx(
            f"<trkseg>{_points(10)}{_points(5, '<hdop>1.5</hdop>')}{_points(10)}</trkseg>"
            f"<trkseg>{_points(4, '<sat>7</sat>')}{_points(6)}</trkseg>"
        ),
        26,
    ),
    "comments and processing instructions between points": (
        _gpx(f"<trkseg>{_points(10)}<!-- paused --><?app pause?>{_points(10)}</trkseg>"),
        20,
    ),
    "entities and attributes left to the callbacks": (
        _gpx(
            f"<trkseg>{_points(10)}"
            + _points(3).replace("<ele>400</ele>", "<ele>4&#48;0</ele>")
            + _points(3).replace('lon="8.5"', 'lon="8.5" x="1"')
            + _points(3).replace("<ele>", "<ele >")
            + "</trkseg>"
        ),
        12,  # the entity is in the first of its three points only
    ),
}


@pytest.mark.parametrize("shape", sorted(GPX_SCANNED))
def test_scanned_gpx_shapes_read_as_with_gpxpy(shape: str) -> None:
    """Points in the scanned shapes are taken by the scan, the others by the callbacks, in file
    order, and the file reads exactly as gpxpy reads it."""
    data, scanned = GPX_SCANNED[shape]
    assert _scanned_gpx(data) == scanned
    assert _gpx_taken(data)
    _assert_same(_outcome(read_gpx, data), _outcome(read_gpx_reference, data))


# GPX files where a recognised point is not a point read: declined to gpxpy, read as before.
GPX_MISPLACED = {
    "a point in a comment": _gpx(
        f"<trkseg>{_points(10)}<!-- {_points(1)} -->{_points(5)}</trkseg>"
    ),
    "a point in CDATA": _gpx(
        f"<trkseg>{_points(10)}</trkseg><desc><![CDATA[{_points(1)}]]></desc>"
    ),
    "a point outside a segment": _gpx(f"{_points(1)}<trkseg>{_points(10)}</trkseg>"),
    "a point in an extension": _gpx(
        f"<trkseg>{_points(5)}</trkseg><extensions>{_points(1)}</extensions>"
    ),
}


@pytest.mark.parametrize("shape", sorted(GPX_MISPLACED))
def test_misplaced_gpx_points_decline(shape: str) -> None:
    """A recognised point that is no point read (in a comment, CDATA or the wrong element)
    declines the file, which gpxpy reads as before."""
    data = GPX_MISPLACED[shape]
    assert _scanned_gpx(data) > 0
    assert not _gpx_taken(data)
    _assert_same(_outcome(read_gpx, data), _outcome(read_gpx_reference, data))


def test_gpx_scan_leaves_broken_and_marked_files_alone() -> None:
    """Broken XML inside a recognised point (an unbound prefix) gives gpxpy's error, and a file
    that holds the scan's own placeholder is read by the callbacks alone, as gpxpy reads it."""
    broken = _gpx(f"<trkseg>{_points(5).replace('gpxtpx:hr', 'nope:hr')}</trkseg>")
    assert isinstance(_outcome(read_gpx_reference, broken), tuple)
    _assert_same(_outcome(read_gpx, broken), _outcome(read_gpx_reference, broken))
    marked = _gpx(f"<trkseg>{_points(5)}<?loadwatch-point?>{_points(5)}</trkseg>")
    assert _scanned_gpx(marked) == 0
    assert _gpx_taken(marked)
    _assert_same(_outcome(read_gpx, marked), _outcome(read_gpx_reference, marked))


SPEED_FIRST = "<ns3:TPX><ns3:Speed>3.1</ns3:Speed><ns3:RunCadence>84</ns3:RunCadence></ns3:TPX>"
CADENCE_FIRST = "<TPX xmlns='urn:x'><RunCadence>80</RunCadence><Speed>2.9</Speed></TPX>"

# TCX files: how many trackpoints the scan takes, each file read as the tree reads it.
TCX_SCANNED = {
    "speed and run cadence in either order, tracks mixed": (
        _tcx(
            f"<Track>{_trackpoints(10, SPEED_FIRST)}{_trackpoints(10, CADENCE_FIRST)}</Track>"
            f"<Track>{_trackpoints(5)}</Track>"
        ),
        25,
    ),
    "unscanned trackpoints between scanned ones": (
        _tcx(
            f"<Track>{_trackpoints(10)}"
            + _trackpoints(3).replace("<Cadence>", "<Extra/><Cadence>")
            + f"<!-- x -->{_trackpoints(7)}</Track>"
        ),
        17,
    ),
    "a trackpoint in a comment": (
        _tcx(f"<Track>{_trackpoints(10)}<!-- {_trackpoints(1)} --></Track>"),
        11,
    ),
    "a trackpoint outside a track": (
        _tcx(f"{_trackpoints(1)}<Track>{_trackpoints(10)}</Track>"),
        11,
    ),
    "a placeholder of its own": (_tcx(f"<Track>{_trackpoints(10)}<?loadwatch-point?></Track>"), 0),
}


@pytest.mark.parametrize("shape", sorted(TCX_SCANNED))
def test_scanned_tcx_shapes_read_as_with_the_tree(shape: str) -> None:
    """Trackpoints in Garmin's shape are taken by the scan, the others by the callbacks (or the
    file is declined), and every file reads exactly as the tree reader reads it."""
    data, scanned = TCX_SCANNED[shape]
    assert _scanned_tcx(data) == scanned
    _assert_same(_outcome(read_tcx, data), _outcome(read_tcx_reference, data))
    misplaced = shape.startswith("a trackpoint")
    assert _tcx_taken(data) != misplaced


def test_well_formedness_check_refuses_a_dtd() -> None:
    """The scan's callback-free parse refuses a DTD itself, should one ever reach it."""
    with pytest.raises(expat.ExpatError):
        check_well_formed(b'<!DOCTYPE gpx [<!ENTITY a "b">]><gpx>&a;</gpx>')
