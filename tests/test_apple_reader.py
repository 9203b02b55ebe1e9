"""Apple Health's export.xml: workouts, heart rate, routes, the DTD, streaming, broken files."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loadwatch import read_activities
from loadwatch.errors import CorruptFileError, NotAnActivityError, UnsupportedFileError
from loadwatch.ingest import exports, sources
from loadwatch.ingest.limits import ArchiveBudget
from loadwatch.ingest.readers import read_streamed
from loadwatch.ingest.readers.apple import read_apple_health
from loadwatch.ingest.scan import scan
from loadwatch.ingest.summary import ActivitySummary

APPLE_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
]>
"""
ROUTE_GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1">
<trk><trkseg>
<trkpt lat="48.8000" lon="2.3000"><ele>30</ele><time>2024-05-06T07:00:00Z</time></trkpt>
<trkpt lat="48.8045" lon="2.3000"><ele>31</ele><time>2024-05-06T07:02:00Z</time></trkpt>
<trkpt lat="48.8090" lon="2.3000"><ele>32</ele><time>2024-05-06T07:04:00Z</time></trkpt>
</trkseg></trk></gpx>
"""


def _hr(moment: str, bpm: int) -> str:
    return (
        '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple Watch" '
        f'unit="count/min" startDate="{moment}" endDate="{moment}" value="{bpm}"/>'
    )


def export_xml(*, dtd: str = APPLE_DTD, route: bool = True) -> str:
    """A small export: an outdoor run with a route file, an indoor run, a strength workout,
    a swim, heart rate before, during and after the first run (not in time order)."""
    route_xml = (
        '<WorkoutRoute><FileReference path="/workout-routes/route_1.gpx"/></WorkoutRoute>'
        if route
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{dtd}<HealthData locale="fr_FR">
 <ExportDate value="2024-06-01 10:00:00 +0200"/>
 {_hr("2024-05-06 09:30:00 +0200", 190)}
 {_hr("2024-05-06 08:50:00 +0200", 200)}
 {_hr("2024-05-06 09:02:10 +0200", 150)}
 {_hr("2024-05-06 09:03:50 +0200", 160)}
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="4" durationUnit="min"
  sourceName="Apple Watch de Léa" startDate="2024-05-06 09:00:00 +0200"
  endDate="2024-05-06 09:04:00 +0200">
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" sum="1.0" unit="km"/>
  <MetadataEntry key="HKIndoorWorkout" value="0"/>
  {route_xml}
 </Workout>
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" totalDistance="5"
  totalDistanceUnit="km" startDate="2024-05-07 18:00:00 +0200"
  endDate="2024-05-07 18:30:00 +0200">
  <MetadataEntry key="HKIndoorWorkout" value="1"/>
 </Workout>
 <Workout workoutActivityType="HKWorkoutActivityTypeFunctionalStrengthTraining"
  startDate="2024-05-08 18:00:00 +0200" endDate="2024-05-08 18:40:00 +0200"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeSwimming" totalDistance="1500"
  totalDistanceUnit="m" startDate="2024-05-09 07:00:00 +0200"
  endDate="2024-05-09 07:45:00 +0200"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeYoga"
  startDate="2024-05-10 07:00:00 +0200" endDate="2024-05-10 07:45:00 +0200"/>
</HealthData>
"""


@pytest.fixture
def unzipped(tmp_path: Path) -> Path:
    """An unpacked export: apple_health_export/export.xml and its workout-routes/ folder."""
    folder = tmp_path / "apple_health_export"
    (folder / "workout-routes").mkdir(parents=True)
    (folder / "export.xml").write_text(export_xml(), encoding="utf-8")
    (folder / "workout-routes" / "route_1.gpx").write_text(ROUTE_GPX, encoding="utf-8")
    return tmp_path


