"""A synthetic training history of one-hour FIT runs, for the benchmarks.

``make_history(folder, runs)`` writes ``runs`` one-hour runs at 1 Hz (3,601 records each), one a
day, with plausible speed, heart rate, cadence, altitude and a GPS track, using loadwatch's own
FIT writer. The same arguments always give the same files.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from loadwatch.samples.fitwrite import write_activity_fit
from loadwatch.samples.xmlwrite import write_gpx

FIRST_DAY = datetime(2021, 1, 4, 6, 30, tzinfo=UTC)
M_PER_DEG = 6_371_008.8 * math.pi / 180


def one_hour_run(index: int, seed: int = 1) -> bytes:
    """The FIT bytes of run number ``index``."""
    rng = np.random.default_rng(seed * 100_003 + index)
    elapsed = np.arange(3601, dtype=float)
    speed = np.clip(2.9 + 0.25 * np.sin(elapsed / 300) + rng.normal(0, 0.08, elapsed.size), 1, 6)
    distance = np.concatenate([[0.0], np.cumsum(speed[1:])])
    heading = elapsed / 600.0  # a slow loop
    lat = 52.5 + np.cumsum(speed * np.cos(heading)) / M_PER_DEG
    lon = 13.4 + np.cumsum(speed * np.sin(heading)) / (M_PER_DEG * math.cos(math.radians(52.5)))
    return write_activity_fit(
        start=FIRST_DAY + timedelta(days=index),
        elapsed_s=elapsed,
        distance_m=distance,
        speed_mps=speed,
        hr_bpm=np.round(140 + 10 * (speed - 2.9) + rng.normal(0, 2, elapsed.size)),
        cadence_spm=np.round(170 + 4 * (speed - 2.9)),
        lat=lat,
        lon=lon,
        altitude_m=40 + 8 * np.sin(elapsed / 450),
        sub_sport="street",
    )


def make_history(folder: Path, runs: int, seed: int = 1) -> list[Path]:
    """Write ``runs`` one-hour runs into ``folder/YYYY/MM/``; return their paths."""
    paths = []
    for index in range(runs):
        day = FIRST_DAY + timedelta(days=index)
        path = folder / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y-%m-%d-%H-%M}.fit"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(one_hour_run(index, seed))
        paths.append(path)
    return paths


def one_hour_gpx(index: int, seed: int = 1) -> bytes:
    """Run number ``index`` as a GPX track (as Strava exports a phone's run), 1 Hz."""
    rng = np.random.default_rng(seed * 100_003 + index)
    elapsed = np.arange(3601, dtype=float)
    speed = np.clip(2.9 + 0.25 * np.sin(elapsed / 300) + rng.normal(0, 0.08, elapsed.size), 1, 6)
    heading = elapsed / 600.0
    lat = 52.5 + np.cumsum(speed * np.cos(heading)) / M_PER_DEG
    lon = 13.4 + np.cumsum(speed * np.sin(heading)) / (M_PER_DEG * math.cos(math.radians(52.5)))
    return write_gpx(
        start=FIRST_DAY + timedelta(days=index),
        elapsed_s=elapsed,
        lat=lat,
        lon=lon,
        altitude_m=40 + 8 * np.sin(elapsed / 450),
        hr_bpm=np.round(140 + 10 * (speed - 2.9) + rng.normal(0, 2, elapsed.size)),
        cadence_spm=np.round(170 + 4 * (speed - 2.9)),
        name="Morning Run",
    )


#: Files that are not activities, in every year's folder of a history: what a synced folder
#: holds beside the runs, and what a warm run must not open again.
CLUTTER = {"README.txt": 2_000, "notes.csv": 20_000, "photo.jpg": 300_000}


def write_history(folder: Path, runs: int, gpx_every: int = 0, seed: int = 1) -> list[Path]:
    """Write ``runs`` one-hour runs into ``folder/YYYY/MM/`` as FIT, every ``gpx_every``-th
    as GPX instead (0: none; 1: all), with a few files that are not activities in each year's
    folder; return the runs' paths. Files already there are kept (a history is reused)."""
    paths = []
    for index in range(runs):
        day = FIRST_DAY + timedelta(days=index)
        gpx = gpx_every > 0 and index % gpx_every == 0
        path = (
            folder / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y-%m-%d-%H-%M}.{'gpx' if gpx else 'fit'}"
        )
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(one_hour_gpx(index, seed) if gpx else one_hour_run(index, seed))
        paths.append(path)
    rng = np.random.default_rng(seed)
    for year in sorted({p.parent.parent for p in paths}):
        for name, size in CLUTTER.items():
            if not (year / name).exists():
                (year / name).write_bytes(rng.integers(32, 127, size, dtype=np.uint8).tobytes())
    return paths
