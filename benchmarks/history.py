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
