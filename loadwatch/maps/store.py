"""The on-disk cache of built surface maps: one ``.npz`` of plain arrays per extract and box.

A file is named after the index format, the rules' fingerprint, the extract's SHA-256 and the
(rounded) box, so a changed extract, changed rules or a box outside every cached one simply find
no file and the map is rebuilt; a box inside a cached one reuses it. Files are written to a
temporary name and renamed into place, so a reader never sees half a file. A file that does not
load (truncated, a bad zip CRC, a wrong magic string or version, arrays that disagree) counts as
absent and is replaced. Nothing in the file is pickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from loadwatch.errors import ConfigError
from loadwatch.maps.bbox import BBox, LocalProjection
from loadwatch.maps.grid import SegmentGrid
from loadwatch.maps.rules import rules_version
from loadwatch.maps.surface_map import SurfaceMap
from loadwatch.settings.dirs import user_cache_dir

#: Bumped whenever the arrays or their meaning change; older files are then ignored.
FORMAT_VERSION = 1
MAGIC = "loadwatch-surface-map"
#: Boxes are rounded outward to this many degrees before they key the cache (about 1.1 km).
BOX_STEP_DEG = 0.01

_ARRAYS = (
    "x1",
    "y1",
    "x2",
    "y2",
    "owner",
    "cell_keys",
    "cell_starts",
    "cell_items",
    "piece_class",
    "piece_confident",
    "piece_way",
)
_NAME = re.compile(r"_(-?\d+)_(-?\d+)_(-?\d+)_(-?\d+)\.npz$")


def default_cache_dir() -> Path:
    """Where maps are cached on this platform (``$XDG_CACHE_HOME/loadwatch/maps`` on Linux)."""
    return user_cache_dir() / "maps"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks.

    Raises:
        ConfigError: The file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError as error:
        raise ConfigError("map extract not found", path=path) from error
    except OSError as error:
        raise ConfigError(f"map extract cannot be read: {error.strerror}", path=path) from error


def _prefix(sha256: str) -> str:
    return f"surfaces-v{FORMAT_VERSION}-{rules_version()}-{sha256[:24]}"


def _box_units(box: BBox) -> tuple[int, int, int, int]:
    return (
        round(box.lat_min / BOX_STEP_DEG),
        round(box.lon_min / BOX_STEP_DEG),
        round(box.lat_max / BOX_STEP_DEG),
        round(box.lon_max / BOX_STEP_DEG),
    )


def cache_path(cache_dir: Path, sha256: str, box: BBox) -> Path:
    """The file a map of ``box`` (already rounded) from the extract ``sha256`` is kept in."""
    units = "_".join(str(unit) for unit in _box_units(box))
    return cache_dir / f"{_prefix(sha256)}_{units}.npz"


def cached_candidates(cache_dir: Path, sha256: str, box: BBox) -> list[Path]:
    """Cache files of this extract whose box holds ``box`` (rounded), smallest box first."""
    lat0, lon0, lat1, lon1 = _box_units(box)
    found: list[tuple[int, Path]] = []
    for path, (a, b, c, d) in _cached_boxes(cache_dir, sha256):
        if a <= lat0 and b <= lon0 and lat1 <= c and lon1 <= d:
            found.append(((c - a) * (d - b), path))
    return [path for _, path in sorted(found)]


def _cached_boxes(cache_dir: Path, sha256: str) -> list[tuple[Path, tuple[int, int, int, int]]]:
    found = []
    with contextlib.suppress(OSError):
        for path in cache_dir.glob(f"{_prefix(sha256)}_*.npz"):
            match = _NAME.search(path.name)
            if match is not None:
                a, b, c, d = (int(group) for group in match.groups())
                found.append((path, (a, b, c, d)))
    return found


def save(surface_map: SurfaceMap, path: Path) -> None:
    """Write ``surface_map`` to ``path`` atomically (a temporary file renamed into place).

    Raises:
        OSError: The cache folder cannot be created or written.
    """
    grid = surface_map.grid
    meta = {
        "magic": MAGIC,
        "version": FORMAT_VERSION,
        "rules": rules_version(),
        "extract_sha256": surface_map.extract_sha256,
        "box": [
            surface_map.box.lat_min,
            surface_map.box.lon_min,
            surface_map.box.lat_max,
            surface_map.box.lon_max,
        ],
        "projection": [surface_map.projection.lat0, surface_map.projection.lon0],
        "origin": list(grid.origin),
        "cell_m": grid.cell_m,
        "shape": list(grid.shape),
        "radius_m": grid.radius_m,
    }
    arrays: dict[str, Any] = {
        "magic": np.array(MAGIC),
        "meta": np.array(json.dumps(meta)),
        "x1": grid.x1,
        "y1": grid.y1,
        "x2": grid.x2,
        "y2": grid.y2,
        "owner": grid.owner,
        "cell_keys": grid.cell_keys,
        "cell_starts": grid.cell_starts,
        "cell_items": grid.cell_items,
        "piece_class": surface_map.piece_class,
        "piece_confident": surface_map.piece_confident,
        "piece_way": surface_map.piece_way,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
        dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            np.savez_compressed(handle, allow_pickle=False, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        Path(handle.name).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(handle.name).unlink()
        raise


def load(path: Path, sha256: str) -> SurfaceMap | None:
    """Read a cached map, or ``None`` when the file is missing, damaged or from elsewhere."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            if str(archive["magic"]) != MAGIC:
                return None
            meta = json.loads(str(archive["meta"]))
            arrays = {name: archive[name] for name in _ARRAYS}
        return _from_arrays(meta, arrays, sha256, path)
    except Exception:  # any damage at all (zip, zlib, JSON, shapes) means: build it again
        return None


