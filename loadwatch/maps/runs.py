"""Surfaces of a whole history from a map: load the map once per area, match every run.

The pipeline keeps each run's path every 20 m in its summary while the samples are in memory
(:attr:`loadwatch.ingest.summary.ActivitySummary.track_lat`); after all files are read,
:func:`match_runs` groups the runs' boxes into areas (a holiday abroad is its own area, not a
continent-sized box), loads the map of each area from the extract (built once, then cached),
and matches each run against the map that covers it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from loadwatch.ingest.summary import ActivitySummary
from loadwatch.maps.bbox import BBox, group_boxes
from loadwatch.maps.loader import load_surface_map
from loadwatch.maps.surface_map import SurfaceMap


@dataclasses.dataclass(frozen=True)
class MapSurfaces:
    """What the map said about the runs.

    Attributes:
        extract: The extract used.
        surface_km: Per run (by source label), km per class (road, trail, track, unknown),
            scaled to the run's own distance.
        low_confidence: Per run, the share of its matched distance whose class is a guess
            (a path or footway whose surface the map does not say).
        areas: The boxes a map was loaded for.
    """

    extract: Path
    surface_km: dict[str, dict[str, float]]
    low_confidence: dict[str, float]
    areas: list[BBox]


def match_runs(
    summaries: Sequence[ActivitySummary],
    extract: str | Path,
    *,
    cache_dir: Path | None = None,
) -> MapSurfaces:
    """Match every run that has a GPS path against the map of its area.

    Args:
        summaries: The activities; only runs with a kept path are matched.
        extract: The OpenStreetMap extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``).
        cache_dir: Where built maps are kept (default: the user cache folder).

    Raises:
        ConfigError: pyosmium is not installed, or the extract cannot be read.
    """
    runs = [s for s in summaries if s.sport == "running" and len(s.track_lat) > 0]
    boxes = {s.source: BBox.around(s.track_lat, s.track_lon) for s in runs}
    areas = group_boxes(boxes.values()) if boxes else []
    maps: list[SurfaceMap] = [
        load_surface_map(extract, area, cache_dir=cache_dir) for area in areas
    ]
    surface_km: dict[str, dict[str, float]] = {}
    low_confidence: dict[str, float] = {}
    for summary in runs:
        chosen = next((m for m in maps if m.covers(boxes[summary.source])), None)
        if chosen is None:
            continue
        result = chosen.match(
            np.asarray(summary.track_lat, dtype="float64"),
            np.asarray(summary.track_lon, dtype="float64"),
        )
        surface_km[summary.source] = result.scaled_to(summary.distance_m / 1000.0)
        low_confidence[summary.source] = result.low_confidence_share
    return MapSurfaces(Path(extract), surface_km, low_confidence, areas)
