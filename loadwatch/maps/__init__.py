"""Road, trail or track from the map: surface shares of runs from an OpenStreetMap extract.

An optional part of loadwatch (``pip install 'loadwatch[maps]'`` installs pyosmium). The
pipeline: resample each run to points every 20 m, take the box around all runs, load the map of
that box once (built from the extract the first time, then cached), match each run::

    from loadwatch.maps import BBox, load_surface_map, resample_track

    lat, lon = resample_track(samples["lat"], samples["lon"], samples["distance_m"])
    box = BBox.around(lat, lon)                          # or BBox.covering(per-run boxes)
    surface_map = load_surface_map("bayern.osm.pbf", box)
    result = surface_map.match(lat, lon)
    result.surface_km    # {"road": 6.2, "trail": 3.1, "track": 0.0, "unknown": 0.7}

Public API:

- :func:`resample_track` (lat, lon, distance_m=None, step_m=20) -> (lat, lon): points every
  ``step_m`` along a run; follows the run's distance where complete, else great-circle steps.
- :class:`BBox`: ``BBox.around(lat, lon, margin_m=200)``, ``BBox.covering(boxes)``,
  ``.expanded(m)``, ``.contains(box)``; :func:`group_boxes` merges run boxes into areas that
  are far apart (a holiday abroad), to load one map each.
- :func:`load_surface_map` (extract, bbox, \\*, cache_dir=None) -> :class:`SurfaceMap`; raises
  :class:`~loadwatch.errors.ConfigError` when pyosmium is missing or the extract is unusable.
- :meth:`SurfaceMap.match` (lat, lon, \\*, step_m=20) -> :class:`MatchResult`: ``surface_km``
  per class (road, trail, track, unknown), per-point ``classes``, ``low_confidence_share``,
  ``outside_km``; :meth:`MatchResult.scaled_to` rescales to the run's own distance.
- :func:`classify_way` and :data:`RULES`: the rules table (``docs/surfaces-from-maps.md``).
"""

from __future__ import annotations

from loadwatch.ingest.geo import DEFAULT_STEP_M
from loadwatch.maps.bbox import DEFAULT_MARGIN_M, BBox, group_boxes
from loadwatch.maps.loader import load_surface_map
from loadwatch.maps.reader import INSTALL_HINT
from loadwatch.maps.resample import resample_track
from loadwatch.maps.rules import CLASSES, RULES, WayClass, classify_way
from loadwatch.maps.store import default_cache_dir
from loadwatch.maps.surface_map import (
    MATCH_RADIUS_M,
    STICKY_M,
    MatchResult,
    SurfaceMap,
)

__all__ = [
    "CLASSES",
    "DEFAULT_MARGIN_M",
    "DEFAULT_STEP_M",
    "INSTALL_HINT",
    "MATCH_RADIUS_M",
    "RULES",
    "STICKY_M",
    "BBox",
    "MatchResult",
    "SurfaceMap",
    "WayClass",
    "classify_way",
    "default_cache_dir",
    "group_boxes",
    "load_surface_map",
    "resample_track",
]
