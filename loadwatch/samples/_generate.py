"""Build the sample folder: simulate each planned activity and write it the way it was exported."""

from __future__ import annotations

import dataclasses
import gzip
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from loadwatch.atomic import write_atomically
from loadwatch.samples._plan import (
    FIRST_MONDAY,
    PLAN,
    TIME_ZONE,
    Planned,
    is_run,
    routes,
    segments,
    surface,
)
from loadwatch.samples._simulate import RIDER, RUNNER, Route, Samples, simulate, strength_session
from loadwatch.samples.fitwrite import write_activity_fit
from loadwatch.samples.xmlwrite import write_gpx, write_tcx

#: The watch: a Garmin fenix 5 (FIT files, and the TCX exports' Creator).
SERIAL_NUMBER = 3_987_654_321
#: How many bytes of the broken file survived: header, file_id, device_info, the timer start
#: event and half of the first record definition (the watch froze right after starting).
BROKEN_FILE_BYTES = 135

_FIT_SUB_SPORT = {
    "road": "street",
    "trail": "trail",
    "track": "track",
    "treadmill": "treadmill",
    "unknown": "generic",
}
_GPX_TYPE = {"trail": "trail_running", "track": "track_running"}


@dataclasses.dataclass(frozen=True)
class Produced:
    """One planned activity as simulated and written.

    Attributes:
        planned: The plan's entry.
        start: Start time, UTC.
        local_start: Start time in the runner's time zone.
        samples: The simulated 1 Hz samples (before any smart-recording thinning).
        paths: Files written for it, relative to the output folder, forward slashes.
        counted: Whether it should count in the weekly running numbers (a readable run).
    """

    planned: Planned
    start: datetime
    local_start: datetime
    samples: Samples
    paths: tuple[str, ...]
    counted: bool


