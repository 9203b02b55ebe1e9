"""Small builders for tests: activities, timelines and GPX files with known values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loadwatch.ingest.activity import Activity, make_samples
from loadwatch.metrics.timeline import TIMELINE_COLUMNS
from loadwatch.settings.config import SURFACES

UTC = UTC
#: Metres per degree of latitude (spherical Earth of radius 6,371,008.8 m).
M_PER_DEG = 6_371_008.8 * math.pi / 180


def activity(
    start: str = "2026-06-01T07:00:00Z",
    *,
    minutes: float = 30,
    speed: float = 3.0,
    hr: float | None = 150,
    sport: str = "running",
    sub_sport: str | None = None,
    fmt: str = "fit",
    source: str = "run.fit",
    gps: bool = True,
    step_s: float = 1.0,
    name: str | None = None,
    activity_type: str | None = None,
    timer_s: float | None = None,
    distance_m: float | None = None,
    warnings: tuple[str, ...] = (),
) -> Activity:
    """An activity at constant speed and heart rate, northwards along a meridian."""
    begin = pd.Timestamp(start)
    count = int(minutes * 60 / step_s) + 1
    offsets = np.arange(count) * step_s
    distance = offsets * speed
    columns: dict[str, object] = {
        "time": begin + pd.to_timedelta(offsets, unit="s"),
        "distance_m": distance,
        "speed_mps": np.full(count, speed),
        "hr_bpm": None if hr is None else np.full(count, float(hr)),
    }
    if gps:
        columns["lat"] = 47.0 + distance / M_PER_DEG
        columns["lon"] = np.full(count, 8.0)
    return Activity(
        sport=sport,
        sub_sport=sub_sport,
        start=begin.to_pydatetime(),
        source=source,
        samples=make_samples(columns),
        format=fmt,
        name=name,
        activity_type=activity_type,
        timer_s=timer_s,
        distance_m=distance_m,
        warnings=warnings,
    )


def timeline_frame(rows: list[dict[str, Any]], tz: str = "Europe/Berlin") -> pd.DataFrame:
    """A timeline from short rows: ``start`` (local time text) and ``distance_km`` at least."""
    records = []
    for n, row in enumerate(rows):
        record: dict[str, Any] = {
            "sport": "running",
            "sub_sport": None,
            "surface": "road",
            "duration_s": 1800.0,
            "moving_s": 1800.0,
            "elev_gain_m": 0.0,
            "avg_hr": 150.0,
            "intensity": 0.8,
            "hard_minutes": 0.0,
            "mean_speed_mps": 3.0,
            "name": None,
            "device": None,
            "format": "fit",
            "source": f"run{n}.fit",
        }
        record.update(row)
        if record["sport"] == "running":  # the whole run on its one surface, unless given
            for surface in SURFACES:
                on_it = record["distance_km"] if surface == record["surface"] else 0.0
                record.setdefault(f"surface_km_{surface}", on_it)
            record.setdefault("surface_source", "metadata")
        records.append(record)
    frame = pd.DataFrame(records, columns=list(TIMELINE_COLUMNS))
    # A wall-clock time the DST change skips is moved on past the gap, and one it repeats is
    # read as standard time, as a watch that records local time would have meant it.
    frame["start"] = pd.to_datetime(frame["start"]).dt.tz_localize(
        tz, ambiguous=np.zeros(len(frame), dtype=bool), nonexistent="shift_forward"
    )
    return frame


def gpx(
    start: datetime,
    *,
    minutes: int = 30,
    speed: float = 3.0,
    hr: int | None = 150,
    type_: str | None = "running",
    name: str | None = None,
    step_s: int = 5,
) -> str:
    """A GPX 1.1 track at constant speed (northwards), with Garmin heart-rate extensions."""
    points = []
    for k in range(0, minutes * 60 + 1, step_s):
        when = (start + timedelta(seconds=k)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat = 47.0 + k * speed / M_PER_DEG
        ext = (
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions>"
            if hr is not None
            else ""
        )
        points.append(
            f'<trkpt lat="{lat:.7f}" lon="8.0"><ele>400</ele><time>{when}</time>{ext}</trkpt>'
        )
    head = f"<name>{name}</name>" if name else ""
    kind = f"<type>{type_}</type>" if type_ else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="loadwatch tests" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk>{head}{kind}<trkseg>{''.join(points)}</trkseg></trk></gpx>\n"
    )


#: Monday 1 June 2026, 07:00 UTC: the day :func:`runs_folder` counts its runs from.
RUNS_MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
#: The minutes of every run :func:`runs_folder` writes.
RUN_MINUTES = 50


def runs_folder(tmp_path: Path, runs: list[tuple[int, float]]) -> Path:
    """A folder of GPX runs, each ``(day after Monday 1 June 2026, km)``, all 50 min at 150 bpm."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for n, (day, km) in enumerate(runs):
        start = RUNS_MONDAY + timedelta(days=day)
        speed = km * 1000.0 / (RUN_MINUTES * 60)
        text = gpx(start, minutes=RUN_MINUTES, speed=speed, step_s=10)
        (folder / f"{n:02d}.gpx").write_text(text)
    (folder / "loadwatch.toml").write_text('timezone = "UTC"\n')
    return folder
