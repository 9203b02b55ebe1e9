"""Simulated workouts: routes around Berlin and a runner's speed, heart rate and cadence.

A route is a closed loop (a smooth random shape, or a 400 m track oval) with an altitude
profile; a workout is a list of segments at target speeds. The simulation steps once a second:
speed follows the target with a few seconds' lag and slow wander, slows on climbs, heart rate
follows the effort with a lag of half a minute and drifts up over long runs, cadence rises
with speed. Positions follow the route with a little correlated GPS noise.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

_M_PER_DEG_LAT = 111_320.0


@dataclasses.dataclass(frozen=True)
class Route:
    """A closed loop: positions and altitude by distance along it (wrapping round)."""

    name: str
    lat0: float
    lon0: float
    s: Floats  # cumulative distance of the outline's points
    x: Floats  # metres east of (lat0, lon0)
    y: Floats  # metres north
    base_altitude: float
    hills: tuple[tuple[float, float, float], ...]  # (amplitude m, waves per loop, phase)
    gps_noise_m: float

    @property
    def length(self) -> float:
        return float(self.s[-1])

    def altitude(self, d: Floats) -> Floats:
        """Altitude at distances ``d`` along the route."""
        phase = 2 * np.pi * np.asarray(d) / self.length
        out = np.full(np.shape(d), self.base_altitude)
        for amplitude, waves, offset in self.hills:
            out = out + amplitude * np.sin(waves * phase + offset)
        return out

    def grade(self, d: float) -> float:
        """Slope (rise over run) at distance ``d``."""
        phase = 2 * math.pi * d / self.length
        return sum(
            a * w * 2 * math.pi / self.length * math.cos(w * phase + o) for a, w, o in self.hills
        )

    def position(self, d: Floats) -> tuple[Floats, Floats]:
        """Latitude and longitude (degrees) at distances ``d``, without GPS noise."""
        along = np.mod(d, self.length)
        x = np.interp(along, self.s, self.x)
        y = np.interp(along, self.s, self.y)
        lat = self.lat0 + y / _M_PER_DEG_LAT
        lon = self.lon0 + x / (_M_PER_DEG_LAT * math.cos(math.radians(self.lat0)))
        return lat, lon


def _outline(x: Floats, y: Floats) -> tuple[Floats, Floats, Floats]:
    closed_x, closed_y = np.append(x, x[0]), np.append(y, y[0])
    steps = np.hypot(np.diff(closed_x), np.diff(closed_y))
    return np.concatenate([[0.0], np.cumsum(steps)]), closed_x, closed_y


def loop_route(
    name: str,
    lat0: float,
    lon0: float,
    length_m: float,
    *,
    seed: int,
    base_altitude: float,
    hilliness: float,
    gps_noise_m: float = 1.5,
) -> Route:
    """A smooth, irregular loop of ``length_m`` starting and ending at (lat0, lon0)."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(0.0, 2 * np.pi, 2048, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 6):
        radius += rng.uniform(0.03, 0.12) / math.sqrt(k) * np.cos(k * theta + rng.uniform(0, 6.3))
    x, y = radius * np.cos(theta), radius * np.sin(theta)
    x, y = x - x[0], y - y[0]  # start at the origin
    s, x, y = _outline(x, y)
    scale = length_m / s[-1]
    hills = tuple(
        (hilliness * rng.uniform(0.5, 1.0) / k, float(k), float(rng.uniform(0, 6.3)))
        for k in (1, 2, 3, 5)
    )
    return Route(
        name, lat0, lon0, s * scale, x * scale, y * scale, base_altitude, hills, gps_noise_m
    )


def track_route(
    name: str, lat0: float, lon0: float, *, heading_deg: float, altitude: float
) -> Route:
    """A 400 m running track (lane 1): two 84.39 m straights and two bends, rotated."""
    straight, bend_radius = 84.39, (400.0 - 2 * 84.39) / (2 * math.pi)
    parts_x: list[Floats] = []
    parts_y: list[Floats] = []
    line = np.linspace(0.0, straight, 40, endpoint=False)
    arc = np.linspace(0.0, math.pi, 80, endpoint=False)
    parts_x += [line, straight + bend_radius * np.sin(arc)]
    parts_y += [np.zeros_like(line), bend_radius * (1 - np.cos(arc))]
    parts_x += [straight - line, -bend_radius * np.sin(arc)]
    parts_y += [np.full_like(line, 2 * bend_radius), bend_radius * (1 + np.cos(arc))]
    x, y = np.concatenate(parts_x), np.concatenate(parts_y)
    turn = math.radians(heading_deg)
    x, y = x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn)
    s, x, y = _outline(x, y)
    return Route(name, lat0, lon0, s * 400.0 / s[-1], x, y, altitude, (), 2.0)


