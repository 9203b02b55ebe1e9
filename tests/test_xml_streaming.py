"""The streaming GPX and TCX paths give what the reference readers (gpxpy, the TCX tree) give.

Every GPX and TCX file of the corpus, the export corpus, ``sample_data`` and generated shapes is
read both ways and must give the same activities (samples, start, sport, name, device, totals,
warnings) or the same error; the fast path must take the plain files watches and apps write,
and decline (for the reference to read) the shapes it is not sure of.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loadwatch.errors import LoadwatchError
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.readers._gpxfast import read_plain_gpx
from loadwatch.ingest.readers._tcxstream import read_activity_texts
from loadwatch.ingest.readers._xml import decode_xml, inspect_prolog
from loadwatch.ingest.readers.gpx import read_gpx, read_gpx_reference
from loadwatch.ingest.readers.tcx import read_tcx, read_tcx_reference
from loadwatch.samples.xmlwrite import write_gpx, write_tcx
from tests.factories import gpx as factory_gpx

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
Reader = Callable[[bytes, str], list[Activity]]
Outcome = list[Activity] | tuple[str, str]


def _outcome(reader: Reader, data: bytes) -> Outcome:
    """What a reader gives: its activities, or its error's class and message."""
    try:
        return reader(data, "run")
    except LoadwatchError as e:
        return (type(e).__name__, str(e))


def _assert_same(fast: Outcome, reference: Outcome) -> None:
    """The same error, or the same activities down to every sample."""
    if isinstance(fast, tuple) or isinstance(reference, tuple):
        assert fast == reference
        return
    assert len(fast) == len(reference)
    for mine, theirs in zip(fast, reference, strict=True):
        pd.testing.assert_frame_equal(mine.samples, theirs.samples, check_exact=True)
        for attribute in (
            "sport",
            "start",
            "name",
            "device",
            "activity_type",
            "timer_s",
            "distance_m",
            "warnings",
            "format",
        ):
            assert getattr(mine, attribute) == getattr(theirs, attribute), attribute


def _files(folder: Path, suffix: str) -> list[Path]:
    """Every file of a folder with this suffix (gzipped or not), at any depth."""
    return sorted(p for p in folder.rglob("*") if p.name.lower().endswith((suffix, suffix + ".gz")))


def _bytes(path: Path) -> bytes:
    """A file's content, gunzipped if need be."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


def _real_files(corpus: Path, suffix: str) -> list[Path]:
    """The corpus, the export corpus beside it and sample_data."""
    exports = corpus.parent / "corpus-exports"
    found = _files(corpus, suffix) + _files(ROOT / "sample_data", suffix)
    return found + (_files(exports, suffix) if exports.is_dir() else [])


def _gpx_taken(data: bytes) -> bool:
    """Whether the streaming GPX path takes the file (rather than declining it)."""
    prolog = inspect_prolog(data, "run", "GPX")
    text = decode_xml(data, "run", prolog.encoding)
    return read_plain_gpx(data, text, prolog.encoding) is not None


def _tcx_taken(data: bytes) -> bool:
    """Whether the streaming TCX path takes the file."""
    return read_activity_texts(data, inspect_prolog(data, "run", "TCX").encoding) is not None


def test_every_real_gpx_reads_as_with_gpxpy(corpus: Path) -> None:
    """Each corpus, export and sample GPX gives the same activities or error both ways, none
    read today is lost, and the real recordings (Strava, Garmin, Apple, Nike) take the fast path."""
    files = _real_files(corpus, ".gpx")
    assert len(files) >= 30
    taken = []
    for path in files:
        data = _bytes(path)
        fast, reference = _outcome(read_gpx, data), _outcome(read_gpx_reference, data)
        _assert_same(fast, reference)
        if _gpx_taken(data):
            taken.append(path.name)
    lost = [p.name for p in files if isinstance(_outcome(read_gpx, _bytes(p)), tuple)]
    kept_by_reference = [
        p.name for p in files if isinstance(_outcome(read_gpx_reference, _bytes(p)), tuple)
    ]
    assert lost == kept_by_reference  # the same files fail, so no file read today is lost
    for name in ("runpandas-strava_export.gpx", "runpandas-garmin_connect.gpx", "15298650617.gpx"):
        assert name in taken
    assert len(taken) >= 15


def test_every_real_tcx_reads_as_with_the_tree(corpus: Path) -> None:
    """Each corpus, export and sample TCX gives the same activities or error both ways, and
    every well-formed one takes the streaming path."""
    files = _real_files(corpus, ".tcx")
    assert len(files) >= 8
    for path in files:
        data = _bytes(path)
        fast, reference = _outcome(read_tcx, data), _outcome(read_tcx_reference, data)
        _assert_same(fast, reference)
        assert _tcx_taken(data) == (not isinstance(reference, tuple)), path.name


def _run_columns(seconds: int = 600) -> dict[str, object]:
    """A run's columns for the sample writers: wandering position, heart rate, cadence."""
    rng = np.random.default_rng(seconds)
    elapsed = np.arange(float(seconds))
    speed = np.clip(3.0 + np.cumsum(rng.normal(0, 0.05, seconds)) * 0.1, 1.5, 5.5)
    return {
        "start": START,
        "elapsed_s": elapsed,
        "lat": 47.37 + np.cumsum(speed) / 111_195,
        "lon": 8.54 + np.cumsum(rng.normal(0, 0.3, seconds)) / 75_000,
        "altitude_m": 410 + 15 * np.sin(elapsed / 90),
        "hr_bpm": np.clip(120 + 30 * (speed - 2), 60, 200).round(),
        "cadence_spm": np.clip(150 + 8 * speed, 120, 200).round(),
    }


