"""Streaming the ways a run can touch out of an OpenStreetMap extract, with pyosmium.

Three passes over the file, each restricted to one kind of object so that libosmium skips the rest:

1. **nodes**: keep the id and position of every node inside the box or within :data:`HALO_M` of
   it (numpy arrays sorted by id);
2. **ways** tagged ``highway``, ``leisure`` or ``landuse`` (pre-filtered in C++): keep those a rule
   classifies, and built-up ``landuse`` rings, that reference a node kept in pass 1, and note the
   nodes they need beyond it: the neighbours of a way's nodes inside the box (a long segment
   leaving the box), and every node of a ring;
3. **nodes** again, only those noted and not already kept (often none), if any.

Memory grows with what lies in and near the box, not with the extract: no location cache of the
whole file is built (pyosmium's ``NodeLocationsForWays`` would keep every node of a country
extract, gigabytes), and way candidates are checked in batches. The price is that pass 1 hands
every node of the file to Python, a few microseconds each. Not read: built-up areas mapped as
multipolygon relations or with no node near the box, and segments crossing the box with both ends
beyond the halo.
"""

from __future__ import annotations

import dataclasses
import os
from array import array
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from loadwatch.errors import ConfigError
from loadwatch.maps.bbox import BBox
from loadwatch.maps.rules import BUILT_UP_LANDUSE, RULE_KEYS, classify_way

#: What to tell a user who asked for a map without pyosmium installed.
INSTALL_HINT = "pip install 'loadwatch[maps]'"
#: Pass 1 keeps the nodes this close to the box too: built-up rings with a node there are read
#: (the ring around a town can hold the whole box without a node in it), and the ends of ways
#: leaving the box are usually among them, which spares pass 3.
HALO_M = 2000.0
#: Way candidates are checked against the box this many node references at a time.
_BATCH_REFS = 1_000_000
#: libosmium's id sets keep one bitmap per block of 2**22 ids (512 kB each) ...
_ID_CHUNK_BITS = 22
#: ... so pass 3 filters ids in C++ only while they fall in at most this many blocks (32 MB).
_MAX_FILTER_CHUNKS = 64
#: OSM stores coordinates as integers of 1e-7 degree.
_COORD_SCALE = 10_000_000

IntArray = npt.NDArray[np.int64]


def import_osmium() -> ModuleType:
    """Import pyosmium, or say how to install it.

    Raises:
        ConfigError: pyosmium is not installed.
    """
    try:
        import osmium  # type: ignore[import-not-found, unused-ignore]
    except ImportError as error:
        raise ConfigError(
            f"reading an OpenStreetMap extract needs pyosmium: {INSTALL_HINT}"
        ) from error
    module: ModuleType = osmium
    return module


@dataclasses.dataclass(frozen=True)
class ExtractData:
    """The ways and built-up areas of an extract that touch a box.

    Node positions are flattened: way ``i`` has the nodes ``offsets[i]:offsets[i+1]`` of
    ``lat``/``lon`` (NaN where a node was not read: outside the box and not needed).

    Attributes:
        way_ids: OSM id of each way.
        way_tags: Each way's tags, only the keys the rules read.
        way_offsets: Start of each way's nodes, plus the end.
        lat: Node latitudes, degrees.
        lon: Node longitudes, degrees.
        area_offsets: Start of each built-up ring's nodes, plus the end.
        area_lat: Ring node latitudes.
        area_lon: Ring node longitudes.
        nodes_scanned: Nodes in the whole file (pass 1).
    """

    way_ids: IntArray
    way_tags: tuple[dict[str, str], ...]
    way_offsets: IntArray
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    area_offsets: IntArray
    area_lat: npt.NDArray[np.float64]
    area_lon: npt.NDArray[np.float64]
    nodes_scanned: int


