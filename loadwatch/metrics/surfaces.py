"""Which surface a run was on: road, trail, track, treadmill, or unknown.

Evidence is taken in a fixed order and the first that decides wins:

1. the user's rules from the config (a glob on the file's path, or text in the run's name);
2. the FIT ``sub_sport`` (street/road, trail, track, treadmill/indoor_running/virtual_activity);
3. the GPX/TCX ``<type>`` or the run's name (``trail_running``/"trail", ``track_running``/"track",
   ``treadmill_running``/"treadmill"/"indoor", "road"/"street"); a plain ``running`` type says
   nothing about the surface;
4. a run with distance but no GPS track was on a treadmill (or an indoor track), if its format
   records positions outdoors (``positions`` in the format registry; not a summary without
   samples, a Polar HRM file or an Apple Health workout);
5. otherwise ``unknown``: loadwatch does not guess from GPS alone.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence

from loadwatch.settings.config import SurfaceRule
from loadwatch.vocab import Surface

_SUB_SPORT: dict[str, str] = {
    "street": "road",
    "road": "road",
    "trail": "trail",
    "track": "track",
    "treadmill": "treadmill",
    "indoor_running": "treadmill",
    "virtual_activity": "treadmill",
}

_TYPES: dict[str, str] = {
    "trail_running": "trail",
    "trail_run": "trail",
    "trailrun": "trail",
    "track_running": "track",
    "track_run": "track",
    "treadmill_running": "treadmill",
    "treadmill": "treadmill",
    "indoor_running": "treadmill",
    "virtual_run": "treadmill",
    "road_running": "road",
    "street_running": "road",
}

# Whole words only: "Backtrack" is not a track session, "Trails End Rd" is still a trail hint.
_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\btrails?\b", re.IGNORECASE), "trail"),
    (re.compile(r"\btrack\b", re.IGNORECASE), "track"),
    (re.compile(r"\b(treadmill|indoors?|laufband)\b", re.IGNORECASE), "treadmill"),
    (re.compile(r"\b(road|street)\b", re.IGNORECASE), "road"),
)


#: The credit the Open Database License asks for wherever OpenStreetMap data is shown.
MAP_ATTRIBUTION = "Map data © OpenStreetMap contributors (ODbL)"
#: Where a run's surface breakdown came from.
SURFACE_SOURCES: tuple[str, ...] = ("rule", "metadata", "map", "none")
#: With a map, a run whose matched points are mostly off the map keeps its metadata class.
MAX_OFF_MAP_SHARE = 0.5


def run_surfaces(
    *,
    source: str,
    sub_sport: str | None,
    activity_type: str | None,
    name: str | None,
    has_gps: bool,
    distance_m: float,
    rules: Sequence[SurfaceRule] = (),
    from_map: Mapping[str, float] | None = None,
    records_positions: bool = True,
) -> tuple[dict[str, float], str]:
    """A run's distance (km) on each surface class, and where the answer came from.

    Precedence: the user's rules first (``"rule"``); a run without GPS stays a treadmill run;
    where a map breakdown is given (``from_map``, km per class from
    :meth:`loadwatch.maps.SurfaceMap.match`, scaled to the run's distance) it replaces the single
    class from the file's metadata (``"map"``); otherwise the metadata class takes the whole
    distance (``"metadata"``, or ``"none"`` when it is ``unknown``).

    Returns:
        ``({class: km}`` for every class of :class:`~loadwatch.vocab.Surface`, ``source)``.
    """
    km = distance_m / 1000.0
    breakdown: dict[str, float] = dict.fromkeys(Surface, 0.0)
    for rule in rules:
        if _rule_matches(rule, source, name):
            breakdown[rule.surface] = km
            return breakdown, "rule"
    single = classify_surface(
        source=source,
        sub_sport=sub_sport,
        activity_type=activity_type,
        name=name,
        has_gps=has_gps,
        distance_m=distance_m,
        records_positions=records_positions,
    )
    if has_gps and from_map:
        total = sum(from_map.values())
        off_map = from_map.get("unknown", 0.0)
        if total > 0 and off_map / total <= MAX_OFF_MAP_SHARE:
            for surface, value in from_map.items():
                breakdown[surface] = value
            return breakdown, "map"
    breakdown[single] = km
    return breakdown, "none" if single == "unknown" else "metadata"


def main_surface(breakdown: Mapping[str, float]) -> str:
    """The class with the most distance (``unknown`` for a run without distance)."""
    best = max(Surface, key=lambda surface: breakdown.get(surface, 0.0))
    return best if breakdown.get(best, 0.0) > 0 else "unknown"


def _rule_matches(rule: SurfaceRule, source: str, name: str | None) -> bool:
    if rule.path is not None and fnmatch.fnmatchcase(source, rule.path):
        return True
    return rule.name is not None and bool(name) and rule.name.casefold() in str(name).casefold()


def classify_surface(
    *,
    source: str,
    sub_sport: str | None,
    activity_type: str | None,
    name: str | None,
    has_gps: bool,
    distance_m: float,
    rules: Sequence[SurfaceRule] = (),
    records_positions: bool = True,
) -> str:
    """Return the surface class of one run from the evidence described in the module docstring.

    Args:
        source: The run's path inside the analysed folder (``/`` separators), for path rules.
        sub_sport: FIT sub_sport, lower-case.
        activity_type: GPX ``<type>`` / TCX sport / FIT sport word, lower-case.
        name: The run's name.
        has_gps: Whether the run has a GPS track.
        distance_m: The run's distance.
        rules: The user's rules, tried in order.
        records_positions: Whether its format records positions outdoors, so that a run
            without any was indoors (rule 4); false for summaries without samples and formats
            that never hold positions (Polar HRM, Apple Health's workouts, which say indoor
            themselves).
    """
    for rule in rules:
        if _rule_matches(rule, source, name):
            return rule.surface
    if sub_sport:
        key = _key(sub_sport)
        if key in _SUB_SPORT:
            return _SUB_SPORT[key]
        if key in _TYPES:
            return _TYPES[key]
    if activity_type and _key(activity_type) in _TYPES:
        return _TYPES[_key(activity_type)]
    for text in (name, activity_type):
        if text:
            for pattern, surface in _WORDS:
                if pattern.search(text.replace("_", " ")):
                    return surface
    if records_positions and not has_gps and distance_m > 0:
        return "treadmill"
    return "unknown"


def _key(word: str) -> str:
    return word.strip().lower().replace(" ", "_").replace("-", "_")
