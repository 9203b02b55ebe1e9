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


@dataclasses.dataclass(frozen=True)
class _Simulated:
    """One planned activity, simulated, with what its files are written from and named.

    Attributes:
        planned: The plan's entry.
        start: Start time, UTC.
        local: Start time in the runner's time zone.
        offset_s: The time zone's offset from UTC then.
        samples: The 1 Hz samples.
        smart: What a watch on smart recording keeps of them.
        laps: Manual lap starts (elapsed seconds), or ``None`` for auto-lap.
        minutes: Minutes since the plan's first Monday, for the export's file names.
    """

    planned: Planned
    start: datetime
    local: datetime
    offset_s: int
    samples: Samples
    smart: Samples
    laps: list[float] | None
    minutes: int

    def fit(self, samples: Samples) -> bytes:
        """The FIT file the watch records from ``samples``."""
        return _fit(self.planned, self.start, self.offset_s, samples, self.laps)

    def gpx(self, samples: Samples, creator: str) -> bytes:
        """The GPX file Strava exports from ``samples``, ``creator`` as the app that made it."""
        return _gpx(self.planned, self.start, self.local, samples, creator)


def _local_start(planned: Planned, rng: np.random.Generator, zone: ZoneInfo) -> datetime:
    """The planned day and clock time in ``zone``, up to nine minutes late."""
    day = FIRST_MONDAY + timedelta(days=7 * (planned.week - 1) + planned.day)
    hour, minute = (int(part) for part in planned.clock.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return local + timedelta(seconds=int(rng.integers(0, 9 * 60)))


def _simulate_planned(
    planned: Planned, rng: np.random.Generator, places: dict[str, Route], zone: ZoneInfo
) -> _Simulated:
    """Draw the start time, simulate the samples and thin them for smart recording."""
    local = _local_start(planned, rng, zone)
    start = local.astimezone(UTC)
    samples, pieces = _simulate(planned, rng, places)
    smart = samples.thin(rng, 1, 7)  # what a watch on smart recording keeps
    epoch = datetime.combine(FIRST_MONDAY, time(), tzinfo=UTC)
    return _Simulated(
        planned=planned,
        start=start,
        local=local,
        offset_s=int((local.utcoffset() or timedelta()).total_seconds()),
        samples=samples,
        smart=smart,
        laps=_lap_starts(planned, samples, pieces),
        minutes=int((start - epoch).total_seconds() // 60),
    )


def _export(simulated: _Simulated, output: str, rng: np.random.Generator) -> tuple[str, bytes]:
    """One of the plan's outputs: its path under the output folder and its bytes.

    Raises:
        ValueError: An output the generator does not know.
    """
    local, samples, smart = simulated.local, simulated.samples, simulated.smart
    strava = f"strava-export/activities/{15_100_000_000 + simulated.minutes * 2_917}"
    garmin = f"garmin/{local:%Y-%m}/{local:%Y-%m-%d-%H-%M-%S}.fit"
    if output == "fit":
        return garmin, simulated.fit(samples)
    if output == "fit_smart":
        return garmin, simulated.fit(smart)
    if output == "broken":
        return garmin, simulated.fit(samples)[:BROKEN_FILE_BYTES]
    if output == "strava_fit_gz":
        return f"{strava}.fit.gz", _gzip(simulated.fit(smart))
    if output == "strava_gpx":
        return f"{strava}.gpx", simulated.gpx(samples.thin(rng, 2, 4), "StravaGPX")
    if output == "strava_gpx_gz" and "+" in simulated.planned.output:
        # The same run as the FIT file, as Strava exports it: the first seconds trimmed.
        twin = smart.take(np.flatnonzero(smart.elapsed_s >= 3.0))
        return f"{strava}.gpx.gz", _gzip(simulated.gpx(twin, "StravaGPX"))
    if output == "strava_gpx_gz":
        return f"{strava}.gpx.gz", _gzip(simulated.gpx(samples.thin(rng, 2, 4), "StravaGPX"))
    if output == "phone_gpx_gz":
        gpx = simulated.gpx(samples.thin(rng, 1, 3), "StravaGPX iPhone")
        return f"{strava}.gpx.gz", _gzip(gpx)
    if output == "tcx":
        tcx = f"garmin-connect/activity_{19_200_000_000 + simulated.minutes * 1_303}.tcx"
        return tcx, _tcx(simulated.start, samples.thin(rng, 2, 5))
    raise ValueError(f"unknown output {output!r}")


def produce(out_dir: Path, seed: int) -> list[Produced]:
    """Simulate every planned activity and write its file(s) under ``out_dir``."""
    zone = ZoneInfo(TIME_ZONE)
    places = routes()
    produced = []
    for index, planned in enumerate(PLAN):
        rng = np.random.default_rng([seed, index])
        simulated = _simulate_planned(planned, rng, places, zone)
        files = dict(_export(simulated, output, rng) for output in planned.output.split("+"))
        for name, data in files.items():
            write_atomically(out_dir / name, data)
        produced.append(
            Produced(
                planned=planned,
                start=simulated.start,
                local_start=simulated.local,
                samples=simulated.samples,
                paths=tuple(files),
                counted=is_run(planned) and planned.output != "broken",
            )
        )
    return produced
