"""How much work one input may cause: every limit of reading, named once.

loadwatch runs unattended for years on a folder anyone can drop files into, so no single file,
archive or total may make a run slow, hungry or wrong. Each limit is far above what a real watch
or app export holds, and low enough that the worst input stays under a few seconds and a few
hundred MB. ``docs/limits.md`` says why each number was chosen; the modules that apply them
(:mod:`~loadwatch.ingest.sources`, the readers, :mod:`~loadwatch.ingest.summary`) import them
from here.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import zipfile

from loadwatch.errors import UnsupportedFileError

#: The largest activity file (after decompression) read: a 24-hour run recorded every second
#: is a few MB as FIT and about 15 MB as TCX.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The most samples (track points, FIT records) one file may hold: about 55 hours at one a
#: second (a day of 1 Hz recording is 86,400).
MAX_POINTS = 200_000
#: The most FIT definition messages in one file: most devices define a few dozen layouts, some
#: (Suunto) write one before every record. A definition met before costs a look-up, no more
#: than a record, so the cap is the records' own.
MAX_FIT_DEFINITIONS = MAX_POINTS
#: The most distinct FIT definitions (message layouts) in one file: each is compiled once, the
#: costly part of a definition; devices use a few dozen.
MAX_FIT_LAYOUTS = 1_000
#: The most FIT files chained one after another in one file (a watch writes one).
MAX_FIT_CHAINED = 8
#: The largest FIT file read with fitparse, the slow decoder the fast one leaves odd files to
#: (about 10,000 records a second): a few seconds of work at most.
MAX_FITPARSE_BYTES = 4 * 1024 * 1024
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

#: An Apple Health ``export.xml`` inside an archive may decompress to this many times its
#: compressed size, when that is more than its archive's work allows: its XML repeats itself
#: so much that one made as the Health app writes it packs 45-50-fold.
MAX_APPLE_ZIP_RATIO = 100
#: The largest Apple Health ``export.xml`` read outside an archive (inside one, the archive's
#: budget bounds it): real exports reach several GB after years of a watch, most of it heart
#: rate and steps. A bound, not a speed: reading this much takes many minutes.
MAX_APPLE_EXPORT_BYTES = 16 * 1024**3
#: The most route bytes one Apple Health export outside an archive may have read, all its
#: workouts together (a route file named by every workout is read once for each).
MAX_APPLE_ROUTE_BYTES = 16 * 1024**3
#: The most heart-rate readings kept from one Apple Health export (16 bytes each: 160 MB): a
#: watch worn day and night keeps a few hundred thousand a year.
MAX_APPLE_HR_READINGS = 10_000_000
#: The most elements inside one top-level element of an Apple Health export (a workout and
#: the inline locations of its route), which the parser holds until its end.
MAX_APPLE_ELEMENT_PARTS = MAX_POINTS + 10_000
#: The most route files one Apple Health workout may name (Apple writes one).
MAX_APPLE_ROUTES = 8
#: The longest stretch of an Apple Health export without a ``>`` (one tag, or text): Apple's
#: are under a kB. The parser holds a tag whole, and parses it again each time more of it
#: arrives (16 kB at a time), so a tag costs about its length squared.
MAX_XML_STRETCH_BYTES = 64 * 1024

#: The longest believable activity (s): ten days, beyond the longest multi-day races recorded
#: in one file.
MAX_ACTIVITY_S = 10 * 86_400.0
#: The longest believable distance of one activity (m): 10,000 km.
MAX_ACTIVITY_M = 10_000_000.0
#: The most climbing believable in one activity (m): ten days of the steepest mountain races.
MAX_ASCENT_M = 100_000.0
#: The highest believable heart rate (bpm), as the 99th percentile of an activity's readings.
MAX_HR_BPM = 300.0
#: Fastest believable mean speed of a whole activity, by sport (m/s): a damaged file can
#: claim thousands of km in seconds, which would wreck every weekly figure after it.
MAX_MEAN_SPEED_MPS: dict[str, float] = {
    "running": 12.0,  # 43 km/h: faster than any sprint, let alone a run
    "walking": 12.0,
    "swimming": 5.0,
    "cycling": 30.0,  # 108 km/h
    "strength": 30.0,
    "other": 100.0,  # 360 km/h
}
#: A resampled track has at most this many points per sample it was made from: a track with a
#: point every kilometre is still followed every 20 m, while three points claiming billions of
#: metres give 150 points, not 200 million (the believable distance bounds it too: 10,000 km
#: are 500,000 points of 20 m).
TRACK_POINTS_PER_SAMPLE = 50


def implausible(
    sport: str, *, distance_m: float, elapsed_s: float, ascent_m: float, hr_bpm: float
) -> str | None:
    """Why an activity's totals cannot be believed (a damaged or forged file), or None.

    Every total must be finite and within its limit (:data:`MAX_ACTIVITY_S`,
    :data:`MAX_ACTIVITY_M`, :data:`MAX_ASCENT_M`, :data:`MAX_HR_BPM`), and the mean speed
    within the sport's :data:`MAX_MEAN_SPEED_MPS`. NaN stands for a total the file lacks.
    """
    damaged = "; the file is probably damaged (export it again)"
    if distance_m > 0 and elapsed_s <= 0:
        return f"has {distance_m:,.0f} m but no duration: its times are all the same"
    limit = MAX_MEAN_SPEED_MPS.get(sport, MAX_MEAN_SPEED_MPS["other"])
    if distance_m > 0 and distance_m / elapsed_s > limit:
        return (
            f"is not believable: {distance_m / 1000:,.1f} km at "
            f"{distance_m / elapsed_s * 3.6:,.0f} km/h for {sport}{damaged}"
        )
    if not elapsed_s <= MAX_ACTIVITY_S:
        return f"is not believable: it lasts {_days(elapsed_s)}, more than ten days{damaged}"
    if not distance_m <= MAX_ACTIVITY_M:
        return f"is not believable: {_km(distance_m)} in one activity{damaged}"
    if not (math.isnan(ascent_m) or ascent_m <= MAX_ASCENT_M):
        return f"is not believable: {_km(ascent_m)} of climbing{damaged}"
    if not (math.isnan(hr_bpm) or hr_bpm <= MAX_HR_BPM):
        return f"is not believable: a heart rate of {hr_bpm:,.0f} bpm{damaged}"
    return None


def _days(seconds: float) -> str:
    return f"{seconds / 86_400:,.0f} days" if seconds < 1e11 else "forever"


def _km(metres: float) -> str:
    return f"{metres / 1000:,.0f} km" if metres < 1e12 else "an endless distance"


_XML_POINT = {
    "gpx": r"<(?:[\w.-]+:)?(?:trkpt|rtept)[\s>/]",
    "tcx": r"<(?:[\w.-]+:)?Trackpoint[\s>/]",
}
# The words every match of _XML_POINT holds (one each): counting them is a cheap upper bound.
_XML_POINT_WORDS = {"gpx": ("trkpt", "rtept"), "tcx": ("Trackpoint",)}


def check_xml_points(document: str | bytes, fmt: str, source: str) -> None:
    """Refuse an XML file (``"gpx"`` or ``"tcx"``) with more than :data:`MAX_POINTS` point
    elements, counted in its text before any parsing.

    Raises:
        UnsupportedFileError: It has more.
    """
    words = _XML_POINT_WORDS[fmt]
    if isinstance(document, bytes):
        occurrences = sum(document.count(word.encode()) for word in words)
    else:
        occurrences = sum(document.count(word) for word in words)
    if occurrences <= MAX_POINTS:  # each point element holds one: a count that cannot be over
        return
    pattern = _XML_POINT[fmt]
    found = (
        re.finditer(pattern, document)
        if isinstance(document, str)
        else re.finditer(pattern.encode(), document)
    )
    for count, _ in enumerate(found, start=1):
        if count > MAX_POINTS:
            raise UnsupportedFileError(too_many_points(count + sum(1 for _ in found)), path=source)


def check_records(count: int) -> None:
    """Refuse a FIT file once it has more than :data:`MAX_POINTS` records of one layout.

    Raises:
        UnsupportedFileError: It has.
    """
    if count > MAX_POINTS:
        raise UnsupportedFileError(too_many_points())


def too_many_points(count: int | None = None) -> str:
    """The reason a file of ``count`` samples (more than the limit when None) is refused."""
    held = "more than " if count is None else f"{count:,} points, more than the "
    return (
        f"holds {held}{MAX_POINTS:,} points, the most loadwatch reads from one activity "
        "(over two days at one a second); split it, or export the activity again"
    )


def check_fit_structure(files: int, definitions: int, layouts: int = 0) -> None:
    """Refuse a FIT file chaining more than :data:`MAX_FIT_CHAINED` files, or with more than
    :data:`MAX_FIT_DEFINITIONS` definition messages or :data:`MAX_FIT_LAYOUTS` distinct ones.

    Raises:
        UnsupportedFileError: It does.
    """
    if files > MAX_FIT_CHAINED:
        raise UnsupportedFileError(
            f"chains more than {MAX_FIT_CHAINED} FIT files one after another; a watch writes one"
        )
    if definitions > MAX_FIT_DEFINITIONS:
        raise UnsupportedFileError(
            f"defines its messages more than {MAX_FIT_DEFINITIONS:,} times; a watch defines "
            "them a few dozen times (the file was made to be slow, or is damaged)"
        )
    if layouts > MAX_FIT_LAYOUTS:
        raise UnsupportedFileError(
            f"defines more than {MAX_FIT_LAYOUTS:,} different message layouts; a watch uses "
            "a few dozen (the file was made to be slow, or is damaged)"
        )


@dataclasses.dataclass
class ArchiveBudget:
    """The bytes an archive may still have decompressed, all members and nested archives
    together (:data:`~loadwatch.ingest.limits.MAX_ARCHIVE_RATIO`)."""

    total: int
    spent: int = 0

    @classmethod
    def for_size(cls, size: int) -> ArchiveBudget:
        """The budget of an archive of ``size`` bytes."""
        return cls(max(MIN_ARCHIVE_WORK_BYTES, MAX_ARCHIVE_RATIO * size))

    def spend(self, count: int) -> None:
        """Count ``count`` bytes decompressed; raises :class:`OverBudget` past the total."""
        self.spent += count
        if self.spent > self.total:
            raise OverBudget(self.total)


class OverBudget(Exception):
    """An archive decompressed more than its budget: the rest of it is not read."""

    def __init__(self, total: int) -> None:
        super().__init__(total)
        self.total = total


class TooMuchWork(UnsupportedFileError):
    """A file read streamed (an Apple Health export) went past one of its limits: skipped."""


def zip_bomb(total: int) -> str:
    """The reason an archive that decompressed more than ``total`` bytes is not read on."""
    return (
        f"decompresses to more than {total / 2**20:,.0f} MB, more than loadwatch reads from an "
        "archive of its size; a zip bomb?"
    )


def archive_refusal(infos: list[zipfile.ZipInfo]) -> str | None:
    """Why an archive is refused whole before any member is read, or None."""
    members = [info for info in infos if not info.is_dir()]
    if len(members) > MAX_ARCHIVE_MEMBERS:
        return (
            f"holds {len(members):,} files, more than the {MAX_ARCHIVE_MEMBERS:,} "
            "loadwatch reads from one archive; unpack it and point loadwatch at the folder"
        )
    declared = sum(info.file_size for info in members)
    if declared > MAX_ARCHIVE_BYTES:
        return (
            f"would unpack to {declared / 2**30:.1f} GB, more than the "
            f"{MAX_ARCHIVE_BYTES // 2**30} GB loadwatch reads from one archive"
        )
    # Each entry's data lies after its own 30-byte local header; entries sharing bytes are the
    # trick of zip bombs that make one compressed member count many times.
    spans = sorted(
        (info.header_offset, info.header_offset + 30 + info.compress_size) for info in infos
    )
    if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)):
        return "has entries that overlap one another (a zip bomb's trick); not read"
    return None
