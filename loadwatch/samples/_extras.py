"""The sample folder's other files: README.txt with the weekly story, and files to be ignored."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import timedelta
from xml.sax.saxutils import escape

import numpy as np

from loadwatch.samples._generate import Produced
from loadwatch.samples._plan import FIRST_MONDAY, TIME_ZONE, WEEK_NOTES, surface
from loadwatch.samples._simulate import RUNNER, Route

SURFACES = ("road", "trail", "track", "treadmill", "unknown")

NOTES_CSV = """date,note
2026-06-02,new plan: three runs a week and build up slowly
2026-06-20,Teufelsberg trails with Jonas - recorded on his phone app and shared on Strava
2026-06-23,raining: treadmill at the gym
2026-07-14,joined the club's Tuesday track group: 6 x 1 km
2026-07-19,"knees a bit sore after a week of intervals, tempo and track; recovery week next"
2026-08-03,"heat wave: ran at midnight"
2026-08-19,watch froze right after starting; the file is broken and the run is lost
"""

#: A stand-in for a photo in a Strava export: JPEG markers around a comment, nothing else.
PHOTO = b"\xff\xd8\xff\xfe\x00\x17not a real photograph\xff\xd9"


@dataclasses.dataclass(frozen=True)
class WeekStats:
    """Numbers for one Monday-to-Sunday week (Berlin time) of readable runs."""

    week: int
    runs: int
    km: float
    seconds: float
    mean_hr: float
    km_by_surface: dict[str, float]


def _week_of(item: Produced) -> int:
    return (item.local_start.date() - FIRST_MONDAY).days // 7 + 1


def week_stats(produced: list[Produced]) -> list[WeekStats]:
    """Weekly runs, distance, moving time, time-weighted heart rate and km by surface."""
    by_week: dict[int, list[Produced]] = defaultdict(list)
    for item in produced:
        if item.counted:
            by_week[_week_of(item)].append(item)
    weeks = []
    for week in sorted(by_week):
        runs = by_week[week]
        km_by_surface = dict.fromkeys(SURFACES, 0.0)
        for item in runs:
            km_by_surface[surface(item.planned)] += float(item.samples.distance_m[-1]) / 1000
        hr = np.concatenate([item.samples.hr_bpm for item in runs])  # 1 Hz: time-weighted
        weeks.append(
            WeekStats(
                week=week,
                runs=len(runs),
                km=sum(km_by_surface.values()),
                seconds=float(sum(item.samples.elapsed_s.size for item in runs)),
                mean_hr=float(hr.mean()),
                km_by_surface=km_by_surface,
            )
        )
    return weeks


def _pace(seconds: float, km: float) -> str:
    per_km = round(seconds / km)
    return f"{per_km // 60}:{per_km % 60:02d}"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _change(now: float, before: float | None) -> str:
    return "" if before is None else f"{(now / before - 1) * 100:+.0f} %"


def readme(produced: list[Produced]) -> str:
    """The README.txt text: what the folder is, how it was made, and what should come out."""
    weeks = week_stats(produced)
    lines = [
        "Sample data for loadwatch (generated: do not edit by hand)",
        "==========================================================",
        "",
        "A runner's activity folder as it might look after syncing a watch and unpacking a",
        "Strava bulk export. Every file is made up by `python -m loadwatch.samples sample_data`",
        "(deterministic: the same bytes on every run). The tests check that this folder equals a",
        "fresh generation, so change loadwatch/samples/, then regenerate.",
        "",
        "The runner: rest HR 55, max HR 190, threshold about 4:45/km at HR 172; easy runs about",
        "5:45/km at HR 140-150. Lives in Berlin: weeks start on Monday, local time",
        f"({TIME_ZONE}, UTC+2 all summer). Sixteen weeks from Monday {FIRST_MONDAY}.",
        "",
        "What is here",
        "------------",
        "garmin/YYYY-MM/*.fit          files synced from a Garmin fenix 5: mostly smart recording,",
        "                              some every second; road runs say sub_sport street",
        "strava-export/activities/     a Strava bulk export: <id>.fit.gz (watch originals),",
        "                              <id>.gpx and <id>.gpx.gz (uploads from apps and phones)",
        "strava-export/routes/         a planned route (GPX, no times): not an activity",
        "strava-export/media/          a photo: not an activity",
        "garmin-connect/*.tcx          TCX exports from Garmin Connect (no surface hint)",
        "notes.csv, README.txt         not activities",
        "",
        "Things to notice",
        "----------------",
        "- Broken: garmin/2026-08/ has a FIT file cut off after 135 bytes (the watch froze); it",
        "  must be skipped with a reason. The weekly numbers below leave it out.",
        "- Duplicate: Thursday of week 9 is in the folder twice, as FIT (garmin/) and as a",
        "  Strava GPX (first seconds trimmed, so it starts a few seconds later). Count it once.",
        "- Time zones: Monday 3 August starts 00:35 Berlin time = Sunday 2 August 22:35 UTC; it",
        "  belongs to week 10. Weeks cut at UTC midnight would put it in week 9.",
        "- Not runs: a bike ride (week 6) and two gym sessions (weeks 2 and 12, FIT sport",
        "  training / sub_sport strength_training) are listed but not counted.",
        "- Surfaces, from the files' own words: FIT sub_sport street = road, trail, track,",
        "  treadmill (no GPS, footpod distance); GPX <type>trail_running</type>; GPX",
        '  <type>track_running</type> named "Track session"; GPX <type>running</type> and TCX',
        '  Sport="Running" say nothing: unknown.',
        "- Pauses: runs along the Spree stop at traffic lights (FIT timer stop/start events).",
        "",
        "Weekly story (readable runs only; distance and heart rate from the simulated samples)",
        "-------------------------------------------------------------------------------------",
        "",
        "Week  Monday      Runs  Distance  Change  Avg HR  Change  Pace  Surfaces (share of km)",
    ]
    before: WeekStats | None = None
    for stats in weeks:
        monday = FIRST_MONDAY + timedelta(days=7 * (stats.week - 1))
        shares = ", ".join(
            f"{name} {km / stats.km:.0%}" for name, km in stats.km_by_surface.items() if km > 0
        )
        lines.append(
            f"{stats.week:>4}  {monday}  {stats.runs:>4}  {stats.km:>5.1f} km"
            f"  {_change(stats.km, None if before is None else before.km):>6}"
            f"  {stats.mean_hr:>6.0f}"
            f"  {_change(stats.mean_hr, None if before is None else before.mean_hr):>6}"
            f"  {_pace(stats.seconds, stats.km)}  {shares}"
        )
        before = stats
    lines += ["", "What each week is there to show:"]
    lines += [f"{week:>4}  {note}" for week, note in sorted(WEEK_NOTES.items())]
    mostly_road = [s.week for s in weeks if s.km_by_surface["road"] >= 0.9 * s.km]
    mostly_road_known = [
        s.week
        for s in weeks
        if s.km_by_surface["road"] >= 0.9 * (s.km - s.km_by_surface["unknown"])
    ]
    by_number = {s.week: s for s in weeks}
    hr_up = by_number[7].mean_hr / by_number[6].mean_hr - 1
    pace_up = (by_number[7].km / by_number[7].seconds) / (
        by_number[6].km / by_number[6].seconds
    ) - 1
    lines += [
        "",
        "With the 10 % rule (week against the week before) loadwatch should flag:",
        "  distance   weeks 3, 10 and 15",
        "  frequency  weeks 5, 11 and 15 (one run more than the week before)",
        f"  intensity  week 7 (same distance and runs; average heart rate {hr_up:+.0%},"
        f" speed {pace_up:+.0%})",
        "  and note hard surfaces: at least 90 % of all km on road in weeks "
        f"{', '.join(map(str, mostly_road))};",
        "  at least 90 % of the km of known surface in weeks "
        f"{', '.join(map(str, mostly_road_known))}.",
        "Weeks 8 and 14 are recovery weeks; weeks 2, 4, 9, 12, 13 and 16 grow by less than 10 %.",
        "",
        "Activities",
        "----------",
    ]
    for item in produced:
        samples = item.samples
        moving = samples.elapsed_s.size
        km = float(np.nan_to_num(samples.distance_m[-1])) / 1000
        what = f"{item.planned.kind} {km:.1f} km" if km else item.planned.kind
        where = surface(item.planned)
        if not item.counted:
            where = "broken file" if item.planned.output == "broken" else "not a run"
        lines.append(
            f"{item.local_start:%Y-%m-%d %a %H:%M}  week {_week_of(item):>2}  {what:<20}"
            f"  {_duration(moving)}  HR {np.mean(samples.hr_bpm):3.0f}  {where:<11}"
            f"  {', '.join(item.paths)}"
        )
    return "\n".join(lines) + "\n"


def route_gpx(route: Route) -> bytes:
    """A planned route as a route planner exports it: GPX 1.1 ``<rte>`` points, no times."""
    distances = np.arange(0.0, route.length, 50.0)
    lat, lon = route.position(distances)
    altitude = route.altitude(distances)
    points = "".join(
        f'  <rtept lat="{a:.6f}" lon="{o:.6f}"><ele>{e:.0f}</ele></rtept>\n'
        for a, o, e in zip(lat.tolist(), lon.tolist(), altitude.tolist(), strict=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f" <rte>\n  <name>{escape(route.name)} loop</name>\n{points} </rte>\n</gpx>\n"
    ).encode()


#: The folder's own config: the runner lives in Berlin, so weeks are counted in Berlin time
#: (a run at 00:35 on a Monday belongs to the new week even though it is Sunday in UTC), and
#: the simulated runner's resting and maximum heart rates are known.
#: The day the sample is analysed as on: the Sunday that ends its sixteenth week, so that the
#: demo reads as a current, complete week whatever today is (its runs are in the past).
SAMPLE_AS_OF = FIRST_MONDAY + timedelta(weeks=16, days=-1)

SAMPLE_CONFIG = f"""\
# loadwatch reads this file from the analysed folder (see docs/metrics.md).
# Generated by `python -m loadwatch.samples`; edit the generator, not this file.
timezone = "{TIME_ZONE}"
# The runs end on this day: the sample is judged on it, not today (see docs/metrics.md).
as_of = {SAMPLE_AS_OF.isoformat()}

[athlete]
rest_hr = {RUNNER.hr_rest:.0f}
max_hr = {RUNNER.hr_max:.0f}
"""
