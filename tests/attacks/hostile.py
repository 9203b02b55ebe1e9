"""Hostile inputs for the attack suite and benchmarks/hostile.py, built in memory in moments.

Zip bombs are written by hand (local headers, central directory) around one deflate stream of
repeated bytes, which compresses a thousandfold, so that a 255 MB member costs a quarter of a
MB and one compression, however many entries use it.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from loadwatch.ingest.readers._fitprofile import crc16

START = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
MB = 1024 * 1024


# --- XML -----------------------------------------------------------------------------------


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(START.timestamp() + seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tcx(points: Sequence[tuple[float, str]], *, lap_s: str = "600", lap_m: str = "2000") -> bytes:
    """A TCX run: ``(seconds from the start, DistanceMeters text)`` per trackpoint."""
    track = "".join(
        f"<Trackpoint><Time>{_when(t)}</Time><Position><LatitudeDegrees>{47 + k * 1e-4:.5f}"
        "</LatitudeDegrees><LongitudeDegrees>8.0</LongitudeDegrees></Position>"
        f"<DistanceMeters>{d}</DistanceMeters></Trackpoint>"
        for k, (t, d) in enumerate(points)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
        f'<Id>{_when(0)}</Id><Lap StartTime="{_when(0)}"><TotalTimeSeconds>{lap_s}'
        f"</TotalTimeSeconds><DistanceMeters>{lap_m}</DistanceMeters><Track>{track}</Track>"
        "</Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def tcx_claiming_4e9_m() -> bytes:
    """Issue 13 #5: a small TCX whose distance counter says 4e9 m (no lap totals to go by)."""
    return tcx([(0, "0"), (10, "4000000000"), (20, "4000000000")], lap_s="", lap_m="")


def tcx_huge_finite() -> bytes:
    """Issue 13 #16: finite huge numbers in the distance counter."""
    return tcx([(0, "-1e308"), (10, "1e308"), (20, "1e308")], lap_s="", lap_m="")


def tcx_huge_lap_totals() -> bytes:
    """Issue 13 #16: laps of 1.7e308 s and m (a believable speed of 1 m/s)."""
    return tcx([(0, "0"), (600, "2000")], lap_s="1.7e308", lap_m="1.7e308")


def gpx_points(count: int) -> bytes:
    """A GPX track of ``count`` points (one repeated, a second apart in spirit)."""
    point = b'<trkpt lat="47.0" lon="8.0"><ele>400</ele><time>2025-03-03T07:00:00Z</time></trkpt>'
    return (
        b'<?xml version="1.0"?><gpx version="1.1" creator="x" '
        b'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>'
        + point * count
        + b"</trkseg></trk></gpx>"
    )


def tcx_points(count: int) -> bytes:
    """A TCX activity of ``count`` trackpoints (one repeated)."""
    point = (
        b"<Trackpoint><Time>2025-03-03T07:00:00Z</Time><DistanceMeters>5</DistanceMeters>"
        b"</Trackpoint>"
    )
    return (
        b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>'
        b"2025-03-03T07:00:00Z</Id><Lap><Track>"
        + point * count
        + b"</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    )


# --- FIT -----------------------------------------------------------------------------------

_FILE_ID_DEF = struct.pack("<BBBHB", 0x40, 0, 0, 0, 1) + bytes([0, 1, 0x00])
_FILE_ID = bytes([0x00, 4])  # type: activity
# record: timestamp, position_lat, position_long, distance (cm), heart_rate
_RECORD_DEF = struct.pack("<BBBHB", 0x41, 0, 0, 20, 5) + bytes(
    [253, 4, 0x86, 0, 4, 0x85, 1, 4, 0x85, 5, 4, 0x86, 3, 1, 0x02]
)


def _record(second: int) -> bytes:
    stamp = int(START.timestamp() - _FIT_EPOCH.timestamp()) + second
    lat = int(47.0 / 180 * 2**31) + second * 40
    return b"\x01" + struct.pack("<IiiIB", stamp, lat, int(8.0 / 180 * 2**31), second * 300, 150)


def fit(records: int, *, define_every_record: bool = False) -> bytes:
    """A FIT activity of ``records`` one-second records (a definition before each, if asked)."""
    body = [_FILE_ID_DEF, _FILE_ID, _RECORD_DEF]
    for second in range(records):
        if define_every_record and second:
            body.append(_RECORD_DEF)
        body.append(_record(second))
    messages = b"".join(body)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(messages), b".FIT")
    header += struct.pack("<H", crc16(header, 0, 12))
    data = header + messages
    return data + struct.pack("<H", crc16(data, 0, len(data)))


# --- zip -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deflated:
    """One member's data, raw-deflated, with what a zip entry says of it."""

    data: bytes
    crc: int
    size: int


