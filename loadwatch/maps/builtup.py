"""Which points lie in a built-up area: even-odd point-in-polygon over the built-up rings.

Rings are closed ``landuse=residential|commercial|retail|industrial`` ways, projected to metres.
Each ring is tested only against the points inside its own bounding box (found by a binary search
on the points sorted by x), so the cost grows with points near rings, not points times rings.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from loadwatch.ingest.geo import FloatArray


def points_in_rings(
    x: FloatArray, y: FloatArray, ring_x: FloatArray, ring_y: FloatArray, offsets: npt.ArrayLike
) -> npt.NDArray[np.bool_]:
    """Whether each point lies inside any ring.

    Args:
        x: Point x coordinates (metres).
        y: Point y coordinates.
        ring_x: Ring vertex x coordinates, all rings flattened; each ring closed (last = first).
        ring_y: Ring vertex y coordinates.
        offsets: Start of each ring in ``ring_x``/``ring_y``, plus the end.

    Returns:
        A boolean per point; vertices with NaN coordinates (not read) make their ring's edges
        touching them drop out, so a ring read only in part is tested on what is known.
    """
    inside = np.zeros(x.shape, dtype=bool)
    bounds = np.asarray(offsets, dtype=np.int64)
    if x.size == 0 or bounds.size < 2:
        return inside
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        rx, ry = ring_x[start:end], ring_y[start:end]
        known = np.isfinite(rx) & np.isfinite(ry)
        if known.sum() < 3:
            continue
        lo = int(np.searchsorted(sorted_x, np.nanmin(rx), side="left"))
        hi = int(np.searchsorted(sorted_x, np.nanmax(rx), side="right"))
        if hi <= lo:
            continue
        candidates = order[lo:hi]
        candidates = candidates[(y[candidates] >= np.nanmin(ry)) & (y[candidates] <= np.nanmax(ry))]
        candidates = candidates[~inside[candidates]]
        if candidates.size == 0:
            continue
        inside[candidates] = _even_odd(x[candidates], y[candidates], rx, ry)
    return inside


def _even_odd(
    px: FloatArray, py: FloatArray, rx: FloatArray, ry: FloatArray
) -> npt.NDArray[np.bool_]:
    """Ray casting to +x: a point is inside when it crosses an odd number of edges."""
    x1, y1, x2, y2 = rx[:-1], ry[:-1], rx[1:], ry[1:]
    usable = np.isfinite(x1) & np.isfinite(y1) & np.isfinite(x2) & np.isfinite(y2) & (y1 != y2)
    x1, y1, x2, y2 = x1[usable], y1[usable], x2[usable], y2[usable]
    crossings = np.zeros(px.shape, dtype=np.int64)
    # Chunk the points so the edges x points matrix stays small for large rings.
    chunk = max(1, 2_000_000 // max(1, x1.size))
    for lo in range(0, px.size, chunk):
        qx = px[lo : lo + chunk, None]
        qy = py[lo : lo + chunk, None]
        straddles = (y1 > qy) != (y2 > qy)
        with np.errstate(divide="ignore", invalid="ignore"):
            at_x = x1 + (qy - y1) * (x2 - x1) / (y2 - y1)
        crossings[lo : lo + chunk] = np.count_nonzero(straddles & (qx < at_x), axis=1)
    return np.asarray(crossings % 2 == 1, dtype=bool)