@pytest.fixture
def zipped(tmp_path: Path) -> Path:
    """The same export as the Health app writes it: export.zip, with a __MACOSX entry."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("apple_health_export/export.xml", export_xml())
        handle.writestr("apple_health_export/workout-routes/route_1.gpx", ROUTE_GPX)
        handle.writestr("__MACOSX/apple_health_export/._export.xml", b"\x00\x05\x16\x07junk")
    return archive


def _by_sport(summaries: list[ActivitySummary]) -> dict[str, list[ActivitySummary]]:
    found: dict[str, list[ActivitySummary]] = {}
    for summary in summaries:
        found.setdefault(summary.sport, []).append(summary)
    return found


@pytest.mark.parametrize("where", ["unzipped", "zipped"])
def test_every_workout_is_an_activity_with_its_sport(where: str, request: pytest.FixtureRequest):
    """Five workouts, five activities: running twice, strength, swimming, other; no route
    file is counted as an activity of its own."""
    result = scan(request.getfixturevalue(where))
    sports = sorted(s.sport for s in result.summaries)
    assert sports == ["other", "running", "running", "strength", "swimming"]
    assert not result.skipped
    assert all(".gpx" not in s.source for s in result.summaries)


@pytest.mark.parametrize("where", ["unzipped", "zipped"])
def test_the_outdoor_run_has_its_route_and_heart_rate(where: str, request: pytest.FixtureRequest):
    """The first run takes the route GPX and only the heart rate within its four minutes."""
    result = scan(request.getfixturevalue(where))
    outdoor = next(s for s in result.summaries if s.start.day == 6)
    assert outdoor.has_gps
    assert outdoor.start == datetime(2024, 5, 6, 7, 0, tzinfo=UTC)
    assert outdoor.duration_s == pytest.approx(240)
    assert outdoor.distance_m == pytest.approx(1000)
    assert outdoor.sub_sport is None
    assert 150 <= outdoor.hr_p99 <= 160  # 200 before and 190 after the workout are left out
    assert outdoor.device == "Apple Watch de Léa"


def test_an_indoor_run_is_a_treadmill_run(unzipped: Path) -> None:
    """HKIndoorWorkout = 1 on a run gives the treadmill sub-sport, from totalDistance."""
    indoor = next(s for s in scan(unzipped).summaries if s.start.day == 7)
    assert indoor.sub_sport == "treadmill"
    assert indoor.distance_m == pytest.approx(5000)
    assert indoor.duration_s == pytest.approx(1800)
    assert not indoor.has_gps


def test_a_missing_route_file_is_a_warning(tmp_path: Path) -> None:
    """A route the export names but does not hold: the workout is read without it."""
    (tmp_path / "export.xml").write_text(export_xml(), encoding="utf-8")
    result = scan(tmp_path)
    assert len(result.summaries) == 5
    assert any("route_1.gpx is not in the export" in w.message for w in result.warnings)


def test_the_ios8_variant(tmp_path: Path) -> None:
    """iOS 8's compact dates and ``source`` attribute, without a DTD."""
    (tmp_path / "export.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">'
        '<Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" '
        'durationUnit="min" totalDistance="2.5" totalDistanceUnit="km" source="iPhone" '
        'startDate="20140114084347-0800" endDate="20140114091347-0800"/></HealthData>',
        encoding="utf-8",
    )
    (walk,) = read_activities(tmp_path / "export.xml")
    assert walk.sport == "walking"
    assert walk.start == datetime(2014, 1, 14, 16, 43, 47, tzinfo=UTC)
    assert walk.device == "iPhone"
    assert walk.distance_m == pytest.approx(2500)


def test_read_activities_on_the_zip(zipped: Path) -> None:
    """read_activities() on export.zip: every workout, the route from inside the zip."""
    activities = read_activities(zipped)
    assert len(activities) == 5
    assert sum(a.has_gps for a in activities) == 1


def test_read_activities_on_bytes(unzipped: Path) -> None:
    """The bytes of an export.xml give its workouts (routes need the folder)."""
    data = (unzipped / "apple_health_export" / "export.xml").read_bytes()
    activities = read_activities(data)
    assert len(activities) == 5
    assert {a.format for a in activities} == {"apple-health"}


