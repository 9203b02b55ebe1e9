"""Bounding boxes of runs, and the local metric projection the index works in.

The index projects longitude and latitude to metres with an equirectangular projection centred on
its box: ``x = R·cos(lat0)·Δlon``, ``y = R·Δlat``. North-south distances are exact (on the
sphere); east-west ones are off by a factor ``cos(lat)/cos(lat0)``, about ``tan(lat0)·Δlat`` in
radians: 0.2 % at 10 km from the centre at 50° N, 2 % at 100 km. Over the 25 m snapping radius that
is 5 cm and 50 cm, far below GPS noise. Boxes that cross the antimeridian are not supported.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from loadwatch.ingest.geo import EARTH_RADIUS_M, FloatArray, valid_positions

#: Margin added around runs: a way this far beyond a run's extreme point is still read.
DEFAULT_MARGIN_M = 200.0
#: Metres per degree of latitude on the sphere of :data:`~loadwatch.ingest.geo.EARTH_RADIUS_M`.
M_PER_DEG_LAT = EARTH_RADIUS_M * math.pi / 180.0


@dataclasses.dataclass(frozen=True)
class BBox:
    """A latitude/longitude box, in degrees (WGS84).

    Attributes:
        lat_min: Southern edge.
        lon_min: Western edge.
        lat_max: Northern edge.
        lon_max: Eastern edge.
    """

    lat_min: float
    lon_min: float
    lat_max: float
    lon_max: float

    def __post_init__(self) -> None:
        values = (self.lat_min, self.lon_min, self.lat_max, self.lon_max)
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"a bounding box needs finite edges, not {values}")
        if not (-90.0 <= self.lat_min <= self.lat_max <= 90.0):
            raise ValueError(f"bad latitudes in bounding box {values}")
        if not (-180.0 <= self.lon_min <= self.lon_max <= 180.0):
            raise ValueError(f"bad longitudes in bounding box {values}")

    @classmethod
    def around(
        cls, lat: npt.ArrayLike, lon: npt.ArrayLike, *, margin_m: float = DEFAULT_MARGIN_M
    ) -> BBox:
        """The box around a track's positioned points, widened by ``margin_m`` on every side.

        Args:
            lat: Latitudes in degrees (NaN where a point has no fix).
            lon: Longitudes in degrees.
            margin_m: Metres added on every side.

        Raises:
            ValueError: No point has a usable position.
        """
        lat_a = np.asarray(lat, dtype="float64").ravel()
        lon_a = np.asarray(lon, dtype="float64").ravel()
        keep = valid_positions(lat_a, lon_a)
        if not keep.any():
            raise ValueError("no point has a position to draw a box around")
        box = cls(
            float(lat_a[keep].min()),
            float(lon_a[keep].min()),
            float(lat_a[keep].max()),
            float(lon_a[keep].max()),
        )
        return box.expanded(margin_m)

    @classmethod
    def covering(cls, boxes: Iterable[BBox]) -> BBox:
        """The smallest box holding all of ``boxes``.

        Raises:
            ValueError: ``boxes`` is empty.
        """
        items = list(boxes)
        if not items:
            raise ValueError("no boxes to cover")
        return cls(
            min(b.lat_min for b in items),
            min(b.lon_min for b in items),
            max(b.lat_max for b in items),
            max(b.lon_max for b in items),
        )

    @property
    def center(self) -> tuple[float, float]:
        """(latitude, longitude) of the middle of the box."""
        return (self.lat_min + self.lat_max) / 2.0, (self.lon_min + self.lon_max) / 2.0

    @property
    def size_m(self) -> tuple[float, float]:
        """(width, height) in metres, the width measured at the box's middle latitude."""
        lat0 = math.radians(self.center[0])
        width = (self.lon_max - self.lon_min) * M_PER_DEG_LAT * math.cos(lat0)
        return width, (self.lat_max - self.lat_min) * M_PER_DEG_LAT

    def expanded(self, margin_m: float) -> BBox:
        """This box widened by ``margin_m`` on every side (clamped to the globe)."""
        dlat = margin_m / M_PER_DEG_LAT
        # Widen longitudes by the margin at the box's edge nearest a pole, where degrees are
        # shortest, so that the margin is at least ``margin_m`` everywhere.
        widest = max(abs(self.lat_min), abs(self.lat_max)) + dlat
        dlon = margin_m / (M_PER_DEG_LAT * max(math.cos(math.radians(min(widest, 89.0))), 1e-6))
        return BBox(
            max(-90.0, self.lat_min - dlat),
            max(-180.0, self.lon_min - dlon),
            min(90.0, self.lat_max + dlat),
            min(180.0, self.lon_max + dlon),
        )

    def rounded(self, step_deg: float = 0.01) -> BBox:
        """This box grown outward to multiples of ``step_deg`` (0.01° is about 1.1 km)."""
        return BBox(
            max(-90.0, math.floor(round(self.lat_min / step_deg, 6)) * step_deg),
            max(-180.0, math.floor(round(self.lon_min / step_deg, 6)) * step_deg),
            min(90.0, math.ceil(round(self.lat_max / step_deg, 6)) * step_deg),
            min(180.0, math.ceil(round(self.lon_max / step_deg, 6)) * step_deg),
        )

    def contains(self, other: BBox) -> bool:
        """Whether ``other`` lies wholly inside this box."""
        return (
            self.lat_min <= other.lat_min
            and self.lon_min <= other.lon_min
            and other.lat_max <= self.lat_max
            and other.lon_max <= self.lon_max
        )

    def intersects(self, other: BBox) -> bool:
        """Whether the two boxes share any point."""
        return not (
            other.lat_min > self.lat_max
            or other.lat_max < self.lat_min
            or other.lon_min > self.lon_max
            or other.lon_max < self.lon_min
        )

    def contains_points(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Which of the points lie inside the box (False for points without a position)."""
        lat_a = np.asarray(lat, dtype="float64")
        lon_a = np.asarray(lon, dtype="float64")
        with np.errstate(invalid="ignore"):
            inside = (
                (lat_a >= self.lat_min)
                & (lat_a <= self.lat_max)
                & (lon_a >= self.lon_min)
                & (lon_a <= self.lon_max)
            )
        return np.asarray(inside, dtype=bool)


def group_boxes(boxes: Iterable[BBox], *, gap_m: float = 10_000.0) -> list[BBox]:
    """Merge boxes that overlap or lie within ``gap_m`` of each other into covering boxes.

    A runner's history is usually one area plus a few trips; one box over all of it would span
    the country in between. Each group is loaded as its own map.

    Args:
        boxes: Boxes of single runs (see :meth:`BBox.around`).
        gap_m: Boxes closer than this end up in the same group.

    Returns:
        The groups' boxes, largest first.
    """
    groups: list[BBox] = []
    for box in boxes:
        reach = box.expanded(gap_m / 2.0)
        touching = [g for g in groups if g.expanded(gap_m / 2.0).intersects(reach)]
        if touching:
            groups = [g for g in groups if g not in touching]
            box = BBox.covering([box, *touching])
        groups.append(box)
    # Merging can bring two earlier groups within reach of each other: repeat until stable.
    merged = True
    while merged:
        merged = False
        for i, first in enumerate(groups):
            for second in groups[i + 1 :]:
                if first.expanded(gap_m / 2.0).intersects(second.expanded(gap_m / 2.0)):
                    groups = [g for g in groups if g is not first and g is not second]
                    groups.append(BBox.covering([first, second]))
                    merged = True
                    break
            if merged:
                break
    return sorted(groups, key=lambda g: -(g.size_m[0] * g.size_m[1]))


@dataclasses.dataclass(frozen=True)
class LocalProjection:
    """Equirectangular projection to metres around (``lat0``, ``lon0``); see the module docs."""

    lat0: float
    lon0: float

    @classmethod
    def for_box(cls, box: BBox) -> LocalProjection:
        """The projection centred on ``box``."""
        return cls(*box.center)

    @property
    def _kx(self) -> float:
        return M_PER_DEG_LAT * math.cos(math.radians(self.lat0))

    def forward(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Project degrees to (x east, y north) metres; NaN stays NaN."""
        lat_a = np.asarray(lat, dtype="float64")
        lon_a = np.asarray(lon, dtype="float64")
        x = (lon_a - self.lon0) * self._kx
        y = (lat_a - self.lat0) * M_PER_DEG_LAT
        return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
