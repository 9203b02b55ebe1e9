"""The surface map: classified way segments in a grid index, and matching tracks to them.

Matching takes points a fixed step apart along a run (see
:func:`~loadwatch.maps.resample.resample_track`). Each point is snapped to the nearest classified
way within :data:`MATCH_RADIUS_M`; when the way the previous point was on is also within reach
and at most :data:`STICKY_M` farther than the nearest, the point stays on it, so that a path
beside a road, or the ways meeting at a junction, do not make the class flicker. A point with no
way in reach, or outside the map's box, is ``unknown``. Each point stands for one step of
distance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

from loadwatch.ingest.geo import DEFAULT_STEP_M, FloatArray
from loadwatch.maps.bbox import BBox, LocalProjection
from loadwatch.maps.builtup import points_in_rings
from loadwatch.maps.grid import SegmentGrid
from loadwatch.maps.reader import ExtractData
from loadwatch.maps.rules import CLASS_CODE, CLASSES, UNKNOWN_CODE, WayClass, classify_way

#: Points farther than this from every classified way are ``unknown`` (metres).
MATCH_RADIUS_M = 25.0
#: Stay on the previous way unless another is more than this much closer (metres).
STICKY_M = 6.0
#: Grid cell size of the index (metres).
CELL_M = 50.0


@dataclasses.dataclass(frozen=True, eq=False)
class MatchResult:
    """How a run's distance splits over surface classes.

    Attributes:
        surface_km: Kilometres per class, keys :data:`~loadwatch.maps.rules.CLASSES` in order
            (road, trail, track, unknown).
        classes: The class of each point.
        confident: Whether each point's class came from a high-confidence rule (False for
            ``unknown`` points).
        way_ids: The OSM way each point was snapped to, -1 for none.
        low_confidence_km: Kilometres snapped to ways classed by a low-confidence rule.
        outside_km: Kilometres outside the map's box (counted as ``unknown`` too).
        step_m: The distance each point stands for.
    """

    surface_km: Mapping[str, float]
    classes: npt.NDArray[np.str_] = dataclasses.field(repr=False)
    confident: npt.NDArray[np.bool_] = dataclasses.field(repr=False)
    way_ids: npt.NDArray[np.int64] = dataclasses.field(repr=False)
    low_confidence_km: float
    outside_km: float
    step_m: float

    @property
    def distance_km(self) -> float:
        """All the distance matched, known or not."""
        return float(sum(self.surface_km.values()))

    @property
    def matched_km(self) -> float:
        """Distance snapped to a classified way."""
        return self.distance_km - self.surface_km["unknown"]

    @property
    def low_confidence_share(self) -> float:
        """Share of the matched distance whose class is a low-confidence guess (0 when none)."""
        matched = self.matched_km
        return self.low_confidence_km / matched if matched > 0 else 0.0

    @property
    def surface(self) -> str:
        """The class with most distance (earlier in road, trail, track, unknown on ties)."""
        return max(CLASSES, key=lambda name: (self.surface_km[name], -CLASSES.index(name)))

    def scaled_to(self, distance_km: float) -> dict[str, float]:
        """The breakdown rescaled so that it adds up to ``distance_km`` (the run's own total)."""
        total = self.distance_km
        if total <= 0:
            return {name: (distance_km if name == "unknown" else 0.0) for name in CLASSES}
        return {name: km * distance_km / total for name, km in self.surface_km.items()}


@dataclasses.dataclass(frozen=True, eq=False)
class SurfaceMap:
    """Classified way pieces of one box of an extract, ready to match runs against.

    Attributes:
        box: The box the map covers (runs outside it are ``unknown``).
        projection: The projection to metres the index uses.
        grid: The spatial index over way pieces.
        piece_class: Class code of each piece (index into ``CLASSES``).
        piece_confident: Whether each piece's class is high-confidence.
        piece_way: OSM way id of each piece.
        extract_sha256: Content hash of the extract the map was built from.
        cache_path: Where the map is cached, if it is.
        from_cache: Whether it was loaded from the cache rather than built.
    """

    box: BBox
    projection: LocalProjection
    grid: SegmentGrid
    piece_class: npt.NDArray[np.int8]
    piece_confident: npt.NDArray[np.bool_]
    piece_way: npt.NDArray[np.int64]
    extract_sha256: str = ""
    cache_path: Path | None = None
    from_cache: bool = False

    @property
    def ways(self) -> int:
        """Number of classified ways in the map."""
        return int(np.unique(self.piece_way).size)

    def covers(self, box: BBox) -> bool:
        """Whether ``box`` (say, a run's) lies wholly inside the map."""
        return self.box.contains(box)

    def match(
        self,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        *,
        step_m: float = DEFAULT_STEP_M,
        radius_m: float = MATCH_RADIUS_M,
        sticky_m: float = STICKY_M,
    ) -> MatchResult:
        """Snap resampled track points to ways and add up the distance per class.

        Args:
            lat: Latitudes of points ``step_m`` apart along the run (NaN: no position).
            lon: Longitudes.
            step_m: The distance each point stands for.
            radius_m: Points farther than this from every way are ``unknown``; at most the
                index's radius (:data:`MATCH_RADIUS_M`).
            sticky_m: How much closer another way must be to leave the previous one.

        Returns:
            The breakdown, with per-point classes.

        Raises:
            ValueError: ``lat`` and ``lon`` differ in shape, or ``radius_m`` is too large.
        """
        lat_a = np.asarray(lat, dtype="float64").ravel()
        lon_a = np.asarray(lon, dtype="float64").ravel()
        if lat_a.shape != lon_a.shape:
            raise ValueError("lat and lon must have the same length")
        n = lat_a.size
        inside = self.box.contains_points(lat_a, lon_a)
        x, y = self.projection.forward(np.where(inside, lat_a, np.nan), lon_a)
        point, piece, distance = self.grid.near(x, y, radius_m)
        chosen = _choose(n, point, piece, distance, self.piece_way, sticky_m)
        snapped = chosen >= 0
        codes = np.full(n, UNKNOWN_CODE, dtype=np.int64)
        codes[snapped] = self.piece_class[chosen[snapped]]
        confident = np.zeros(n, dtype=bool)
        confident[snapped] = self.piece_confident[chosen[snapped]]
        way_ids = np.full(n, -1, dtype=np.int64)
        way_ids[snapped] = self.piece_way[chosen[snapped]]
        km = np.bincount(codes, minlength=len(CLASSES)) * step_m / 1000.0
        return MatchResult(
            surface_km={name: float(km[code]) for name, code in CLASS_CODE.items()},
            classes=np.asarray(CLASSES)[codes],
            confident=confident,
            way_ids=way_ids,
            low_confidence_km=float(np.count_nonzero(snapped & ~confident) * step_m / 1000.0),
            outside_km=float(np.count_nonzero(~inside) * step_m / 1000.0),
            step_m=step_m,
        )


def _choose(
    n: int,
    point: npt.NDArray[np.int64],
    piece: npt.NDArray[np.int64],
    distance: FloatArray,
    piece_way: npt.NDArray[np.int64],
    sticky_m: float,
) -> npt.NDArray[np.int64]:
    """The piece each point snaps to (-1 for none): the nearest, unless the previous way is
    within ``sticky_m`` of it."""
    chosen = np.full(n, -1, dtype=np.int64)
    if point.size == 0:
        return chosen
    bounds = np.searchsorted(point, np.arange(n + 1)).tolist()
    pieces = piece.tolist()
    distances = distance.tolist()
    ways = piece_way[piece].tolist()
    previous_way = -1
    for i in range(n):
        start, end = bounds[i], bounds[i + 1]
        if start == end:
            previous_way = -1
            continue
        best = min(range(start, end), key=distances.__getitem__)
        if previous_way != -1 and ways[best] != previous_way:
            same = [j for j in range(start, end) if ways[j] == previous_way]
            if same:
                stay = min(same, key=distances.__getitem__)
                if distances[stay] <= distances[best] + sticky_m:
                    best = stay
        chosen[i] = pieces[best]
        previous_way = ways[best]
    return chosen


def build_surface_map(
    data: ExtractData,
    box: BBox,
    *,
    cell_m: float = CELL_M,
    radius_m: float = MATCH_RADIUS_M,
) -> SurfaceMap:
    """Classify the ways read from an extract and index their segments.

    Rules that depend on a built-up area (rule 5) are decided per segment, by whether the
    segment's midpoint lies in a built-up ring.

    Args:
        data: What :func:`~loadwatch.maps.reader.read_extract` read for ``box``.
        box: The box the map covers.
        cell_m: Grid cell size.
        radius_m: Largest search radius the index must support.
    """
    projection = LocalProjection.for_box(box)
    x, y = projection.forward(data.lat, data.lon)
    lengths = np.diff(data.way_offsets)
    way_of_node = np.repeat(np.arange(lengths.size), lengths)
    first = np.arange(max(0, x.size - 1))
    seg = first[
        (way_of_node[first] == way_of_node[first + 1])
        & np.isfinite(x[first])
        & np.isfinite(y[first])
        & np.isfinite(x[first + 1])
        & np.isfinite(y[first + 1])
    ]
    # Ways near the box were read whole enough to cross it; segments that stay outside the box
    # (widened by the radius) are dropped before anything is computed for them.
    x_min, y_min = projection.forward(box.lat_min, box.lon_min)
    x_max, y_max = projection.forward(box.lat_max, box.lon_max)
    extent = (float(x_min), float(y_min), float(x_max), float(y_max))
    sx1, sy1, sx2, sy2 = x[seg], y[seg], x[seg + 1], y[seg + 1]
    seg = seg[
        (np.maximum(sx1, sx2) >= extent[0] - radius_m)
        & (np.minimum(sx1, sx2) <= extent[2] + radius_m)
        & (np.maximum(sy1, sy2) >= extent[1] - radius_m)
        & (np.minimum(sy1, sy2) <= extent[3] + radius_m)
    ]
    seg_way = way_of_node[seg]
    plain: list[WayClass | None] = []
    built: list[WayClass | None] = []
    for tags in data.way_tags:
        plain.append(classify_way(tags))
        built.append(classify_way(tags, built_up=True))
    depends = np.array([a != b for a, b in zip(plain, built, strict=True)], dtype=bool)
    in_built_up = np.zeros(seg.size, dtype=bool)
    ask = depends[seg_way] if seg.size else np.zeros(0, dtype=bool)
    if ask.any():
        mid_x = (x[seg[ask]] + x[seg[ask] + 1]) / 2.0
        mid_y = (y[seg[ask]] + y[seg[ask] + 1]) / 2.0
        ring_x, ring_y = projection.forward(data.area_lat, data.area_lon)
        in_built_up[ask] = points_in_rings(mid_x, mid_y, ring_x, ring_y, data.area_offsets)
    seg_class = np.full(seg.size, -1, dtype=np.int8)
    seg_confident = np.zeros(seg.size, dtype=bool)
    for table, where in ((plain, ~in_built_up), (built, in_built_up)):
        codes = np.array([-1 if c is None else CLASS_CODE[c.surface] for c in table], np.int8)
        sure = np.array([c is not None and c.confident for c in table], dtype=bool)
        if codes.size:
            seg_class[where] = codes[seg_way[where]]
            seg_confident[where] = sure[seg_way[where]]
    classified = seg_class >= 0
    seg, seg_way = seg[classified], seg_way[classified]
    seg_class, seg_confident = seg_class[classified], seg_confident[classified]

    grid = SegmentGrid.build(
        x[seg],
        y[seg],
        x[seg + 1],
        y[seg + 1],
        extent=extent,
        cell_m=cell_m,
        radius_m=radius_m,
    )
    owner = grid.owner.astype(np.int64)
    return SurfaceMap(
        box=box,
        projection=projection,
        grid=grid,
        piece_class=seg_class[owner],
        piece_confident=seg_confident[owner],
        piece_way=data.way_ids[seg_way][owner] if seg.size else np.empty(0, np.int64),
    )