def test_generated_gpx_and_tcx_take_the_fast_paths_and_agree() -> None:
    """Files as the sample writers make them (Strava-like GPX, Garmin-like TCX) take the
    streaming paths and read as the references read them."""
    columns = _run_columns()
    gpx = write_gpx(**columns, name="Morning Run")  # type: ignore[arg-type]
    assert _gpx_taken(gpx)
    _assert_same(_outcome(read_gpx, gpx), _outcome(read_gpx_reference, gpx))
    columns["distance_m"] = np.cumsum(np.full(600, 3.0))
    del columns["lat"], columns["lon"]
    tcx = write_tcx(**columns)  # type: ignore[arg-type]
    assert _tcx_taken(tcx)
    _assert_same(_outcome(read_tcx, tcx), _outcome(read_tcx_reference, tcx))


GPX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
    'xmlns="http://www.topografix.com/GPX/1/1" '
    'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
)


def _points(count: int = 40, extra: str = "", time_format: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    """Track points a second apart moving north, with heart rate and cadence extensions."""
    rows = []
    for i in range(count):
        when = (START + pd.Timedelta(seconds=i)).strftime(time_format)
        rows.append(
            f'<trkpt lat="{47 + i * 3e-5:.7f}" lon="8.5"><ele>{400 + i % 7}</ele>'
            f"<time>{when}</time>{extra}<extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{140 + i % 9}</gpxtpx:hr><gpxtpx:cad>{85 + i % 3}</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return "".join(rows)


# Shapes the fast path takes, each read as gpxpy reads it.
TAKEN = {
    "plain": GPX_HEAD + f"<trk><name>Run</name><trkseg>{_points()}</trkseg></trk></gpx>",
    "two segments, two tracks": GPX_HEAD
    + f"<trk><type>9</type><trkseg>{_points(20)}</trkseg><trkseg>{_points(30)}</trkseg></trk>"
    + f"<trk><name>Afternoon Ride</name><trkseg>{_points(25)}</trkseg></trk></gpx>",
    "offsets and fractions": GPX_HEAD
    + "<metadata><name>File name</name></metadata><trk><trkseg>"
    + _points(30, time_format="%Y-%m-%dT%H:%M:%S.123+01:00")
    + "</trkseg></trk></gpx>",
    "naive times, checked values": GPX_HEAD
    + "<trk><number>3</number><trkseg>"
    + _points(30, "<hdop>1.5</hdop><sat>7</sat><fix>3d</fix>", "%Y-%m-%dT%H:%M:%S")
    + "</trkseg></trk></gpx>",
    "untimed and unplaced values": GPX_HEAD
    + '<trk><trkseg><trkpt lat="47" lon="8.5"><ele/></trkpt>'
    + _points(30)
    + '<trkpt lat="nan" lon="inf"><time>2026-03-02T07:00:40Z</time></trkpt></trkseg></trk></gpx>',
    "gpx 1.0 with speed": '<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0" '
    + 'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
    + "<name>Old</name><trk><trkseg>"
    + _points(30, "<speed>3.1</speed><course>90</course>")
    + "</trkseg></trk></gpx>",
    "from the test factory": factory_gpx(START, minutes=10),
    "foreign elements everywhere": GPX_HEAD.replace('creator="test"', 'creator="t" xmlns:f="f"')
    + "<f:x/><metadata><f:x/><bounds minlat='1' maxlat='2'/></metadata><trk><f:x/><f:trkseg/>"
    + "<desc>d</desc><trkseg><f:trkpt/><extensions/>"
    + _points(30, "<f:ele>1</f:ele><ele>9</ele><cmt>c</cmt>").replace(
        "<gpxtpx:hr>140</gpxtpx:hr>", "<gpxtpx:hr>140<f:x/>1</gpxtpx:hr>"
    )
    + "</trkseg></trk><extensions/></gpx>",
}

# Shapes the fast path declines; gpxpy reads (or refuses) them as before.
DECLINED = {
    "a waypoint": GPX_HEAD
    + f'<wpt lat="47" lon="8"/><trk><trkseg>{_points()}</trkseg></trk></gpx>',
    "a route only": GPX_HEAD + '<rte><rtept lat="47" lon="8"/></rte></gpx>',
    "latin-1": GPX_HEAD.replace("UTF-8", "ISO-8859-1")
    + f"<trk><name>Caf\xe9</name><trkseg>{_points()}</trkseg></trk></gpx>",
    "a comment before the root": '<!-- xmlns="http://www.topografix.com/GPX/1/1" -->'
    + GPX_HEAD.split("\n", 1)[1]
    + f"<trk><trkseg>{_points()}</trkseg></trk></gpx>",
    "the namespace bound twice": GPX_HEAD.replace(
        "<gpx ", '<gpx xmlns:g="http://www.topografix.com/GPX/1/1" '
    )
    + f"<trk><trkseg>{_points()}</trkseg></trk></gpx>",
    "a version unlike the namespace": GPX_HEAD.replace('version="1.1"', 'version="1.0"')
    + f"<trk><trkseg>{_points()}</trkseg></trk></gpx>",
    "an unreadable hdop": GPX_HEAD
    + f"<trk><trkseg>{_points(30, '<hdop>high</hdop>')}</trkseg></trk></gpx>",
    "an unreadable sat": GPX_HEAD
    + f"<trk><trkseg>{_points(30, '<sat>7.5</sat>')}</trkseg></trk></gpx>",
    "an odd fix": GPX_HEAD + f"<trk><trkseg>{_points(30, '<fix>4d</fix>')}</trkseg></trk></gpx>",
    "an unreadable track number": GPX_HEAD
    + f"<trk><number>x</number><trkseg>{_points()}</trkseg></trk></gpx>",
    "an unreadable elevation": GPX_HEAD
    + f'<trk><trkseg><trkpt lat="47" lon="8"><ele>?</ele></trkpt>{_points()}</trkseg></trk></gpx>',
    "a point without lon": GPX_HEAD
    + f'<trk><trkseg><trkpt lat="47"><time>2026-03-02T06:59:00Z</time></trkpt>{_points()}'
    + "</trkseg></trk></gpx>",
    "times with a space": GPX_HEAD
    + f"<trk><trkseg>{_points(30, time_format='%Y-%m-%d %H:%M:%SZ')}</trkseg></trk></gpx>",
    "a time that is no date": GPX_HEAD
    + "<trk><trkseg>"
    + _points(30).replace("2026-03-02T07:00:05Z", "2026-02-30T07:00:05Z")
    + "</trkseg></trk></gpx>",
    "an element inside a value": GPX_HEAD
    + "<trk><name>Run<b/></name><trkseg>"
    + _points()
    + "</trkseg></trk></gpx>",
    "two heart rates": GPX_HEAD
    + "<trk><trkseg>"
    + _points(30).replace(
        "</gpxtpx:TrackPointExtension>", "<x:hr xmlns:x='y'>99</x:hr></gpxtpx:TrackPointExtension>"
    )
    + "</trkseg></trk></gpx>",
    "broken XML": GPX_HEAD + f"<trk><trkseg>{_points()}</trkseg></gpx>",
}


@pytest.mark.parametrize("shape", sorted(TAKEN))
def test_fast_gpx_shapes_read_as_with_gpxpy(shape: str) -> None:
    """Plain track shapes take the fast path and read exactly as gpxpy reads them."""
    data = TAKEN[shape].encode("utf-8")
    assert _gpx_taken(data)
    _assert_same(_outcome(read_gpx, data), _outcome(read_gpx_reference, data))


@pytest.mark.parametrize("shape", sorted(DECLINED))
def test_other_gpx_shapes_go_to_gpxpy(shape: str) -> None:
    """Shapes the fast path is not sure of are declined, and gpxpy reads them as before."""
    text = DECLINED[shape]
    data = text.encode("latin-1") if "ISO-8859-1" in text else text.encode("utf-8")
    assert not _gpx_taken(data)
    _assert_same(_outcome(read_gpx, data), _outcome(read_gpx_reference, data))


TCX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
    'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
    'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
)


def _trackpoints(
    count: int = 30, extension: str = "<ns3:TPX><ns3:Speed>3.1</ns3:Speed></ns3:TPX>"
) -> str:
    """Trackpoints a second apart, with position, heart rate, cadence and an extension."""
    rows = []
    for i in range(count):
        when = (START + pd.Timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f"<Trackpoint><Time>{when}</Time><Position><LatitudeDegrees>{47 + i * 3e-5:.7f}"
            "</LatitudeDegrees><LongitudeDegrees>8.5</LongitudeDegrees></Position>"
            f"<AltitudeMeters>{400 + i}</AltitudeMeters><HeartRateBpm><Value>{140 + i % 5}"
            f"</Value></HeartRateBpm><Cadence>{85 + i % 2}</Cadence>"
            f"<Extensions>{extension}</Extensions></Trackpoint>"
        )
    return "".join(rows)


TCX_SHAPES = {
    "two activities, laps and tracks": TCX_HEAD
    + '<Activities><Activity Sport="Running"><Id>2026-03-02T07:00:00Z</Id><Notes>Easy</Notes>'
    + '<Lap StartTime="2026-03-02T07:00:00Z"><TotalTimeSeconds>29</TotalTimeSeconds>'
    + f"<DistanceMeters>95</DistanceMeters><Track>{_trackpoints(15)}</Track>"
    + f"<Track>{_trackpoints(15)}</Track></Lap><Lap><Track>{_trackpoints(10)}</Track></Lap>"
    + "<Creator><Name>Forerunner</Name></Creator></Activity>"
    + f'<Activity Sport="Biking"><Lap><Track>{_trackpoints(20, "")}</Track></Lap></Activity>'
    + "</Activities></TrainingCenterDatabase>",
    "odd values and a multisport wrapper": TCX_HEAD
    + '<Activities><MultiSportSession><FirstSport><Activity Sport="Other">'
    + "<Lap><TotalTimeSeconds>n/a</TotalTimeSeconds><Track>"
    + _trackpoints(20, "<ns3:TPX><ns3:RunCadence>x</ns3:RunCadence></ns3:TPX>").replace(
        "<Cadence>85</Cadence>", "<Cadence>85<b/>1</Cadence>"
    )
    + "</Track></Lap></Activity></FirstSport></MultiSportSession></Activities>"
    + "</TrainingCenterDatabase>",
    "courses only": TCX_HEAD + "<Courses><Course><Name>Loop</Name></Course></Courses>"
    "</TrainingCenterDatabase>",
    "no timed trackpoints": TCX_HEAD
    + '<Activities><Activity Sport="Running"><Lap><Track><Trackpoint><Time>soon</Time>'
    + "</Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>",
    "two speeds in one trackpoint": TCX_HEAD
    + '<Activities><Activity Sport="Running"><Lap><Track>'
    + _trackpoints(20, "<ns3:TPX><ns3:Speed>?</ns3:Speed><ns3:Speed>2.5</ns3:Speed></ns3:TPX>")
    + "</Track></Lap></Activity></Activities></TrainingCenterDatabase>",
    "an activity inside an activity": TCX_HEAD
    + '<Activities><Activity Sport="Running"><Lap><Track>'
    + _trackpoints(20)
    + '</Track></Lap><Creator><Activity Sport="Biking"/></Creator></Activity></Activities>'
    + "</TrainingCenterDatabase>",
    "another root": '<?xml version="1.0"?><gpx version="1.1"/>',
}


@pytest.mark.parametrize("shape", sorted(TCX_SHAPES))
def test_tcx_shapes_read_as_with_the_tree(shape: str) -> None:
    """Hand-made TCX shapes, taken or declined, read as the tree reader reads them."""
    data = TCX_SHAPES[shape].encode("utf-8")
    _assert_same(_outcome(read_tcx, data), _outcome(read_tcx_reference, data))


def test_tcx_declines_what_the_tree_must_judge() -> None:
    """Two extension values in a trackpoint, a nested activity, another root, plans only and
    another encoding go to the tree reader."""
    for shape in (
        "two speeds in one trackpoint",
        "an activity inside an activity",
        "another root",
        "courses only",
    ):
        assert not _tcx_taken(TCX_SHAPES[shape].encode("utf-8")), shape
    latin = TCX_SHAPES["two activities, laps and tracks"].replace("UTF-8", "ISO-8859-1")
    assert not _tcx_taken(latin.encode("latin-1"))
    assert _tcx_taken(TCX_SHAPES["two activities, laps and tracks"].encode("utf-8"))