def _from_arrays(
    meta: dict[str, Any], arrays: dict[str, np.ndarray[Any, Any]], sha256: str, path: Path
) -> SurfaceMap | None:
    if (
        meta.get("magic") != MAGIC
        or meta.get("version") != FORMAT_VERSION
        or meta.get("rules") != rules_version()
        or meta.get("extract_sha256") != sha256
    ):
        return None
    pieces = arrays["x1"].size
    per_piece = ("y1", "x2", "y2", "owner", "piece_class", "piece_confident", "piece_way")
    if any(arrays[name].shape != (pieces,) for name in per_piece):
        return None
    if arrays["cell_starts"].shape != (arrays["cell_keys"].size + 1,):
        return None
    if arrays["cell_starts"].size and arrays["cell_starts"][-1] != arrays["cell_items"].size:
        return None
    if arrays["cell_items"].size and not 0 <= arrays["cell_items"].max() < max(pieces, 1):
        return None
    nx, ny = (int(value) for value in meta["shape"])
    grid = SegmentGrid(
        x1=arrays["x1"].astype(np.float32),
        y1=arrays["y1"].astype(np.float32),
        x2=arrays["x2"].astype(np.float32),
        y2=arrays["y2"].astype(np.float32),
        owner=arrays["owner"].astype(np.int32),
        origin=(float(meta["origin"][0]), float(meta["origin"][1])),
        cell_m=float(meta["cell_m"]),
        shape=(nx, ny),
        radius_m=float(meta["radius_m"]),
        cell_keys=arrays["cell_keys"].astype(np.int64),
        cell_starts=arrays["cell_starts"].astype(np.int64),
        cell_items=arrays["cell_items"].astype(np.int32),
    )
    return SurfaceMap(
        box=BBox(*(float(value) for value in meta["box"])),
        projection=LocalProjection(float(meta["projection"][0]), float(meta["projection"][1])),
        grid=grid,
        piece_class=arrays["piece_class"].astype(np.int8),
        piece_confident=arrays["piece_confident"].astype(bool),
        piece_way=arrays["piece_way"].astype(np.int64),
        extract_sha256=sha256,
        cache_path=path,
        from_cache=True,
    )


def remove_superseded(cache_dir: Path, sha256: str, box: BBox, keep: Path) -> None:
    """Delete this extract's cache files whose box lies inside ``box`` (best effort)."""
    lat0, lon0, lat1, lon1 = _box_units(box)
    for path, (a, b, c, d) in _cached_boxes(cache_dir, sha256):
        if path != keep and lat0 <= a and lon0 <= b and c <= lat1 and d <= lon1:
            with contextlib.suppress(OSError):
                path.unlink()
