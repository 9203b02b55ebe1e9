"""What the XML readers (GPX, TCX) share: a safety check, decoding, times, numbers and cadence.

Safety: activity files come from anywhere, so before any XML library sees a document we refuse
one that declares a DTD. Entities can only be declared inside a DTD, so without one there is
nothing to expand: no "billion laughs", no external entity fetching a local file or a URL. The
check is expat's own DTD hooks, run on exactly what the parser is then given (and on the text as
gpxpy changes it), only as far as the root element's start tag: it costs next to nothing.
"""

from __future__ import annotations

import bisect
import codecs
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any, NamedTuple, NoReturn
from xml.parsers import expat

import numpy as np
import numpy.typing as npt
import pandas as pd

from loadwatch.errors import CorruptFileError

#: Times before the GPS epoch cannot come from a GPS recording: they are a device's "no time"
#: placeholder (e.g. 1901-12-13T20:45:52Z, the smallest 32-bit Unix time) or a clock never set.
EARLIEST_TIME = pd.Timestamp("1980-01-06", tz="UTC")
#: Times from 2100 on are a corrupt clock, not a training week.
LATEST_TIME = pd.Timestamp("2100-01-01", tz="UTC")

# A one-leg cadence (strides per minute) stays below these; a median above means the file
# already counts both feet. Running one-leg cadence is ~75-100, walking ~45-65.
_ONE_LEG_MAX_SPM: dict[str, float] = {"running": 120.0, "walking": 80.0}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_PROLOG_PIECE = 1 << 16  # how much of a document inspect_prolog gives expat at a time


class XmlProlog(NamedTuple):
    """What the start of a document says: its root element and declared encoding."""

    root: str
    encoding: str | None


class _RootReached(Exception):
    """Raised inside expat to stop at the root element: the prolog has been checked."""


class _DtdDeclared(Exception):
    """Raised inside expat when the document declares a DTD or an entity."""