def test_a_large_export_is_streamed_not_refused(
    unzipped: Path, zipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export.xml past the largest activity file is still read, from a folder or a zip."""
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    assert len(scan(unzipped).summaries) == 5
    assert len(scan(zipped).summaries) == 5
    (unzipped / "elsewhere").mkdir()
    (unzipped / "elsewhere" / "run.gpx").write_text(ROUTE_GPX, encoding="utf-8")
    (other,) = scan(unzipped / "elsewhere").skipped
    assert "too large" in other.reason  # only the export's own format is streamed


def test_an_export_without_workouts(tmp_path: Path) -> None:
    """Only health records: skipped, saying there is no workout in it."""
    (tmp_path / "export.xml").write_text(
        '<HealthData locale="en_US"><Record type="HKQuantityTypeIdentifierBodyMass" '
        'sourceName="Health" unit="kg" startDate="2019-01-01 08:00:00 +0000" '
        'endDate="2019-01-01 08:00:00 +0000" value="70"/></HealthData>',
        encoding="utf-8",
    )
    (skipped,) = scan(tmp_path).skipped
    assert "without workouts" in skipped.reason


# Broken and hostile files: what the invalid/ folders of the other readers check.


@pytest.mark.parametrize(
    ("dtd", "words"),
    [
        (
            '<!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa"><!ELEMENT HealthData ANY>]>',
            "declares entities",
        ),
        ('<!DOCTYPE HealthData SYSTEM "file:///etc/passwd">', "not Apple Health's"),
        ("<!DOCTYPE HealthData [<!ELEMENT HealthData ANY>", "never ends"),
        ('<!DOCTYPE HealthData [<!ENTITY % p SYSTEM "http://x/y.dtd"> %p;]>', "declares"),
    ],
)
def test_a_dtd_other_than_apples_is_refused(dtd: str, words: str) -> None:
    """Entities, external DTDs and unfinished DTDs: refused before any parser sees them."""
    with pytest.raises(CorruptFileError, match=words):
        read_apple_health(export_xml(dtd=dtd).encode(), "export.xml")


def test_an_entity_reference_without_a_declaration_is_broken_xml() -> None:
    """``&a;`` with Apple's DTD stripped: the parser never expands it, the file is broken."""
    text = export_xml().replace('sourceName="Apple Watch de Léa"', 'sourceName="&a;"')
    with pytest.raises(CorruptFileError, match="XML is broken"):
        read_apple_health(text.encode(), "export.xml")


def test_a_truncated_export() -> None:
    """An export cut short (an interrupted download) is broken, not partly counted."""
    data = export_xml().encode()
    with pytest.raises(CorruptFileError, match="cut short"):
        read_apple_health(data[: len(data) // 2], "export.xml")


def test_a_wrong_encoding() -> None:
    """Latin-1 bytes in a file declared UTF-8: broken XML, with its place."""
    data = export_xml().replace("é", "\udce9").encode("utf-8", errors="surrogateescape")
    with pytest.raises(CorruptFileError, match="line"):
        read_apple_health(data, "export.xml")


def test_another_root_with_apples_doctype() -> None:
    """A DOCTYPE saying HealthData over another root element is not an export."""
    text = f'{APPLE_DTD}<gpx version="1.1"></gpx>'
    with pytest.raises(CorruptFileError, match="root element is <gpx>"):
        read_apple_health(text.encode(), "export.xml")


def test_no_workouts_is_not_an_activity() -> None:
    """The reader's own error for an export of health records only."""
    with pytest.raises(NotAnActivityError):
        read_apple_health(b'<HealthData locale="en_US"></HealthData>', "export.xml")


def test_odd_values_are_passed_over(tmp_path: Path) -> None:
    """Bad dates, units and numbers: the workout keeps what is usable, the rest is dropped."""
    (tmp_path / "export.xml").write_text(
        '<HealthData locale="en_US">'
        + _hr("yesterday", 120)
        + _hr("2024-05-06 09:01:00 +0200", 0)
        + '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" totalDistance="x" '
        'totalDistanceUnit="leagues" duration="-3" startDate="2024-05-06 09:00:00 +0200" '
        'endDate="2024-05-06 09:30:00 +0200"><WorkoutStatistics '
        'type="HKQuantityTypeIdentifierActiveEnergyBurned" sum="400" unit="kJ"/>'
        '<WorkoutRoute><Location date="bad" latitude="1" longitude="2"/></WorkoutRoute>'
        "</Workout>"
        '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" startDate="never" '
        'endDate="2024-05-06 09:30:00 +0200"/></HealthData>',
        encoding="utf-8",
    )
    (run,) = read_activities(tmp_path / "export.xml")
    assert run.timer_s == pytest.approx(1800)
    assert run.distance_m is None
    assert not run.has_gps


def test_a_route_file_that_cannot_be_read(unzipped: Path) -> None:
    """A broken route GPX: the workout is read without its route, with a warning."""
    route = unzipped / "apple_health_export" / "workout-routes" / "route_1.gpx"
    route.write_text("<gpx><trk>", encoding="utf-8")
    result = scan(unzipped)
    assert len(result.summaries) == 5
    assert any("route_1.gpx cannot be read" in w.message for w in result.warnings)


@pytest.mark.skipif(os.environ.get("LOADWATCH_CORPUS") is None, reason="needs the corpus")
def test_the_real_exports(corpus: Path) -> None:
    """The corpus exports: every workout export.xml lists, with routes where they have one."""
    apple = corpus.parent / "corpus-exports" / "apple_health"
    if not apple.is_dir():
        pytest.skip("the shared exports are not beside the corpus")
    paul = scan(apple / "paulstaab__health-data-parser")
    kept = {s.source: s for s in paul.summaries}
    assert len(kept) == 8  # export.zip holds the same eight: duplicates
    assert len(paul.duplicates) == 8
    assert sum(s.has_gps for s in kept.values()) == 4
    assert sorted(round(s.distance_m) for s in kept.values()) == [
        2000, 5000, 5000, 6000, 10000, 20000, 21098, 42195,
    ]  # fmt: skip
    inline = scan(apple / "dogsheep__healthkit-to-sqlite" / "inline-locations")
    (run,) = inline.summaries
    assert run.has_gps and run.sport == "running"
    assert run.distance_m == pytest.approx(800.1, abs=0.1)  # 0.497 mi
    (other,) = scan(apple / "tdda__applehealthdata").summaries  # behind a full Apple DTD
    assert other.sport == "other"
    assert other.duration_s == pytest.approx(31.7368 * 60)
    dtd = (apple / "AlekSi__applehealth" / "healthkit11.dtd").read_text(encoding="utf-8")
    with_v11 = export_xml(dtd=f"<!DOCTYPE HealthData [\n{dtd}\n]>\n")  # Apple's DTD of iOS 12-13
    assert len(read_apple_health(with_v11.encode(), "export.xml")) == 5
    zipped = scan(apple / "dogsheep__healthkit-to-sqlite" / "zip_contents")
    assert any("do not fall within the workout" in w.message for w in zipped.warnings)


def test_the_opener_never_leaves_its_export(tmp_path: Path, zipped: Path) -> None:
    """A route path climbing out of the export, or missing from the zip, gives nothing."""
    (tmp_path / "secret.gpx").write_text(ROUTE_GPX, encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "export.xml").write_text(export_xml(), encoding="utf-8")
    opener = exports.on_disk(inner / "export.xml")
    assert opener.nearby("../secret.gpx") is None
    assert opener.nearby("nothing.gpx") is None
    with zipfile.ZipFile(zipped) as archive:
        info = archive.getinfo("apple_health_export/export.xml")
        opened = exports.in_zip(archive, info, ArchiveBudget(2**30))
        assert opened.nearby("workout-routes/none.gpx") is None
        assert opened.nearby("workout-routes/route_1.gpx") == (ROUTE_GPX.encode())


def test_a_streamed_read_of_an_unknown_format() -> None:
    """read_streamed() names a format that is not streamed as unknown."""
    opener = exports.Opener(lambda: io.BytesIO(b""), lambda path: None)
    with pytest.raises(UnsupportedFileError, match="unknown streamed format"):
        list(read_streamed(opener, "gpx", "x.gpx"))