@functools.lru_cache(maxsize=8)
def repeated(size: int, head: bytes = b"") -> Deflated:
    """``head`` then zero bytes, ``size`` in all, raw-deflated (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(MB)
    parts = [packer.compress(head)]
    crc = zlib.crc32(head)
    left = size - len(head)
    while left > 0:
        chunk = block[: min(MB, left)]
        parts.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        left -= len(chunk)
    parts.append(packer.flush())
    return Deflated(b"".join(parts), crc, size)


def stored(data: bytes) -> Deflated:
    """``data`` deflated, to put in a zip."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Deflated(packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def zip_of(
    members: Sequence[tuple[str, Deflated]], *, declared: int | None = None, overlap: int = 0
) -> bytes:
    """A zip archive of ``members`` (deflated); ``declared`` makes every entry lie about its
    size; ``overlap`` adds that many extra entries pointing at the first member's bytes."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    entries = list(members)
    for name, member in entries:
        raw = name.encode()
        size = member.size if declared is None else declared
        fields = (20, 0, 8, 0, 0, member.crc, len(member.data), size, len(raw), 0)
        header = struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields) + raw
        central.append(_central(raw, fields, offset))
        local.append(header + member.data)
        offset += len(header) + len(member.data)
    if overlap and entries:
        name, member = entries[0]
        size = member.size if declared is None else declared
        fields = (20, 0, 8, 0, 0, member.crc, len(member.data), size, len(name.encode()), 0)
        for n in range(overlap):
            central.append(_central(f"{n}-{name}".encode(), fields, 0))
    directory = b"".join(central)
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0
    )
    return b"".join(local) + directory + end


def _central(raw: bytes, fields: tuple[int, ...], offset: int) -> bytes:
    version, flags, method, time, date, crc, csize, usize, _, _ = fields
    return (
        struct.pack(
            "<4s6H3I5H2I",
            b"PK\x01\x02",
            20,
            version,
            flags,
            method,
            time,
            date,
            crc,
            csize,
            usize,
            len(raw),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + raw
    )


FIT_HEAD = struct.pack("<BBHI4s", 12, 0x10, 0, 0x7FFFFFFF, b".FIT")


def zip_of_bombs(count: int, size: int, *, declared: int | None = None) -> bytes:
    """``count`` members named ``n.fit``, each a FIT header then ``size`` bytes of zeros."""
    member = repeated(size, FIT_HEAD)
    return zip_of([(f"{n:02d}.fit", member) for n in range(count)], declared=declared)


def nested_42(outer: int = 4, inner: int = 16, size: int = 255 * MB) -> bytes:
    """A 42.zip-style archive: ``outer`` zips, each of ``inner`` members of ``size`` bytes."""
    one = stored(zip_of_bombs(inner, size))
    return zip_of([(f"{n}.zip", one) for n in range(outer)])


def overlapping(entries: int = 60, size: int = 200 * MB) -> bytes:
    """One member of ``size`` bytes, and ``entries`` more entries pointing at its bytes."""
    return zip_of([("0.fit", repeated(size, FIT_HEAD))], overlap=entries)


# --- Apple Health exports ------------------------------------------------------------------

APPLE_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
_APPLE_WORKOUT = (
    b' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" '
    b'durationUnit="min" sourceName="Apple Watch" startDate="2025-03-03 07:00:00 +0000" '
    b'endDate="2025-03-03 07:30:00 +0000"><WorkoutRoute>'
    b'<FileReference path="/workout-routes/route_1.gpx"/></WorkoutRoute></Workout>\n'
)
#: A step count as Apple writes it (about 300 bytes), repeated to make an export large.
APPLE_RECORD = (
    b' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" '
    b'sourceVersion="17.4" device="&lt;&lt;HKDevice: 0x300b4c370&gt;, name:iPhone&gt;" '
    b'unit="count" creationDate="2025-03-03 08:10:00 +0000" '
    b'startDate="2025-03-03 07:59:00 +0000" endDate="2025-03-03 08:09:00 +0000" value="812"/>\n'
)


def apple_export(workouts: int = 1) -> bytes:
    """A small, whole ``export.xml``: ``workouts`` runs naming the route file route_1.gpx."""
    return APPLE_HEAD + _APPLE_WORKOUT * workouts + b"</HealthData>\n"


def deflated_stream(head: bytes, unit: bytes, size: int) -> Deflated:
    """``head`` then ``unit`` again and again, ``size`` bytes in all (up to 4 GB), raw-deflated
    in moments: 16 MB of units are compressed once, after a full flush, and its bytes repeated
    (a full flush forgets all history, so the same input gives the same output each time)."""
    block = unit * (16 * MB // len(unit))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    compressed = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    blocks = (size - len(head)) // len(block)
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    data = start + compressed * blocks + packer.flush()
    return Deflated(data, crc, len(head) + blocks * len(block))


#: A step count with 16 kB of spaces inside its tag (legal XML), which deflate packs 800-fold
#: (plain records, each a little different from a run, pack only 250-fold).
APPLE_PADDED_RECORD = APPLE_RECORD.replace(b"/>", b" " * (16 * 1024) + b"/>")


def apple_bomb(size: int = 4_000_000_000, unit: bytes = APPLE_PADDED_RECORD) -> Deflated:
    """An ``export.xml`` of ``size`` bytes: a head, then ``unit`` repeated (padded step counts
    by default), never ending: 4 GB deflate to about 5 MB."""
    return deflated_stream(APPLE_HEAD, unit, size)


def apple_zip(member: Deflated) -> bytes:
    """An ``export.zip`` as the Health app writes it, holding ``member`` as its export.xml."""
    return zip_of([("apple_health_export/export.xml", member)])


def apple_zip_nested(member: Deflated) -> bytes:
    """A zip holding an ``export.zip`` (stored whole) that holds ``member`` as export.xml."""
    return zip_of([("export.zip", stored(apple_zip(member)))])


def apple_with_dtd(subset: str) -> bytes:
    """A small ``export.xml`` whose DOCTYPE's internal subset is ``subset``."""
    doctype = f"<!DOCTYPE HealthData [\n{subset}\n]>\n".encode()
    head, _, body = apple_export().partition(b"<HealthData")
    return head + doctype + b"<HealthData" + body