def local_name(tag: object) -> str:
    """An element's name without namespace (``{uri}hr`` and ``gpxtpx:hr`` both give ``hr``)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2]


def raise_malformed(
    source: str, fmt: str, detail: str, line: int | None, column: int | None
) -> NoReturn:
    """Raise the :class:`CorruptFileError` for a document that is not well-formed XML."""
    where = f" at line {line}, column {column}" if line is not None else ""
    raise CorruptFileError(
        f"is not a readable {fmt} file: the XML is broken{where} ({detail}). The file is damaged "
        "or was cut short; export it again from your watch or app",
        path=source,
    )


def inspect_prolog(data: bytes | str, source: str, fmt: str) -> XmlProlog:
    """Check the document's start: refuse a DTD or entity declaration, find the root element.

    Args:
        data: The document exactly as the parser will be given it: raw bytes in any encoding
            expat understands (BOMs included), or text.
        source: Label used in errors.
        fmt: ``"GPX"`` or ``"TCX"``, for messages.

    Returns:
        The root element's local name and the encoding the XML declaration names, if any.

    Raises:
        CorruptFileError: Empty, not XML, or declares a DTD or entities.
    """
    if not data or data.isspace():  # as "not data.strip()", without copying a large file
        raise CorruptFileError(f"is empty, so it holds no {fmt} data", path=source)
    parser = expat.ParserCreate()
    found: dict[str, str | None] = {}

    def on_xml_decl(version: str, encoding: str | None, standalone: int) -> None:
        found["encoding"] = encoding

    def on_dtd(*args: object) -> None:
        raise _DtdDeclared

    def on_start(name: str, attributes: object) -> None:
        found["root"] = name
        raise _RootReached

    parser.XmlDeclHandler = on_xml_decl
    parser.StartDoctypeDeclHandler = on_dtd
    parser.EntityDeclHandler = on_dtd
    parser.UnparsedEntityDeclHandler = on_dtd
    parser.StartElementHandler = on_start
    try:  # fed in pieces, as expat allows: it stops at the root, so the rest is never copied
        for start in range(0, len(data), _PROLOG_PIECE):
            parser.Parse(data[start : start + _PROLOG_PIECE], False)
        parser.Parse(data[:0], True)
    except _RootReached:
        pass
    except _DtdDeclared:
        raise CorruptFileError(
            "declares a DTD; loadwatch does not read DTDs for safety (their entities can "
            f"expand without limit or read other files). {fmt} files from watches and apps "
            "never need one, so export the activity again",
            path=source,
        ) from None
    except expat.ExpatError as e:
        raise_malformed(source, fmt, expat.errors.messages[e.code], e.lineno, e.offset)
    except (LookupError, ValueError) as e:  # an encoding unknown to Python, or unusable by expat
        raise CorruptFileError(
            f"cannot be decoded ({e}); save it again as UTF-8", path=source
        ) from e
    root = found.get("root")
    if root is None:  # expat accepted the whole input without a start tag: not reachable
        raise_malformed(source, fmt, "no element found", None, None)
    return XmlProlog(root=local_name(root), encoding=found.get("encoding"))


def decode_xml(data: bytes, source: str, declared: str | None) -> str:
    """Decode a document to text: its byte order mark first, else its declared encoding, else UTF-8.

    Raises:
        CorruptFileError: The bytes are not valid in that encoding, or it is unknown.
    """
    codec = next((name for bom, name in _BOMS if data.startswith(bom)), declared or "utf-8")
    try:
        return data.decode(codec)
    except LookupError:
        raise CorruptFileError(
            f"declares the text encoding {codec!r}, which Python does not know; save it again "
            "as UTF-8",
            path=source,
        ) from None
    except UnicodeDecodeError as e:
        raise CorruptFileError(
            f"is not valid {codec} text; save it again as UTF-8", path=source, offset=e.start
        ) from e


def parse_float(text: str | None) -> float:
    """A number from element text; NaN when missing, not a number, or not finite."""
    if text is None:
        return math.nan
    try:
        value = float(text.strip())
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def parse_floats(texts: Sequence[str | None]) -> npt.NDArray[np.float64]:
    """:func:`parse_float` of each text, a column at a time: NaN where missing or unreadable."""
    try:  # float() of each, None as NaN; if one is unreadable, each on its own
        values = np.array(texts, dtype=np.float64)
    except ValueError:
        values = np.array(list(map(parse_float, texts)), dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def usable_times(times: pd.Series) -> npt.NDArray[np.bool_]:
    """Which parsed UTC times (NaT where missing) fall inside the plausible recording window."""
    mask = times.notna() & (times >= EARLIEST_TIME) & (times < LATEST_TIME)
    return mask.to_numpy(dtype=bool)


def implausible_times_note(times: pd.Series) -> str:
    """Words for times outside the window, e.g. ``"1901-12-13"``, for errors and warnings."""
    bad = times[times.notna() & ~pd.Series(usable_times(times), index=times.index)]
    if bad.empty:
        return ""
    first = bad.min().strftime("%Y-%m-%d")
    last = bad.max().strftime("%Y-%m-%d")
    return first if first == last else f"{first} to {last}"


def steps_per_minute(one_leg: npt.NDArray[np.float64], sport: str) -> npt.NDArray[np.float64]:
    """Turn a one-leg cadence (strides per minute) into steps per minute for foot sports.

    Garmin's TrackPointExtension ``cad`` and the TCX ``RunCadence`` count cycles of one leg,
    half the steps. Values are doubled for running and walking unless their median (over
    non-zero values) is already beyond any one-leg cadence, in which case the file counted both
    feet. Other sports keep the file's value (cycling: crank revolutions per minute).
    """
    limit = _ONE_LEG_MAX_SPM.get(sport)
    if limit is None:
        return one_leg
    positive = one_leg[np.isfinite(one_leg) & (one_leg > 0)]
    if positive.size and float(np.median(positive)) >= limit:
        return one_leg
    return one_leg * 2.0


#: A point at either end of an activity more than this far in time from the rest is a stray
#: (a fix stamped by a stale clock), as long as there are at most STRAY_POINTS of them.
STRAY_GAP_S = 6 * 3600
STRAY_POINTS = 2
#: Only a file of at least this many points has strays: in a smaller one, which points are the
#: activity and which are strays is anyone's guess, and all are kept.
STRAY_MIN_POINTS = 20


class TimeOrder(NamedTuple):
    """Which points, given in file order, become samples, and in which order."""

    positions: npt.NDArray[np.intp]
    times: pd.Series
    warnings: tuple[str, ...]

    def column(self, values: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """A per-point list, in file order, as the kept points' values in sample order."""
        return np.asarray(values, dtype="float64")[self.positions]

    def labels(self, values: Sequence[int]) -> npt.NDArray[np.intp]:
        """Per-point segment numbers, in file order, for the kept points in sample order."""
        return np.asarray(values, dtype=np.intp)[self.positions]


