"""Apple Health exports of several GB: peak memory and time of reading one, unzipped and zipped.

Usage::

    python benchmarks/apple_export.py [--gb 2] [--zip] [--keep FOLDER]

Generates ``apple_health_export/export.xml`` the way the Health app writes it (Apple's
internal DTD first, then years of records: heart rate every few minutes all day and every
5 s during workouts, step counts, walking distances, a workout every other day with its
statistics and metadata, and a route GPX file for one workout in three) until it weighs
``--gb`` GB, optionally as ``export.zip`` too, then runs a cold ``loadwatch analyze`` over it
(no cache, one job) and prints its wall time and peak memory (RSS of the process tree, with
:mod:`cold_import`'s measurement). The issue asks for a flat peak at or below 300 MB on 2 GB.

Measured on 2026-12-07 (2 shared cores under heavy load, so wall times are long; CPU times
are the figure to compare), ``python benchmarks/apple_export.py --gb 2 --zip``: a 2.00 GB
export.xml, 3,373 workouts (a third with a route GPX), about 4 million heart-rate readings:

- unzipped folder: 158 s CPU, peak RSS 257 MB; 145 s CPU and 231 MB once readings already in
  time order were no longer sorted again (``--keep`` to reuse the export);
- export.zip (deflated): 154 s CPU, peak RSS 240 MB (before that change).

A 0.05 GB export peaks at 97 MB, so nearly all of the rest is the heart-rate arrays (16 bytes
a reading) and their sorted copies, growing with the readings, not with the file. Most of the
time goes to the route GPX files (gpxpy) and to ElementTree's pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_import import measure

_ZONE = timezone(timedelta(hours=1))
_FIRST_DAY = datetime(2015, 1, 1, tzinfo=_ZONE)
_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
]>
"""
_DEVICE = (
    "&lt;&lt;HKDevice: 0x283c8a1c0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,2, software:9.1&gt;"
)


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def _record(kind: str, unit: str, value: float, moment: datetime) -> str:
    stamp = _date(moment)
    return (
        f' <Record type="HKQuantityTypeIdentifier{kind}" sourceName="Apple Watch de Léa" '
        f'sourceVersion="9.1" device="{_DEVICE}" unit="{unit}" creationDate="{stamp}" '
        f'startDate="{stamp}" endDate="{stamp}" value="{value:g}">\n'
        '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
        " </Record>\n"
    )


def _workout(start: datetime, number: int) -> str:
    end = start + timedelta(minutes=50)
    route = (
        f'  <WorkoutRoute sourceName="Apple Watch de Léa" startDate="{_date(start)}" '
        f'endDate="{_date(end)}">\n'
        f'   <FileReference path="/workout-routes/route_{number}.gpx"/>\n  </WorkoutRoute>\n'
        if number % 3 == 0
        else ""
    )
    return (
        ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="50" '
        f'durationUnit="min" sourceName="Apple Watch de Léa" startDate="{_date(start)}" '
        f'endDate="{_date(end)}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        '  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" '
        f'startDate="{_date(start)}" endDate="{_date(end)}" sum="10.2" unit="km"/>\n'
        '  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
        f'startDate="{_date(start)}" endDate="{_date(end)}" sum="640" unit="kcal"/>\n'
        f"{route} </Workout>\n"
    )


def _day(day: int) -> Iterator[str]:
    """One day of records: heart rate every 5 min, steps and distance hourly, a workout
    every other day with heart rate every 5 s during it."""
    midnight = _FIRST_DAY + timedelta(days=day)
    for minute in range(0, 24 * 60, 5):
        yield _record(
            "HeartRate", "count/min", 60 + minute % 40, midnight + timedelta(minutes=minute)
        )
    for hour in range(24):
        moment = midnight + timedelta(hours=hour)
        yield _record("StepCount", "count", 400 + hour, moment)
        yield _record("DistanceWalkingRunning", "km", 0.3, moment)
    if day % 2 == 0:
        start = midnight + timedelta(hours=7)
        yield _workout(start, day)
        for second in range(0, 50 * 60, 5):
            bpm = 130 + second % 30
            yield _record("HeartRate", "count/min", bpm, start + timedelta(seconds=second))


def _route(handle: TextIO, start: datetime) -> None:
    handle.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health '
        'Export" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n'
    )
    for second in range(50 * 60):
        moment = (start + timedelta(seconds=second)).astimezone(UTC)
        handle.write(
            f'<trkpt lat="{48.8 + second * 3e-5:.6f}" lon="2.3"><ele>30</ele>'
            f"<time>{moment:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>\n"
        )
    handle.write("</trkseg></trk></gpx>\n")


def generate(folder: Path, gigabytes: float) -> tuple[int, int]:
    """Write ``folder/apple_health_export``; its export.xml's size and workout count."""
    export = folder / "apple_health_export"
    (export / "workout-routes").mkdir(parents=True, exist_ok=True)
    target = int(gigabytes * 1e9)
    workouts = 0
    with (export / "export.xml").open("w", encoding="utf-8") as handle:
        handle.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{_DTD}<HealthData locale="fr_FR">\n')
        handle.write(f' <ExportDate value="{_date(_FIRST_DAY)}"/>\n')
        day = 0
        while handle.tell() < target:
            for text in _day(day):
                handle.write(text)
            if day % 2 == 0:
                workouts += 1
                if day % 3 == 0:
                    start = _FIRST_DAY + timedelta(days=day, hours=7)
                    with (export / "workout-routes" / f"route_{day}.gpx").open("w") as route:
                        _route(route, start)
            day += 1
        handle.write("</HealthData>\n")
    return (export / "export.xml").stat().st_size, workouts


def zip_export(folder: Path) -> Path:
    """``folder/zipped/export.zip`` of the unzipped export, as the Health app writes it."""
    target = folder / "zipped" / "export.zip"
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted((folder / "apple_health_export").rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


def main() -> None:
    """Generate the export, read it cold, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gb", type=float, default=2.0, help="size of export.xml to generate")
    parser.add_argument("--zip", action="store_true", help="also read it as export.zip")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="loadwatch-apple-"))
    folder = options.keep or scratch / "export"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        xml = folder / "apple_health_export" / "export.xml"
        if not xml.exists():
            size, workouts = generate(folder, options.gb)
            print(f"export.xml: {size / 1e9:.2f} GB, {workouts:,} workouts, in {folder}")
        targets = [folder / "apple_health_export"]
        if options.zip:
            archive = folder / "zipped" / "export.zip"
            targets.append(archive if archive.exists() else zip_export(folder))
        env = {**os.environ, "MPLBACKEND": "Agg"}
        for target in targets:
            args = [sys.executable, "-m", "loadwatch", "analyze", str(target), "--no-cache"]
            args += ["--jobs", "1", "--timezone", "UTC", "--format", "json"]
            figures = measure(args, env)
            print(
                f"{target.name}: {figures['wall_s']:.0f} s wall, {figures['cpu_s']:.0f} s CPU, "
                f"peak RSS {figures['rss_mb']:.0f} MB (max RSS {figures['maxrss_mb']:.0f} MB)"
            )
    finally:
        if options.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
