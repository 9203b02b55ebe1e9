"""The sample runner's sixteen weeks: what was done each day, where, and how it was recorded.

The weeks are built to show each kind of flag once or more (see :data:`WEEK_NOTES`); the
README that :func:`loadwatch.samples.generate` writes reports the resulting numbers.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import numpy as np

from loadwatch.samples._simulate import Route, loop_route, track_route

#: The Monday of the first week, and the runner's time zone.
FIRST_MONDAY = date(2026, 6, 1)
TIME_ZONE = "Europe/Berlin"


class Planned(NamedTuple):
    """One planned activity.

    ``output`` says how it reaches the folder: ``fit`` (watch, 1 s), ``fit_smart`` (watch,
    smart recording), ``strava_fit_gz`` / ``strava_gpx`` / ``strava_gpx_gz`` (Strava bulk
    export), ``phone_gpx_gz`` (Strava phone app, via the export), ``tcx`` (Garmin Connect
    export) or ``broken`` (a file cut short during sync). Two outputs joined by ``+`` put
    the same run in the folder twice, the second as a Strava export of the first.
    """

    week: int
    day: int  # 0 = Monday
    clock: str  # local start time, HH:MM
    kind: str
    km: float
    route: str
    output: str


PLAN: tuple[Planned, ...] = (
    Planned(1, 1, "07:00", "easy", 7.0, "volkspark", "fit"),
    Planned(1, 3, "18:30", "easy", 7.0, "spree", "fit_smart"),
    Planned(1, 6, "08:30", "long", 10.0, "tempelhof", "fit_smart"),
    Planned(2, 1, "07:00", "easy", 7.5, "volkspark", "fit_smart"),
    Planned(2, 3, "18:30", "easy", 7.5, "spree", "strava_fit_gz"),
    Planned(2, 5, "10:00", "strength", 0.0, "gym", "fit_smart"),
    Planned(2, 6, "08:30", "long", 10.5, "tempelhof", "fit"),
    Planned(3, 1, "07:00", "easy", 8.0, "volkspark", "fit_smart"),
    Planned(3, 5, "09:30", "trail", 8.0, "grunewald", "strava_gpx_gz"),
    Planned(3, 6, "08:30", "long", 13.0, "spree", "fit_smart"),
    Planned(4, 1, "18:30", "treadmill", 8.5, "gym", "fit"),
    Planned(4, 3, "07:00", "easy", 8.5, "spree", "fit_smart"),
    Planned(4, 6, "08:30", "long", 13.5, "tempelhof", "fit_smart"),
    Planned(5, 0, "18:30", "recovery", 6.0, "volkspark", "fit_smart"),
    Planned(5, 2, "07:00", "easy", 7.5, "spree", "fit_smart"),
    Planned(5, 3, "18:30", "easy", 7.5, "volkspark", "fit"),
    Planned(5, 6, "08:30", "long", 10.0, "tempelhof", "strava_fit_gz"),
    Planned(6, 1, "07:00", "recovery", 8.0, "volkspark", "fit_smart"),
    Planned(6, 2, "18:30", "easy", 6.0, "spree", "tcx"),
    Planned(6, 4, "07:00", "recovery", 6.0, "volkspark", "fit_smart"),
    Planned(6, 5, "10:00", "ride", 36.0, "mueggelsee", "fit_smart"),
    Planned(6, 6, "08:30", "long", 11.0, "tempelhof", "fit_smart"),
    Planned(7, 1, "18:30", "intervals", 9.0, "track", "fit"),
    Planned(7, 3, "07:00", "tempo", 8.0, "tempelhof", "fit"),
    Planned(7, 5, "09:00", "track", 6.4, "track", "strava_gpx"),
    Planned(7, 6, "08:30", "progression", 8.0, "spree", "fit_smart"),
    Planned(8, 1, "07:00", "easy", 7.0, "volkspark", "phone_gpx_gz"),
    Planned(8, 3, "18:30", "easy", 6.0, "spree", "fit_smart"),
    Planned(8, 6, "09:30", "trail", 9.0, "grunewald", "fit"),
    Planned(9, 1, "07:00", "easy", 7.5, "volkspark", "fit_smart"),
    Planned(9, 3, "18:30", "easy", 6.5, "spree", "fit_smart+strava_gpx_gz"),
    Planned(9, 6, "08:30", "long", 9.5, "tempelhof", "fit_smart"),
    Planned(10, 0, "00:35", "easy", 7.0, "volkspark", "fit_smart"),
    Planned(10, 2, "18:30", "easy", 8.0, "spree", "fit_smart"),
    Planned(10, 6, "08:00", "long", 12.0, "tempelhof", "fit_smart"),
    Planned(11, 1, "07:00", "easy", 7.0, "volkspark", "fit_smart"),
    Planned(11, 3, "18:30", "easy", 5.5, "spree", "fit_smart"),
    Planned(11, 5, "09:30", "trail", 5.0, "grunewald", "strava_gpx_gz"),
    Planned(11, 6, "08:30", "long", 11.0, "tempelhof", "fit_smart"),
    Planned(12, 1, "07:00", "easy", 7.5, "volkspark", "fit_smart"),
    Planned(12, 2, "18:30", "easy", 6.0, "spree", "broken"),
    Planned(12, 3, "18:30", "easy", 7.5, "spree", "fit_smart"),
    Planned(12, 4, "07:00", "easy", 4.0, "volkspark", "tcx"),
    Planned(12, 5, "10:00", "strength", 0.0, "gym", "fit_smart"),
    Planned(12, 6, "08:30", "long", 11.0, "tempelhof", "fit"),
    Planned(13, 1, "07:00", "easy", 8.0, "volkspark", "fit_smart"),
    Planned(13, 2, "18:30", "easy", 6.5, "spree", "phone_gpx_gz"),
    Planned(13, 4, "07:00", "easy", 6.0, "volkspark", "fit_smart"),
    Planned(13, 6, "08:30", "long", 11.0, "tempelhof", "fit_smart"),
    Planned(14, 1, "07:00", "easy", 7.0, "volkspark", "fit_smart"),
    Planned(14, 3, "18:30", "treadmill", 6.0, "gym", "fit_smart"),
    Planned(14, 6, "09:30", "trail", 9.0, "grunewald", "fit_smart"),
    Planned(15, 1, "07:00", "easy", 7.0, "volkspark", "fit_smart"),
    Planned(15, 3, "18:30", "easy", 6.5, "spree", "fit_smart"),
    Planned(15, 5, "09:00", "recovery", 4.0, "volkspark", "fit_smart"),
    Planned(15, 6, "08:30", "long", 10.0, "tempelhof", "fit"),
    Planned(16, 1, "07:00", "easy", 7.5, "volkspark", "fit_smart"),
    Planned(16, 2, "18:30", "easy", 6.0, "spree", "fit_smart"),
    Planned(16, 4, "07:00", "easy", 5.0, "volkspark", "strava_fit_gz"),
    Planned(16, 6, "08:30", "long", 11.0, "tempelhof", "fit"),
    # Strength work twice a week (Tuesday and Friday evenings), as physiotherapists advise;
    # only once in the two busiest weeks, which therefore get the low_strength note.
    *(
        Planned(week, day, "20:00", "strength", 0.0, "gym", "fit_smart")
        for week in range(1, 17)
        for day in (1, 4)
        if not (day == 4 and week in (7, 10))
    ),
)

#: What each week is there to show.
WEEK_NOTES: dict[int, str] = {
    1: "base week; all road (hard_surface note)",
    2: "distance +6 %: under 10 %, no flag; all road; a gym session (not counted)",
    3: "DISTANCE flag: +14 %; a trail run (GPX)",
    4: "distance +5 %: no flag; a treadmill run",
    5: "FREQUENCY flag: 4 runs after 3, distance about the same",
    6: "4 easy and recovery runs; a TCX run (unknown surface); a bike ride (not counted)",
    7: "INTENSITY flag: same distance and runs, but intervals, tempo, track and a fast finish; "
    "only one strength session (low_strength note)",
    8: "recovery week (distance -30 %); a phone-recorded GPX run (unknown surface)",
    9: "distance +7 %: no flag; Thursday's run is in the folder twice (FIT and GPX)",
    10: "DISTANCE flag: +15 %; Monday's run starts 00:35 Berlin time, Sunday 22:35 UTC; "
    "only one strength session (low_strength note)",
    11: "FREQUENCY flag: 4 runs after 3 (distance +6 %); a trail run (GPX)",
    12: "no flag; Wednesday's run is a broken file (skipped); a gym session (not counted)",
    13: "no flag (+5 %); a phone-recorded GPX run (unknown surface)",
    14: "recovery week (-30 %); a treadmill run and a trail run",
    15: "DISTANCE and FREQUENCY flags: back from the recovery week",
    16: "no flag (+7 %)",
}


def routes() -> dict[str, Route]:
    """The runner's routes in Berlin, by key (the shapes are fixed, not drawn from the seed)."""
    return {
        "volkspark": loop_route(
            "Volkspark Friedrichshain",
            52.5279,
            13.4318,
            3150,
            seed=11,
            base_altitude=48,
            hilliness=5,
        ),
        "spree": loop_route(
            "Spree and Treptower Park",
            52.4985,
            13.4550,
            7400,
            seed=12,
            base_altitude=36,
            hilliness=1.5,
        ),
        "tempelhof": loop_route(
            "Tempelhofer Feld", 52.4755, 13.4010, 6000, seed=13, base_altitude=46, hilliness=0.8
        ),
        "grunewald": loop_route(
            "Grunewald and Teufelsberg",
            52.4972,
            13.2410,
            6800,
            seed=14,
            base_altitude=70,
            hilliness=28,
            gps_noise_m=3.5,
        ),
        "track": track_route("Jahn-Sportpark track", 52.5423, 13.4062, heading_deg=12, altitude=52),
        "mueggelsee": loop_route(
            "Müggelsee ride", 52.4420, 13.6250, 36000, seed=15, base_altitude=40, hilliness=6
        ),
    }