def _gzip(data: bytes) -> bytes:
    """Gzip without a timestamp or name in the header, so the bytes never change."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _lap_starts(
    planned: Planned, samples: Samples, pieces: list[tuple[float, float]]
) -> list[float] | None:
    """Manual laps at every change of pace for structured workouts; auto-lap otherwise."""
    if planned.kind not in ("intervals", "track", "tempo", "progression"):
        return None
    marks = np.cumsum([d for d, _ in pieces])[:-1]
    index = np.searchsorted(samples.distance_m, marks)
    return [float(samples.elapsed_s[i]) for i in index if i < samples.elapsed_s.size]


def _simulate(
    planned: Planned, rng: np.random.Generator, places: dict[str, Route]
) -> tuple[Samples, list[tuple[float, float]]]:
    if planned.kind == "strength":
        return strength_session(rng), []
    pieces = segments(planned.kind, planned.km, rng)
    route = places.get(planned.route)
    stops: list[tuple[float, float]] = []
    if planned.route == "spree":  # traffic lights on the way to the river
        for _ in range(int(rng.integers(1, 3))):
            stops.append(
                (float(rng.uniform(400, planned.km * 1000 - 400)), float(rng.integers(15, 45)))
            )
    hr_offset = float(rng.normal(0.0, 1.2))
    if planned.week == 10:  # the August heat wave
        hr_offset += 3.0
    samples = simulate(
        pieces,
        route,
        rng,
        body=RIDER if planned.kind == "ride" else RUNNER,
        hr_offset=hr_offset,
        stops=stops,
        treadmill=planned.kind == "treadmill",
    )
    return samples, pieces


def _fit(
    planned: Planned, start: datetime, offset: int, samples: Samples, laps: list[float] | None
) -> bytes:
    if planned.kind == "ride":
        sport, sub_sport = "cycling", "road"
    elif planned.kind == "strength":
        sport, sub_sport = "training", "strength_training"
    else:
        sport, sub_sport = "running", _FIT_SUB_SPORT[surface(planned)]
    return write_activity_fit(
        start=start,
        elapsed_s=samples.elapsed_s,
        distance_m=samples.distance_m,
        speed_mps=samples.speed_mps,
        hr_bpm=samples.hr_bpm,
        cadence_spm=samples.cadence_spm,
        lat=samples.lat,
        lon=samples.lon,
        altitude_m=samples.altitude_m,
        sport=sport,
        sub_sport=sub_sport,
        pauses=samples.pauses,
        lap_starts_s=laps,
        product="fenix5",
        serial_number=SERIAL_NUMBER,
        utc_offset_s=offset,
    )


def _gpx(
    planned: Planned, start: datetime, local: datetime, samples: Samples, creator: str
) -> bytes:
    if samples.lat is None or samples.lon is None:
        raise ValueError(f"{planned} has no positions for a GPX file")
    names = {"trail": "Teufelsberg trails", "track": "Track session: 8 x 400 m"}
    part = "Morning" if local.hour < 12 else "Afternoon" if local.hour < 17 else "Evening"
    return write_gpx(
        start=start,
        elapsed_s=samples.elapsed_s,
        lat=samples.lat,
        lon=samples.lon,
        altitude_m=samples.altitude_m,
        hr_bpm=samples.hr_bpm,
        cadence_spm=samples.cadence_spm,
        name=names.get(surface(planned), f"{part} Run"),
        activity_type=_GPX_TYPE.get(surface(planned), "running"),
        creator=creator,
    )


def _tcx(start: datetime, samples: Samples) -> bytes:
    return write_tcx(
        start=start,
        elapsed_s=samples.elapsed_s,
        distance_m=samples.distance_m,
        speed_mps=samples.speed_mps,
        hr_bpm=samples.hr_bpm,
        cadence_spm=samples.cadence_spm,
        lat=samples.lat,
        lon=samples.lon,
        altitude_m=samples.altitude_m,
        creator_name="fenix 5",
        creator_unit_id=SERIAL_NUMBER,
        creator_product_id=2697,
    )


def produce(out_dir: Path, seed: int) -> list[Produced]:
    """Simulate every planned activity and write its file(s) under ``out_dir``."""
    zone = ZoneInfo(TIME_ZONE)
    places = routes()
    epoch = datetime.combine(FIRST_MONDAY, time(), tzinfo=UTC)
    produced = []
    for index, planned in enumerate(PLAN):
        rng = np.random.default_rng([seed, index])
        day = FIRST_MONDAY + timedelta(days=7 * (planned.week - 1) + planned.day)
        hour, minute = (int(part) for part in planned.clock.split(":"))
        local = datetime.combine(day, time(hour, minute), tzinfo=zone)
        local += timedelta(seconds=int(rng.integers(0, 9 * 60)))
        start = local.astimezone(UTC)
        offset = int((local.utcoffset() or timedelta()).total_seconds())
        samples, pieces = _simulate(planned, rng, places)
        smart = samples.thin(rng, 1, 7)  # what a watch on smart recording keeps
        minutes = int((start - epoch).total_seconds() // 60)
        strava = f"strava-export/activities/{15_100_000_000 + minutes * 2_917}"
        garmin = f"garmin/{local:%Y-%m}/{local:%Y-%m-%d-%H-%M-%S}.fit"
        laps = _lap_starts(planned, samples, pieces)
        files: dict[str, bytes] = {}
        for output in planned.output.split("+"):
            if output == "fit":
                files[garmin] = _fit(planned, start, offset, samples, laps)
            elif output == "fit_smart":
                files[garmin] = _fit(planned, start, offset, smart, laps)
            elif output == "broken":
                files[garmin] = _fit(planned, start, offset, samples, laps)[:BROKEN_FILE_BYTES]
            elif output == "strava_fit_gz":
                files[f"{strava}.fit.gz"] = _gzip(_fit(planned, start, offset, smart, laps))
            elif output == "strava_gpx":
                gpx = _gpx(planned, start, local, samples.thin(rng, 2, 4), "StravaGPX")
                files[f"{strava}.gpx"] = gpx
            elif output == "strava_gpx_gz" and "+" in planned.output:
                # The same run as the FIT file, as Strava exports it: the first seconds trimmed.
                twin = smart.take(np.flatnonzero(smart.elapsed_s >= 3.0))
                files[f"{strava}.gpx.gz"] = _gzip(_gpx(planned, start, local, twin, "StravaGPX"))
            elif output == "strava_gpx_gz":
                gpx = _gpx(planned, start, local, samples.thin(rng, 2, 4), "StravaGPX")
                files[f"{strava}.gpx.gz"] = _gzip(gpx)
            elif output == "phone_gpx_gz":
                gpx = _gpx(planned, start, local, samples.thin(rng, 1, 3), "StravaGPX iPhone")
                files[f"{strava}.gpx.gz"] = _gzip(gpx)
            elif output == "tcx":
                tcx = f"garmin-connect/activity_{19_200_000_000 + minutes * 1_303}.tcx"
                files[tcx] = _tcx(start, samples.thin(rng, 2, 5))
            else:
                raise ValueError(f"unknown output {output!r}")
        for name, data in files.items():
            write_atomically(out_dir / name, data)
        produced.append(
            Produced(
                planned=planned,
                start=start,
                local_start=local,
                samples=samples,
                paths=tuple(files),
                counted=is_run(planned) and planned.output != "broken",
            )
        )
    return produced
