"""Loading a surface map: from the cache when it holds one for this extract and box, else built."""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from pathlib import Path

from loadwatch.maps import reader, store
from loadwatch.maps.bbox import BBox
from loadwatch.maps.surface_map import SurfaceMap, build_surface_map


def load_surface_map(
    extract: str | Path,
    bbox: BBox,
    *,
    cache_dir: str | Path | None = None,
) -> SurfaceMap:
    """The surface map of ``bbox`` from an OpenStreetMap extract, built once and then cached.

    The box is first rounded outward to :data:`~loadwatch.maps.store.BOX_STEP_DEG`; a cached map
    of the same extract (by content) whose box holds it is used as it is. Otherwise the extract
    is read (streaming, see :mod:`loadwatch.maps.reader`), the map built and written to the cache,
    replacing cached maps of smaller boxes of the same extract. A cache that cannot be written
    costs only speed: the map is returned and a :class:`RuntimeWarning` says why.

    Args:
        extract: An ``.osm.pbf``, ``.osm`` or ``.osm.bz2`` file covering the runs.
        bbox: The area runs are in (see :meth:`BBox.around`, :meth:`BBox.covering`).
        cache_dir: Where maps are cached; the user cache folder by default
            (:func:`~loadwatch.maps.store.default_cache_dir`).

    Raises:
        ConfigError: pyosmium is not installed, or the extract is missing, unreadable or not
            an OSM extract (the error names the file).
    """
    reader.import_osmium()
    path = Path(extract)
    reader.sniff_format(path)
    sha256 = store.file_sha256(path)
    box = bbox.rounded(store.BOX_STEP_DEG)
    folder = Path(cache_dir) if cache_dir is not None else store.default_cache_dir()
    for candidate in store.cached_candidates(folder, sha256, box):
        cached = store.load(candidate, sha256)
        if cached is not None:
            return cached
        with contextlib.suppress(OSError):  # damaged: do not try it again next time
            candidate.unlink()
    data = reader.read_extract(path, box)
    built = build_surface_map(data, box)
    target = store.cache_path(folder, sha256, box)
    try:
        store.save(dataclasses.replace(built, extract_sha256=sha256), target)
    except OSError as error:
        warnings.warn(
            f"could not cache the surface map in {folder} ({error}); it will be built again "
            "next time",
            RuntimeWarning,
            stacklevel=2,
        )
        return dataclasses.replace(built, extract_sha256=sha256)
    store.remove_superseded(folder, sha256, box, target)
    return dataclasses.replace(built, extract_sha256=sha256, cache_path=target)