@dataclasses.dataclass(frozen=True)
class Physiology:
    """How heart rate and cadence answer to speed, for one runner (or rider)."""

    easy_speed: float = 1000 / 345  # 5:45 /km
    easy_hr: float = 145.0
    hr_per_mps: float = 45.0
    hr_soft_cap: float = 175.0
    hr_max: float = 190.0
    hr_rest: float = 55.0
    climb_cost: float = 6.0  # a 1 % climb feels like 6 % more speed
    cadence_at_easy: float = 170.0
    cadence_per_mps: float = 10.0
    stride_noise: float = 1.2


RUNNER = Physiology()
RIDER = Physiology(
    easy_speed=7.5,
    easy_hr=128.0,
    hr_per_mps=4.0,
    climb_cost=12.0,
    cadence_at_easy=86.0,
    cadence_per_mps=1.0,
    stride_noise=2.0,
)


@dataclasses.dataclass(frozen=True)
class Samples:
    """One simulated activity, 1 Hz (less after :meth:`thin`), canonical units."""

    elapsed_s: Floats
    distance_m: Floats
    speed_mps: Floats
    hr_bpm: Floats
    cadence_spm: Floats
    lat: Floats | None
    lon: Floats | None
    altitude_m: Floats | None
    pauses: tuple[tuple[float, float], ...] = ()

    def take(self, index: NDArray[np.intp]) -> Samples:
        """The samples at ``index`` only."""

        def pick(column: Floats | None) -> Floats | None:
            return None if column is None else column[index]

        return Samples(
            self.elapsed_s[index],
            self.distance_m[index],
            self.speed_mps[index],
            self.hr_bpm[index],
            self.cadence_spm[index],
            pick(self.lat),
            pick(self.lon),
            pick(self.altitude_m),
            self.pauses,
        )

    def thin(self, rng: np.random.Generator, low: int, high: int) -> Samples:
        """Keep a sample every ``low``..``high`` seconds, like a watch's smart recording.

        The first and last samples and those either side of a pause are always kept.
        """
        n = self.elapsed_s.size
        gaps = rng.integers(low, high + 1, size=n)
        keep = np.zeros(n, dtype=bool)
        i = 0
        for gap in gaps.tolist():
            if i >= n:
                break
            keep[i] = True
            i += gap
        jumps = np.flatnonzero(np.diff(self.elapsed_s) > 1.5)
        keep[jumps] = keep[jumps + 1] = True
        keep[[0, -1]] = True
        return self.take(np.flatnonzero(keep))

    def fields(self) -> dict[str, Floats | None]:
        """The sample columns, keyed as the writers' arguments."""
        return {
            "elapsed_s": self.elapsed_s,
            "distance_m": self.distance_m,
            "speed_mps": self.speed_mps,
            "hr_bpm": self.hr_bpm,
            "cadence_spm": self.cadence_spm,
            "lat": self.lat,
            "lon": self.lon,
            "altitude_m": self.altitude_m,
        }


def _ar1(rng: np.random.Generator, n: int, sigma: float, keep: float) -> Floats:
    """Correlated noise: an AR(1) series with stationary deviation ``sigma``."""
    shocks = rng.normal(0.0, sigma * math.sqrt(1 - keep**2), size=n)
    out = np.empty(n)
    value = rng.normal(0.0, sigma)
    for i, shock in enumerate(shocks.tolist()):
        value = keep * value + shock
        out[i] = value
    return out


