"""A uniform grid over line segments in metres, for "which segments lie within r of this point".

Segments longer than a cell are cut into pieces no longer than a cell; each piece is listed in
every cell that its bounding box, widened by the search radius, overlaps (at most 3 x 3 cells).
A query then looks in the point's own cell only: every piece within the radius is listed there.
The cell lists are stored flat (compressed sparse rows): sorted cell keys, the start of each
cell's run in one array of piece numbers, so the whole index is a handful of numpy arrays.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import numpy.typing as npt

from loadwatch.ingest.geo import FloatArray

IntArray = npt.NDArray[np.int64]


@dataclasses.dataclass(frozen=True, eq=False)
class SegmentGrid:
    """Pieces of segments and the cells that list them.

    Attributes:
        x1: Piece start x (metres), float32.
        y1: Piece start y.
        x2: Piece end x.
        y2: Piece end y.
        owner: The segment each piece was cut from.
        origin: (x, y) of the grid's lower-left corner.
        cell_m: Cell size in metres.
        shape: Number of cells along x and y.
        radius_m: The largest search radius the cell lists guarantee.
        cell_keys: Sorted keys (``ix * ny + iy``) of non-empty cells.
        cell_starts: Start of each cell's run in ``cell_items``, plus the end.
        cell_items: Piece numbers, cell by cell.
    """

    x1: npt.NDArray[np.float32]
    y1: npt.NDArray[np.float32]
    x2: npt.NDArray[np.float32]
    y2: npt.NDArray[np.float32]
    owner: npt.NDArray[np.int32]
    origin: tuple[float, float]
    cell_m: float
    shape: tuple[int, int]
    radius_m: float
    cell_keys: IntArray
    cell_starts: IntArray
    cell_items: npt.NDArray[np.int32]

    @classmethod
    def build(
        cls,
        x1: FloatArray,
        y1: FloatArray,
        x2: FloatArray,
        y2: FloatArray,
        *,
        extent: tuple[float, float, float, float],
        cell_m: float,
        radius_m: float,
    ) -> SegmentGrid:
        """Index segments for queries inside ``extent`` (x_min, y_min, x_max, y_max).

        Args:
            x1: Segment start x, metres.
            y1: Segment start y.
            x2: Segment end x.
            y2: Segment end y.
            extent: The area queries will be made in; cells outside it are not kept.
            cell_m: Cell size (about twice the radius keeps lists short and pieces few).
            radius_m: Search radius the lists must cover.
        """
        x_min, y_min, x_max, y_max = extent
        nx = max(1, math.ceil((x_max - x_min) / cell_m))
        ny = max(1, math.ceil((y_max - y_min) / cell_m))
        dx, dy = x2 - x1, y2 - y1
        pieces = np.maximum(1, np.ceil(np.hypot(dx, dy) / cell_m)).astype(np.int64)
        owner = np.repeat(np.arange(x1.size, dtype=np.int64), pieces)
        k = np.arange(owner.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        t0 = k / pieces[owner]
        t1 = (k + 1) / pieces[owner]
        px1, py1 = x1[owner] + t0 * dx[owner], y1[owner] + t0 * dy[owner]
        px2, py2 = x1[owner] + t1 * dx[owner], y1[owner] + t1 * dy[owner]

        def cells(low: FloatArray, high: FloatArray, origin: float, n: int) -> tuple[IntArray, ...]:
            first = np.floor((low - radius_m - origin) / cell_m).astype(np.int64)
            last = np.floor((high + radius_m - origin) / cell_m).astype(np.int64)
            first, last = np.maximum(first, 0), np.minimum(last, n - 1)
            return first, np.maximum(last - first + 1, 0)

        ix0, cx = cells(np.minimum(px1, px2), np.maximum(px1, px2), x_min, nx)
        iy0, cy = cells(np.minimum(py1, py2), np.maximum(py1, py2), y_min, ny)
        count = cx * cy
        # Pieces beyond the extent (and the radius) are in no cell: drop them.
        listed = count > 0
        owner, count = owner[listed], count[listed]
        ix0, iy0, cy = ix0[listed], iy0[listed], cy[listed]
        px1, py1, px2, py2 = px1[listed], py1[listed], px2[listed], py2[listed]
        item = np.repeat(np.arange(owner.size, dtype=np.int64), count)
        local = np.arange(item.size) - np.repeat(np.cumsum(count) - count, count)
        keys = (ix0[item] + local // cy[item]) * ny + (iy0[item] + local % cy[item])
        order = np.argsort(keys, kind="stable")
        keys, item = keys[order], item[order]
        cell_keys, starts = np.unique(keys, return_index=True)
        return cls(
            x1=px1.astype(np.float32),
            y1=py1.astype(np.float32),
            x2=px2.astype(np.float32),
            y2=py2.astype(np.float32),
            owner=owner.astype(np.int32),
            origin=(float(x_min), float(y_min)),
            cell_m=float(cell_m),
            shape=(nx, ny),
            radius_m=float(radius_m),
            cell_keys=cell_keys.astype(np.int64),
            cell_starts=np.append(starts, keys.size).astype(np.int64),
            cell_items=item.astype(np.int32),
        )

    def near(
        self, x: FloatArray, y: FloatArray, radius_m: float
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """All (point, piece) pairs closer than ``radius_m``, ordered by point.

        Args:
            x: Query points' x, metres (NaN points find nothing).
            y: Query points' y.
            radius_m: At most :attr:`radius_m`.

        Returns:
            Point numbers, piece numbers, and distances in metres, one entry per pair.
        """
        if radius_m > self.radius_m:
            raise ValueError(f"radius {radius_m} m exceeds the index's {self.radius_m} m")
        nx, ny = self.shape
        with np.errstate(invalid="ignore"):
            ix = np.floor((x - self.origin[0]) / self.cell_m)
            iy = np.floor((y - self.origin[1]) / self.cell_m)
            usable = np.isfinite(ix) & np.isfinite(iy) & (ix >= 0) & (ix < nx)
            usable &= (iy >= 0) & (iy < ny)
        keys = np.where(usable, ix, 0).astype(np.int64) * ny + np.where(usable, iy, 0).astype(
            np.int64
        )
        empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
        if self.cell_keys.size == 0:
            return empty
        at = np.minimum(np.searchsorted(self.cell_keys, keys), self.cell_keys.size - 1)
        hit = usable & (self.cell_keys[at] == keys)
        start = np.where(hit, self.cell_starts[at], 0)
        count = np.where(hit, self.cell_starts[at + 1] - start, 0)
        point = np.repeat(np.arange(x.size, dtype=np.int64), count)
        if point.size == 0:
            return empty
        local = np.arange(point.size) - np.repeat(np.cumsum(count) - count, count)
        piece = self.cell_items[np.repeat(start, count) + local].astype(np.int64)
        distance = _point_segment_distance(
            x[point],
            y[point],
            self.x1[piece].astype(np.float64),
            self.y1[piece].astype(np.float64),
            self.x2[piece].astype(np.float64),
            self.y2[piece].astype(np.float64),
        )
        keep = distance <= radius_m
        return point[keep], piece[keep], distance[keep]


def _point_segment_distance(
    px: FloatArray, py: FloatArray, x1: FloatArray, y1: FloatArray, x2: FloatArray, y2: FloatArray
) -> FloatArray:
    """Distance from each point to its segment (to the nearer end past either end)."""
    vx, vy = x2 - x1, y2 - y1
    wx, wy = px - x1, py - y1
    length2 = vx * vx + vy * vy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(length2 > 0, (wx * vx + wy * vy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.asarray(np.hypot(wx - t * vx, wy - t * vy), dtype=np.float64)