def _speed(seconds_per_km: float) -> float:
    return 1000.0 / seconds_per_km


def segments(kind: str, km: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """The workout as ``(distance_m, target_speed_mps)`` pieces; the day's form varies a bit.

    Raises:
        ValueError: An unknown kind.
    """
    form = 1.0 + rng.normal(0.0, 0.012)
    total = km * 1000.0

    def pace(seconds_per_km: float) -> float:
        return _speed(seconds_per_km) * form

    if kind == "easy":
        return [(total, pace(345))]
    if kind == "recovery":
        return [(total, pace(368))]
    if kind == "long":
        return [(total, pace(355))]
    if kind == "trail":
        return [(total, pace(362))]
    if kind == "treadmill":  # the belt is exact; the warm-up kilometre a little slower
        return [(1000.0, _speed(360)), (total - 1000.0, _speed(340))]
    if kind == "ride":
        return [(total, 7.4 * form)]
    if kind == "progression":
        return [(total / 2, pace(340)), (total / 2, pace(290))]
    if kind == "tempo":  # 1.5 km warm-up, 6 km at threshold, cool-down
        return [(1500.0, pace(345)), (6000.0, pace(285)), (total - 7500.0, pace(370))]
    if kind == "intervals":  # 6 x 1 km at 4:10 with 200 m jogs
        reps = [(1000.0, pace(250)), (200.0, pace(420))] * 6
        return [(1400.0, pace(350)), *reps[:-1], (total - 8400.0, pace(370))]
    if kind == "track":  # 8 x 400 m at 3:55 with 200 m jogs
        reps = [(400.0, pace(235)), (200.0, pace(420))] * 8
        return [(1200.0, pace(350)), *reps[:-1], (total - 5800.0, pace(380))]
    raise ValueError(f"unknown workout kind {kind!r}")


def surface(planned: Planned) -> str:
    """The surface the file's own words should lead to (road, trail, track, treadmill, unknown)."""
    if planned.kind == "treadmill":
        return "treadmill"
    if planned.route == "grunewald":
        return "trail"
    if planned.route == "track":
        return "track"
    if planned.output in ("tcx", "phone_gpx_gz"):
        return "unknown"
    return "road"


def is_run(planned: Planned) -> bool:
    """Whether the activity is a run (and so counts in the weekly numbers, if readable)."""
    return planned.kind not in ("ride", "strength")