def sniff_format(path: Path) -> str:
    """The libosmium format name of an extract, from its first bytes.

    Raises:
        ConfigError: The file is missing, unreadable, or not an OSM extract.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except FileNotFoundError as error:
        raise ConfigError("map extract not found", path=path) from error
    except OSError as error:
        raise ConfigError(f"map extract cannot be read: {error.strerror}", path=path) from error
    if head.startswith(b"BZh"):
        return "osm.bz2"
    if head.startswith(b"\x1f\x8b"):
        return "osm.gz"
    if b"OSMHeader" in head[:32]:
        return "pbf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<osm")):
        if b"<osmChange" in head:
            raise ConfigError("is an OSM change file, not a map extract", path=path)
        return "osm"
    raise ConfigError(
        "is not an OpenStreetMap extract (expected .osm.pbf, .osm or .osm.bz2; "
        "download one for your region, e.g. from download.geofabrik.de)",
        path=path,
    )


def read_extract(path: Path, box: BBox) -> ExtractData:
    """Read the classified ways and built-up rings of ``path`` that touch ``box``.

    Args:
        path: An ``.osm.pbf``, ``.osm`` or ``.osm.bz2`` file.
        box: Only ways with a node in this box are read.

    Raises:
        ConfigError: pyosmium is missing, or the file is missing or not a readable extract.
    """
    osmium = import_osmium()
    fmt = sniff_format(path)
    try:
        return _read(osmium, path, fmt, box)
    except ConfigError:
        raise
    except (RuntimeError, OSError, ValueError, KeyError) as error:
        raise ConfigError(
            f"cannot be read as an OpenStreetMap extract ({error}); download it again",
            path=path,
        ) from error


def _open(osmium: ModuleType, path: Path, fmt: str) -> Any:
    return osmium.io.File(os.fspath(path), fmt)


def _read(osmium: ModuleType, path: Path, fmt: str, box: BBox) -> ExtractData:
    near_ids, near_lat, near_lon, scanned = _nodes_near(
        osmium, _open(osmium, path, fmt), box.expanded(HALO_M)
    )
    inside = box.contains_points(near_lat, near_lon)
    ways = _WayCollector(near_ids[inside], near_ids)
    processor = osmium.FileProcessor(_open(osmium, path, fmt), osmium.osm.WAY).with_filter(
        osmium.filter.KeyFilter("highway", "leisure", "landuse")
    )
    for way in processor:
        ways.offer(way)
    ways.flush()
    wanted = ways.wanted()
    extra_ids, extra_lat, extra_lon = _nodes_by_id(
        osmium, path, fmt, wanted[~_member(wanted, near_ids)]
    )

    ids = np.concatenate([near_ids, extra_ids])
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    lat = np.concatenate([near_lat, extra_lat])[order]
    lon = np.concatenate([near_lon, extra_lon])[order]
    way_lat, way_lon = _locate(ways.refs(kind="way"), ids, lat, lon)
    area_lat, area_lon = _locate(ways.refs(kind="area"), ids, lat, lon)
    return ExtractData(
        way_ids=np.asarray(ways.way_ids, dtype=np.int64),
        way_tags=tuple(ways.way_tags),
        way_offsets=ways.offsets(kind="way"),
        lat=way_lat,
        lon=way_lon,
        area_offsets=ways.offsets(kind="area"),
        area_lat=area_lat,
        area_lon=area_lon,
        nodes_scanned=scanned,
    )


def _nodes_near(
    osmium: ModuleType, source: Any, halo: BBox
) -> tuple[IntArray, npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """Pass 1: ids (sorted) and positions of the nodes inside ``halo``, and how many nodes the
    file has."""
    x_min, x_max = round(halo.lon_min * _COORD_SCALE), round(halo.lon_max * _COORD_SCALE)
    y_min, y_max = round(halo.lat_min * _COORD_SCALE), round(halo.lat_max * _COORD_SCALE)
    ids, xs, ys = array("q"), array("i"), array("i")
    scanned = 0
    for node in osmium.FileProcessor(source, osmium.osm.NODE):
        scanned += 1
        location = node.location
        x, y = location.x, location.y  # an invalid location is far outside any box
        if x_min <= x <= x_max and y_min <= y <= y_max:
            ids.append(node.id)
            xs.append(x)
            ys.append(y)
    id_array = np.frombuffer(ids, dtype=np.int64) if ids else np.empty(0, np.int64)
    order = np.argsort(id_array, kind="stable")
    lat = np.frombuffer(ys, dtype=np.int32).astype(np.float64)[order] / _COORD_SCALE
    lon = np.frombuffer(xs, dtype=np.int32).astype(np.float64)[order] / _COORD_SCALE
    return id_array[order], lat, lon, scanned


def _nodes_by_id(
    osmium: ModuleType, path: Path, fmt: str, wanted: IntArray
) -> tuple[IntArray, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Pass 3: positions of the nodes in ``wanted``.

    libosmium's id filter drops the other nodes in C++, twenty times faster than handing them
    to Python, but keeps a bitmap of 512 kB per block of 2**22 ids it holds: ids spread over a
    real extract's id range would cost up to 1.4 GB. It is used only while that stays within
    :data:`_MAX_FILTER_CHUNKS` blocks; otherwise Python looks each node up in a set.
    """
    ids: list[int] = []
    lat: list[float] = []
    lon: list[float] = []
    blocks = np.unique(wanted >> _ID_CHUNK_BITS).size
    if wanted.size and blocks <= _MAX_FILTER_CHUNKS:
        processor = osmium.FileProcessor(_open(osmium, path, fmt), osmium.osm.NODE).with_filter(
            osmium.filter.IdFilter(wanted.tolist())
        )
        for node in processor:
            location = node.location
            if location.valid():
                ids.append(node.id)
                lat.append(location.lat)
                lon.append(location.lon)
    elif wanted.size:
        wanted_set = set(wanted.tolist())
        for node in osmium.FileProcessor(_open(osmium, path, fmt), osmium.osm.NODE):
            node_id = node.id
            if node_id in wanted_set:
                location = node.location
                if location.valid():
                    ids.append(node_id)
                    lat.append(location.lat)
                    lon.append(location.lon)
    return (
        np.asarray(ids, dtype=np.int64),
        np.asarray(lat, dtype=np.float64),
        np.asarray(lon, dtype=np.float64),
    )