def order_by_time(times: pd.Series, segments: Sequence[int]) -> TimeOrder:
    """Choose the points that become samples: timed ones, in the order the device recorded them.

    File order is the order of recording, so it is kept; summing distance along a path re-sorted
    by time would turn one glitched time into a detour there and back. Instead:

    - Points without a usable time are left out.
    - Whole segments whose times come before those of an earlier segment (tracks or laps
      concatenated in the wrong order) are put in order by their median time, which one glitched
      point cannot move.
    - Then the longest run of points whose times never go backwards is kept, and the points off
      it are dropped as clock glitches. For a time stamped too early that is the point itself;
      for one stamped too late, too, where simply dropping every point earlier than the latest
      time so far would drop the rest of the activity. Among equally long runs, the one keeping
      earlier points wins, so a point earlier than the one before it is the one dropped. Equal
      times are not backwards: devices that write whole seconds stamp two fixes in one second.
    - Unless that run holds no more than half the points and over a third of the steps go
      backwards: then the file is not in recording order with a few glitches but in another order
      (newest first, say), and all the points are put in order by their times (a stable sort),
      none dropped. A clock set back once mid-run is not that: sorting would join its two halves
      with a phantom leg there and back, so the longer half is kept (and the rest dropped, with
      the warning).
    - Last, one or two points at either end more than :data:`STRAY_GAP_S` from all the others
      are dropped as strays.

    Args:
        times: One parsed UTC time per point, in file order, NaT where missing.
        segments: One segment number per point (a GPX ``<trkseg>``, a TCX ``<Track>``); each
            segment's points are consecutive.

    Returns:
        The kept points' positions in file order, their times (index reset, never decreasing)
        and warnings saying how many points were left out or dropped and whether segments or
        points were put in order.
    """
    usable = usable_times(times)
    index = np.flatnonzero(usable)
    stamps = times.array.asi8[index]
    labels = np.asarray(segments)[index]
    warnings: list[str] = []
    left_out = len(times) - index.size
    if left_out:
        warnings.append(f"{left_out} of {len(times)} points have no usable time; left out")
    if index.size and bool((np.diff(stamps) < 0).any()):
        blocks = _segment_blocks(labels, stamps)
        if blocks is not None:
            index, stamps = index[blocks], stamps[blocks]
        if blocks is None or bool((np.diff(stamps) < 0).any()):
            kept = _earliest_longest_non_decreasing(stamps)
        else:  # the segments, put in order, were all it took
            kept = np.arange(stamps.size)
        dropped = index.size - kept.size
        backwards = float(np.mean(np.diff(stamps) < 0))
        if 2 * kept.size <= index.size and backwards > 1 / 3:  # a file in another order
            index = index[np.argsort(stamps, kind="stable")]
            warnings.append("points were not in time order; put in order by their times")
            return _without_strays(index, times, warnings)
        if blocks is not None:
            warnings.append(
                "track segments were recorded out of time order; put in order by their times"
            )
        if dropped:
            index = index[kept]
            warnings.append(
                f"{dropped} points with times going backwards were dropped"
                if dropped > 1
                else "1 point with a time going backwards was dropped"
            )
    return _without_strays(index, times, warnings)


