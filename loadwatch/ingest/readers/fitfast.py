"""Fast FIT decoding straight from the bytes, giving the values fitparse gives.

fitparse builds several Python objects per field of every message, which caps it at about ten
thousand records a second. Here each distinct definition is compiled once into a layout (a
definition met again, as Suunto watches write one before every record, is found by its
bytes), and the data messages are only *located* while walking the file: the hot loop reads
a header byte and jumps to the next message, and numpy finds how many records of one type
come back to back. Record fields are then gathered for all messages of a layout at once with
numpy. The other messages loadwatch needs (file_id, session, lap...) are decoded one by one
with fitparse's own profile, so their values match fitparse's exactly.

The decoder follows fitparse where a file is damaged, so both paths tell the same story: it
stops where fitparse stops (a cut-off end, an undefined local message type, a broken chained
header) with the same error text and byte offset, keeping everything before. It departs from
fitparse only where fitparse loses data it could read: developer fields are skipped by their
declared size (fitparse needs their description, kept in a process-wide table, and fails
without it), and a field whose size is not a multiple of its type is read as plain bytes, as
the FIT SDK does (fitparse gives up on the whole file there); in a damaged file (a failing
checksum, or a fault met), though, such a field is more likely bytes read out of step, and
fitparse reads the file.

Anything else it does not handle raises :class:`Unsupported`, and the caller decodes the file
with fitparse instead. Files past :mod:`~loadwatch.ingest.limits` are refused as it reads them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fitparse.utils import FitParseError

from loadwatch.ingest import limits
from loadwatch.ingest.limits import check_fit_structure, check_records
from loadwatch.ingest.readers import _fitprofile as profile
from loadwatch.ingest.readers._fitcolumns import fast_columns, merge_parts, slow_columns
from loadwatch.ingest.readers._fitcontent import Decoded, FitContent, MessageLike, number, word
from loadwatch.ingest.readers._fitframe import Stop as _Stop
from loadwatch.ingest.readers._fitframe import eof as _eof
from loadwatch.ingest.readers._fitframe import read_definition, read_file_crc, read_header
from loadwatch.ingest.readers._fitlayout import (
    FAST,
    GENERIC,
    RECORD_FIELDS,
    RECORD_WANTED,
    SKIP,
    SKIP_TIMED,
    UNDEFINED,
    Layout,
    Unsupported,
    compile_layout,
)
from loadwatch.ingest.readers._fitmessage import accumulate, decode_message

__all__ = [
    "RECORD_FIELDS",
    "Decoded",
    "FitContent",
    "MessageLike",
    "Unsupported",
    "decode",
    "number",
    "word",
]


def decode(data: bytes) -> Decoded:
    """Decode a FIT file's messages into :class:`FitContent`, as fitparse would.

    Args:
        data: The whole file (several FIT files chained one after another are read in turn).

    Returns:
        The content, with the fault reading stopped at, if any.

    Raises:
        FitHeaderError: The first header is not a FIT header (fitparse's error and text).
        FitEOFError: The file ends inside its first header.
        Unsupported: The file uses something left to fitparse.
    """
    return _Decoder(data).run()


# --- the decoder -----------------------------------------------------------------------------


class _Decoder:
    """One pass over a FIT file (or several chained ones)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.bytes = np.frombuffer(data, dtype=np.uint8)
        self.content = FitContent()
        self.crc_mismatch = False
        self.as_bytes = False  # a field read as bytes since its size does not fit its type
        self.groups: list[tuple[Layout, list[int]]] = []  # fast records: positions by layout
        self.slow_records: list[tuple[int, dict[str, Any]]] = []
        self.compressed_at: list[int] = []  # fast records with a compressed timestamp...
        self.compressed_time: list[int] = []  # ...and its value
        self.known: dict[bytes, Layout] = {}  # a definition's bytes -> its layout, this file
        self.resets_at: dict[int, list[int]] = {}  # rolling record components: restarted where
        self.slow_rolling: set[int] = set()  # ...and those records decoded one by one add up
        self.other_messages = self.definitions = 0
        self._new_file()

    def _new_file(self) -> None:
        """A FIT header starts afresh: no local definitions, accumulators or timestamp."""
        self.actions = [UNDEFINED] * 16
        self.sizes = [0] * 16
        self.sinks: list[list[int]] = [[] for _ in range(16)]
        self.local: list[Layout | None] = [None] * 16
        self.layout_sinks: dict[Layout, list[int]] = {}  # one list per layout, however defined
        self.accumulators: dict[tuple[int, int], int] = {}
        self.time_value = 0  # compressed timestamps count from this...
        self.time_at = -1  # ...set at this position
        self.timed_at = -1  # the last skipped or generic message with a timestamp field
        self.timed_layout: Layout | None = None

    def run(self) -> Decoded:
        """Read every chained file in turn, stopping at the first fault."""
        stop: _Stop | None = None
        pos = files = 0
        try:
            while True:
                check_fit_structure(files := files + 1, 0)
                start = pos
                pos, end = self._header(pos, first=start == 0)
                pos = self._messages(pos, end)
                pos = self._file_crc(start, pos)
                if pos >= len(self.data):
                    break
        except _Stop as fault:
            stop = fault
        if self.as_bytes and (self.crc_mismatch or stop is not None):
            # In a damaged file (a failing checksum, a fault met), a field that does not fit its
            # type is more likely bytes read out of step than a device's quirk: fitparse stops
            # there and says so, where reading on takes garbage for records or skips them.
            raise Unsupported("a damaged file with fields that do not fit their types")
        self._finish()
        if stop is None:
            return Decoded(self.content, self.crc_mismatch)
        return Decoded(self.content, self.crc_mismatch, stop.fault, stop.offset)

    def _header(self, pos: int, *, first: bool) -> tuple[int, int]:
        """Read a file header at ``pos``; returns where its messages start and end."""
        body, end, crc_ok = read_header(
            self.data, pos, first=first, check_crc=not self.crc_mismatch
        )
        self.crc_mismatch |= not crc_ok
        self._new_file()
        return body, end

    def _file_crc(self, start: int, pos: int) -> int:
        """Check the checksum after a file's messages; returns where the next file starts."""
        end, crc_ok = read_file_crc(self.data, start, pos, check_crc=not self.crc_mismatch)
        self.crc_mismatch |= not crc_ok
        return end

    def _messages(self, pos: int, end: int) -> int:
        """Walk the messages of one file from ``pos`` to ``end``; returns where they end.

        The loop only finds where each data message is; records of fast layouts are decoded
        afterwards, all at once. A message may run past ``end`` (fitparse reads it whole).
        """
        data = self.data
        size = len(data)
        limit = min(end, size)
        actions, sizes, sinks, local = self.actions, self.sizes, self.sinks, self.local
        skipped = 0
        header = local_type = 0
        most = limits.MAX_POINTS
        try:
            while pos < limit:
                header = data[pos]
                if header < 0x40:
                    local_type = header & 0x0F
                    action = actions[local_type]
                    if action == FAST:
                        step = sizes[local_type]
                        if pos + step < limit and data[pos + step] == header:
                            pos = self._records(pos, header, sinks[local_type], limit)
                        else:  # a lone record (some devices define one before each)
                            sinks[local_type].append(pos)
                            if len(sinks[local_type]) > most:
                                check_records(len(sinks[local_type]))
                            pos += step
                        continue
                    if action == SKIP:
                        skipped += 1
                    elif action == SKIP_TIMED:
                        skipped += 1
                        self.timed_at = pos
                        self.timed_layout = local[local_type]
                    else:
                        self._data_message(pos, local_type, None)
                    pos += sizes[local_type]
                elif header & 0x80:
                    pos = self._compressed(pos, header)
                else:
                    pos = self._definition(pos, header)
            if pos > size:  # the last message is cut off: forget it
                if header < 0x40 and actions[local_type] == FAST:
                    sinks[local_type].pop()
                else:
                    skipped -= 1
                raise self._cut_message(pos - sizes[local_type], local[local_type])
            if size <= pos < end:
                raise _eof(1, pos, size)
        finally:
            self.other_messages += skipped
        return pos

    def _records(self, pos: int, header: int, sink: list[int], limit: int) -> int:
        """Locate the record at ``pos`` and those of its type right after it; returns where
        they end. Devices write records back to back between laps: numpy finds how many."""
        step = self.sizes[header & 0x0F]
        count = chunk = 1
        while pos + count * step < limit:
            start = pos + count * step
            chunk *= 8
            heads = self.bytes[start : min(limit, start + chunk * step) : step]
            differ = np.flatnonzero(heads != header)
            if len(differ):
                count += int(differ[0])
                break
            count += len(heads)
        sink.extend(range(pos, pos + count * step, step))
        check_records(len(sink))
        return pos + count * step

    def _cut_message(self, start: int, layout: Layout | None) -> _Stop:
        """fitparse's error for a data message cut off by the end of the file."""
        size = len(self.data)
        if layout is None:  # pragma: no cover - the message was read with its layout
            return _eof(1, start + 1, size)
        at = start + 1
        for length in layout.read_sizes:
            if length and at + length > size:
                return _eof(length, at, size)
            at += length
        return _eof(1, at, size)  # not reached: the message did not fit

    def _data_message(self, pos: int, local_type: int, time: int | None) -> None:
        """A data message the hot loop does not handle: undefined, or decoded on the spot."""
        layout = self.local[local_type]
        if layout is None:
            fault = FitParseError(f"Got data message with invalid local message type {local_type}")
            raise _Stop(fault, pos + 1)
        if pos + layout.size > len(self.data):
            raise self._cut_message(pos, layout)
        if layout.has_timestamp:
            self.timed_at, self.timed_layout = pos, layout
        if layout.action == GENERIC:
            message = decode_message(self.data, pos, layout, self.accumulators, time)
            if layout.kind == profile.RECORD:
                self.slow_rolling.update(layout.resets)
                values = message.get_values()
                self.slow_records.append((pos, {k: values.get(k) for k in RECORD_WANTED}))
                check_records(len(self.slow_records))
            else:
                self.other_messages += 1
                self.content.add(message)
        elif layout.action == FAST:
            self.sinks[local_type].append(pos)
        else:
            self.other_messages += 1

    def _compressed(self, pos: int, header: int) -> int:
        """A data message with a compressed-timestamp header."""
        local_type = (header >> 5) & 0x03
        layout = self.local[local_type]
        if layout is None:
            self._data_message(pos, local_type, None)  # raises: undefined local type
            return pos
        if pos + layout.size > len(self.data):
            raise self._cut_message(pos, layout)
        time = accumulate(header & 0x1F, self._time_before(pos, layout), 5)
        self.time_value, self.time_at = time, pos
        if layout.action == FAST:
            self.compressed_at.append(pos)
            self.compressed_time.append(time)
        self._data_message(pos, local_type, time)
        return pos + layout.size

    def _time_before(self, pos: int, layout: Layout) -> int:
        """The timestamp a compressed one at ``pos`` counts from: the last one read before.

        That is the message's own timestamp field if it has one, else the last message with a
        timestamp after the previous compressed one, else that compressed timestamp.
        """
        latest, source = self.time_at, None
        if self.timed_at > latest:
            latest, source = self.timed_at, self.timed_layout
        for local_type in range(16):
            candidate = self.local[local_type]
            sink = self.sinks[local_type]
            if (
                self.actions[local_type] == FAST
                and candidate is not None
                and candidate.timestamp is not None
                and sink
                and sink[-1] > latest
            ):
                latest, source = sink[-1], candidate
        if layout.has_timestamp:
            latest, source = pos, layout
        if source is None:
            return self.time_value
        if source.timestamp is None:
            raise Unsupported("a compressed timestamp counts from a timestamp of an odd type")
        offset, unpacker, invalid = source.timestamp
        value = int(unpacker.unpack_from(self.data, latest + 1 + offset)[0])
        if value == invalid:
            raise Unsupported("a compressed timestamp counts from an invalid timestamp")
        return value

    def _definition(self, pos: int, header: int) -> int:
        """A definition message: bind its layout to its local message type.

        A definition met before in this file is found by its bytes, so a device that writes
        one before every record (Suunto) costs a dictionary look-up per definition, not a
        compilation.
        """
        data = self.data
        if not header & 0x20 and pos + 6 <= len(data):
            end = pos + 6 + 3 * data[pos + 5]
            layout = self.known.get(data[pos + 1 : end])  # a cut-off one is never found
            if layout is not None:
                self._count_definition()
                local_type = header & 0x0F
                if self.local[local_type] is not layout:
                    self._bind(local_type, layout)
                self._reset(layout, pos)
                return end
        return self._new_definition(pos, header)

    def _count_definition(self) -> None:
        """Count one more definition message, refusing a file with too many."""
        self.definitions += 1
        if self.definitions > limits.MAX_FIT_DEFINITIONS:  # looked up here, as tests lower it
            check_fit_structure(0, self.definitions)

    def _new_definition(self, pos: int, header: int) -> int:
        """A definition not met before in this file (or with developer fields): compile it."""
        global_num, endian, raw, dev, at = read_definition(self.data, pos, header)
        self._count_definition()
        layout = compile_layout(global_num, endian, raw, dev)
        self.as_bytes |= layout.as_bytes
        self.known[self.data[pos + 1 : at]] = layout  # (with developer fields, never looked up)
        check_fit_structure(0, 0, len(self.known))
        self._bind(header & 0x0F, layout)
        self._reset(layout, pos)
        return at

    def _reset(self, layout: Layout, pos: int) -> None:
        """A definition at ``pos`` restarts its rolling components (as fitparse does)."""
        for component in layout.resets:
            self.accumulators[(layout.global_num, component)] = 0
            if layout.kind == profile.RECORD:  # for records added up with numpy
                self.resets_at.setdefault(component, []).append(pos)

    def _bind(self, local_type: int, layout: Layout) -> None:
        """Give a local message type its new layout (fast records: the layout's one list)."""
        old, last = self.local[local_type], self.sinks[local_type][-1:]
        if old is not None and old.action == FAST and old.timestamp and last > [self.timed_at]:
            self.timed_at, self.timed_layout = last[0], old  # compressed ones may count from it
        self.local[local_type] = layout
        self.actions[local_type] = layout.action
        self.sizes[local_type] = layout.size
        if layout.action != FAST:
            self.sinks[local_type] = []
            return
        if layout not in self.layout_sinks:  # a layout's records are gathered at once
            self.layout_sinks[layout] = []
            self.groups.append((layout, self.layout_sinks[layout]))
        self.sinks[local_type] = self.layout_sinks[layout]

    # --- columns ---------------------------------------------------------------------------

    def _finish(self) -> None:
        """Turn the located records into columns, in file order, and count the messages."""
        content = self.content
        compressed = (
            np.array(self.compressed_at, dtype=np.intp),
            np.array(self.compressed_time, dtype=np.float64),
        )
        parts = [
            fast_columns(self.bytes, layout, sink, compressed)
            for layout, sink in self.groups
            if sink
        ]
        if self.slow_records:
            parts.append(slow_columns(self.slow_records))
        fast_records = sum(len(sink) for _, sink in self.groups)
        content.records = fast_records + len(self.slow_records)
        content.messages = content.records + self.other_messages
        if {c.accumulate for part in parts for c in part[3].values()} & self.slow_rolling:
            raise Unsupported("a rolling record field added up by both decoding paths")
        if parts:
            content.columns, content.record_sport = merge_parts(parts, self.resets_at)