def simulate(
    segments: Sequence[tuple[float, float]],
    route: Route | None,
    rng: np.random.Generator,
    *,
    body: Physiology = RUNNER,
    hr_offset: float = 0.0,
    stops: Sequence[tuple[float, float]] = (),
    treadmill: bool = False,
) -> Samples:
    """Simulate one workout, one sample a second.

    Args:
        segments: ``(distance_m, target_speed_mps)`` pieces, run in order.
        route: Where it is run; ``None`` for a treadmill (no positions, no altitude).
        rng: The random generator (the caller seeds it).
        body: Heart-rate and cadence model.
        hr_offset: Day-to-day heart-rate offset (heat, fatigue...).
        stops: ``(at_distance_m, seconds)`` where the runner stops (traffic lights) and the
            watch auto-pauses; no samples are recorded while stopped.
        treadmill: Belt speed: almost no wander; a bit warmer indoors.
    """
    bounds = np.cumsum([d for d, _ in segments])
    targets = [v for _, v in segments]
    total = float(bounds[-1])
    budget = int(total / min(targets) * 1.6) + 600
    wander = _ar1(rng, budget, 0.002 if treadmill else 0.025, 0.985)
    hr_noise = rng.normal(0.0, 0.8, size=budget)
    stride = _ar1(rng, budget, body.stride_noise, 0.9)
    pending = sorted(stops)
    hr_offset += 4.0 if treadmill else 0.0
    rows: list[tuple[float, float, float, float, float]] = []
    pauses: list[tuple[float, float]] = []
    t = d = 0.0
    v = 0.6 * targets[0]
    hr = 92.0 + rng.normal(0.0, 3.0)
    for step in range(budget):
        if d >= total:
            break
        index = min(int(np.searchsorted(bounds, d, side="right")), len(targets) - 1)
        climb = 0.0 if route is None else route.grade(d)
        uphill, downhill = max(climb, 0.0), max(-climb, 0.0)
        target = targets[index] * (1 - 2.5 * uphill + 0.8 * downhill) * (1 + wander[step])
        v += (target - v) * 0.25
        d += v
        effort = v * (1 + body.climb_cost * uphill - 0.3 * body.climb_cost * downhill)
        steady = body.easy_hr + body.hr_per_mps * (effort - body.easy_speed) + hr_offset
        steady += 0.05 * max(0.0, t / 60 - 15)  # cardiac drift after a quarter of an hour
        if steady > body.hr_soft_cap:
            steady = body.hr_soft_cap + 0.4 * (steady - body.hr_soft_cap)
        steady = min(steady, body.hr_max - 3)
        hr += (steady - hr) / (25.0 if steady > hr else 40.0)
        cadence = body.cadence_at_easy + body.cadence_per_mps * (v - body.easy_speed)
        rows.append((t, d, v, hr + hr_noise[step], cadence + stride[step]))
        t += 1.0
        if pending and d >= pending[0][0]:
            _, seconds = pending.pop(0)
            pauses.append((t - 0.5, t + seconds - 0.5))
            hr = 100.0 + (hr - 100.0) * math.exp(-seconds / 40.0)
            t += seconds
            v = 0.4 * targets[index]
    table = np.array(rows)
    elapsed, distance = table[:, 0], table[:, 1]
    lat = lon = altitude = None
    if route is not None:
        lat, lon = route.position(distance)
        noise = route.gps_noise_m / _M_PER_DEG_LAT
        lat = lat + _ar1(rng, len(rows), noise, 0.95)
        lon = lon + _ar1(rng, len(rows), noise, 0.95) / math.cos(math.radians(route.lat0))
        altitude = route.altitude(distance) + _ar1(rng, len(rows), 0.25, 0.9)
    return Samples(
        elapsed_s=elapsed,
        distance_m=distance,
        speed_mps=table[:, 2],
        hr_bpm=np.rint(np.clip(table[:, 3], 40, 200)),
        cadence_spm=table[:, 4],
        lat=lat,
        lon=lon,
        altitude_m=altitude,
        pauses=tuple(pauses),
    )


def strength_session(rng: np.random.Generator, minutes: float = 45.0) -> Samples:
    """A gym session: heart rate only, rising through sets and falling in the rests."""
    n = int(minutes * 60)
    steady = np.full(n, 100.0)
    t = 300  # five minutes' warm-up
    while t < n - 300:
        work = int(rng.integers(35, 60))
        steady[t : t + work] = rng.uniform(128, 148)
        t += work + int(rng.integers(75, 120))
    hr = np.empty(n)
    value = 85.0
    for i, target in enumerate(steady.tolist()):
        value += (target - value) / (15.0 if target > value else 35.0)
        hr[i] = value
    hr = np.rint(hr + rng.normal(0.0, 0.8, size=n))
    nothing = np.full(n, np.nan)
    return Samples(np.arange(n, dtype=np.float64), nothing, nothing, hr, nothing, None, None, None)
