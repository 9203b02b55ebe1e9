"""How much work one input may cause: every limit of reading, named once.

loadwatch runs unattended for years on a folder anyone can drop files into, so no single file,
archive or total may make a run slow, hungry or wrong. Each limit is far above what a real watch
or app export holds, and low enough that the worst input stays under a few seconds and a few
hundred MB. ``docs/limits.md`` says why each number was chosen; the modules that apply them
(:mod:`~loadwatch.ingest.sources`, the readers, :mod:`~loadwatch.ingest.summary`) import them
from here.
"""

from __future__ import annotations

import re

#: The largest activity file (after decompression) read: a 24-hour run recorded every second
#: is a few MB as FIT and about 15 MB as TCX.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The most samples (track points, FIT records) one file may hold: about 55 hours at one a
#: second (a day of 1 Hz recording is 86,400).
MAX_POINTS = 200_000
#: The most FIT definition messages in one file: devices define a few dozen layouts; one before
#: every record is a file built to be slow.
MAX_FIT_DEFINITIONS = 10_000
#: The most FIT files chained one after another in one file (a watch writes one).
MAX_FIT_CHAINED = 8
#: Files smaller than this hold no activity (a FIT header alone is 12 bytes): passed over
#: without being opened twice, hashed or cached.
MIN_ACTIVITY_BYTES = 12
#: An archive with more members than this is refused whole (ten years of a Strava export hold
#: a few thousand).
MAX_ARCHIVE_MEMBERS = 100_000
#: An archive whose members say they add up to more than this is refused whole.
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024 * 1024
#: Archives inside archives are followed this deep (zip -> zip -> .gz is the most seen).
MAX_ARCHIVE_DEPTH = 2
#: The bytes one archive may have decompressed, all members and nested archives together, are
#: this many times the archive's own size...
MAX_ARCHIVE_RATIO = 40
#: ...or this many, when that is more: what a small archive of a few real activities needs.
MIN_ARCHIVE_WORK_BYTES = 256 * 1024 * 1024

#: The longest believable activity (s): ten days, beyond the longest multi-day races recorded
#: in one file.
MAX_ACTIVITY_S = 10 * 86_400.0
#: The longest believable distance of one activity (m): 10,000 km.
MAX_ACTIVITY_M = 10_000_000.0
#: The highest believable heart rate (bpm); readings above it are sensor noise.
MAX_HR_BPM = 300.0
#: A resampled track has at most this many points per sample it was made from (a device
#: records at least one point every few tens of metres; a track resampled every 20 m from
#: far fewer samples follows a distance counter, not the path).
TRACK_POINTS_PER_SAMPLE = 4

_XML_POINT = {
    "gpx": re.compile(rb"<(?:[\w.-]+:)?(?:trkpt|rtept)[\s>/]"),
    "tcx": re.compile(rb"<(?:[\w.-]+:)?Trackpoint[\s>/]"),
}


def xml_points_over_limit(data: bytes, fmt: str) -> int | None:
    """How many point elements an XML file (``"gpx"`` or ``"tcx"``) has, when more than
    :data:`MAX_POINTS`, counted in its bytes before any parsing; else None."""
    found = _XML_POINT[fmt].finditer(data)
    for count, _ in enumerate(found, start=1):
        if count > MAX_POINTS:
            return count + sum(1 for _ in found)
    return None


def too_many_points(count: int) -> str:
    """The reason a file of ``count`` samples is refused."""
    return (
        f"holds {count:,} points, more than the {MAX_POINTS:,} loadwatch reads from one activity "
        "(over two days at one a second); split it, or export the activity again"
    )