def _member(refs: IntArray, ids: IntArray) -> npt.NDArray[np.bool_]:
    """Which of ``refs`` are in the sorted array ``ids``."""
    if not ids.size:
        return np.zeros(refs.shape, dtype=bool)
    at = np.minimum(np.searchsorted(ids, refs), ids.size - 1)
    return np.asarray(ids[at] == refs, dtype=bool)


def _locate(
    refs: IntArray, ids: IntArray, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Positions of ``refs`` looked up in the sorted ``ids``; NaN where a node was not read."""
    out_lat = np.full(refs.shape, np.nan)
    out_lon = np.full(refs.shape, np.nan)
    if ids.size and refs.size:
        at = np.minimum(np.searchsorted(ids, refs), ids.size - 1)
        found = ids[at] == refs
        out_lat[found] = lat[at[found]]
        out_lon[found] = lon[at[found]]
    return out_lat, out_lon


class _WayCollector:
    """Pass 2: candidate ways, checked against the ids of the nodes near the box in batches."""

    def __init__(self, box_ids: IntArray, halo_ids: IntArray) -> None:
        self._box_ids = box_ids
        self._halo_ids = halo_ids
        self._batch: list[tuple[str, int, dict[str, str], list[int]]] = []
        self._batch_refs = 0
        self.way_ids: list[int] = []
        self.way_tags: list[dict[str, str]] = []
        self._refs: dict[str, list[IntArray]] = {"way": [], "area": []}
        self._wanted: list[IntArray] = []

    def offer(self, way: Any) -> None:
        """Queue ``way`` if a rule classifies it or it is a built-up ring."""
        tags = way.tags
        kind: str | None = None
        kept: dict[str, str] = {}
        if "highway" in tags or tags.get("leisure") == "track":
            kept = {key: tags[key] for key in RULE_KEYS if key in tags}
            if classify_way(kept) is not None or classify_way(kept, built_up=True) is not None:
                kind = "way"
        if kind is None and tags.get("landuse") in BUILT_UP_LANDUSE:
            kind = "area"
        if kind is None:
            return
        refs = [node.ref for node in way.nodes]
        if len(refs) < 2 or (kind == "area" and (len(refs) < 4 or refs[0] != refs[-1])):
            return
        self._batch.append((kind, int(way.id), kept, refs))
        self._batch_refs += len(refs)
        if self._batch_refs >= _BATCH_REFS:
            self.flush()

    def flush(self) -> None:
        """Keep the queued ways with a node near the box; note the nodes they need beyond it."""
        if not self._batch:
            return
        lengths = np.fromiter((len(item[3]) for item in self._batch), np.int64, len(self._batch))
        refs = np.fromiter(
            (ref for item in self._batch for ref in item[3]), np.int64, int(lengths.sum())
        )
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        inside = _member(refs, self._box_ids)
        near = np.add.reduceat(_member(refs, self._halo_ids).astype(np.int64), starts) > 0
        # Outside nodes next to an inside one, within the same way: the segment crosses the edge.
        ends = starts + lengths
        left = np.zeros(refs.size, dtype=bool)
        left[1:] = inside[:-1]
        left[starts] = False
        right = np.zeros(refs.size, dtype=bool)
        right[:-1] = inside[1:]
        right[ends - 1] = False
        neighbour = left | right
        for index, (kind, way_id, tags, _) in enumerate(self._batch):
            if not near[index]:
                continue
            span = slice(int(starts[index]), int(ends[index]))
            need = ~inside[span] if kind == "area" else (~inside[span] & neighbour[span])
            self._wanted.append(refs[span][need])
            self._refs[kind].append(refs[span])
            if kind == "way":
                self.way_ids.append(way_id)
                self.way_tags.append(tags)
        self._batch = []
        self._batch_refs = 0

    def wanted(self) -> IntArray:
        """Ids of the outside nodes the kept ways need, each once."""
        if not self._wanted:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate(self._wanted))

    def refs(self, *, kind: str) -> IntArray:
        """All node references of the kept ways (``"way"``) or rings (``"area"``), flattened."""
        parts = self._refs[kind]
        return np.concatenate(parts) if parts else np.empty(0, np.int64)

    def offsets(self, *, kind: str) -> IntArray:
        """Start of each kept way's (or ring's) references, plus the end."""
        lengths = [part.size for part in self._refs[kind]]
        return np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64)


def iter_ways(data: ExtractData) -> Iterator[tuple[int, dict[str, str], slice]]:
    """Each way's id, tags, and the slice of its nodes in ``data.lat``/``data.lon``."""
    for index, way_id in enumerate(data.way_ids.tolist()):
        start, end = int(data.way_offsets[index]), int(data.way_offsets[index + 1])
        yield way_id, data.way_tags[index], slice(start, end)