def _without_strays(
    index: npt.NDArray[np.intp], times: pd.Series, warnings: list[str]
) -> TimeOrder:
    """The ordered points less a stray few at either end, hours away from all the others.

    A first fix stamped with a stale clock (days early, say) would move the whole activity into
    another week. At most :data:`STRAY_POINTS` points at each end count as strays, and only when
    more than :data:`STRAY_GAP_S` separates them from the rest.
    """
    ordered = times.iloc[index].reset_index(drop=True)
    start, stop = 0, index.size
    if index.size >= STRAY_MIN_POINTS:  # only the gaps next to each end matter
        far = pd.Timedelta(seconds=STRAY_GAP_S)
        head = np.flatnonzero(ordered.iloc[: STRAY_POINTS + 1].diff().iloc[1:] > far)
        tail = np.flatnonzero(ordered.iloc[-STRAY_POINTS - 1 :].diff().iloc[1:] > far)
        start = int(head[-1]) + 1 if head.size else 0
        stop = index.size - STRAY_POINTS + int(tail[0]) if tail.size else index.size
    strays = start + index.size - stop
    if not strays:
        return TimeOrder(index, ordered, tuple(warnings))
    warnings.append(
        f"{strays} point{'s' if strays > 1 else ''} stamped more than "
        f"{STRAY_GAP_S // 3600} hours away from the rest of the activity dropped"
    )
    index, ordered = index[start:stop], ordered.iloc[start:stop].reset_index(drop=True)
    return TimeOrder(index, ordered, tuple(warnings))


def _segment_blocks(
    labels: npt.NDArray[Any], stamps: npt.NDArray[np.int64]
) -> npt.NDArray[np.intp] | None:
    """Positions that put whole segments in order of their median time; None if they are.

    Vectorised (a file may hold 100,000 one-point segments): each segment's times are sorted
    in place and its median read from the middle. Twice the median, the sum of the two middle
    times, is exact in int64 for any time before :data:`LATEST_TIME`.
    """
    first = np.r_[True, labels[1:] != labels[:-1]]
    block = np.cumsum(first) - 1  # each point's segment, counted from 0 in file order
    starts = np.flatnonzero(first)
    sizes = np.diff(np.r_[starts, labels.size])
    by_time = stamps[np.lexsort((stamps, block))]
    twice_median = by_time[starts + (sizes - 1) // 2] + by_time[starts + sizes // 2]
    order = np.argsort(twice_median, kind="stable")
    if (order == np.arange(order.size)).all():
        return None
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return np.argsort(rank[block], kind="stable")


def _earliest_longest_non_decreasing(values: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Positions of a longest non-decreasing subsequence, the one taking earlier positions first.

    Patience sorting from the end gives, for each position, the length of the longest
    non-decreasing run starting there; walking forward, each position is taken when it can
    continue the run and still complete one of the full length. O(n log n).
    """
    numbers = values.tolist()
    tails: list[int] = []  # tails[k]: the largest first value of a run of length k + 1 so far
    longest_from = [0] * len(numbers)
    for i in range(len(numbers) - 1, -1, -1):
        negated = -numbers[i]
        k = bisect.bisect_right(tails, negated)
        if k == len(tails):
            tails.append(negated)
        else:
            tails[k] = negated
        longest_from[i] = k + 1
    needed = len(tails)
    kept: list[int] = []
    for i, value in enumerate(numbers):
        if needed and longest_from[i] == needed and (not kept or value >= numbers[kept[-1]]):
            kept.append(i)
            needed -= 1
    return np.asarray(kept, dtype=np.intp)


def children(element: ET.Element | None, name: str) -> list[ET.Element]:
    """The direct children of ``element`` with this local name (none of ``None``)."""
    if element is None:
        return []
    return [child for child in element if local_name(child.tag) == name]


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    """The first direct child of ``element`` with this local name, or ``None``."""
    return next(iter(children(element, name)), None)
