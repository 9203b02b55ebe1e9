"""FIT protocol core: CRC-16, timestamps, and :class:`FitWriter` (definitions + data messages).

Written from the protocol description: a 14-byte header (with ``.FIT`` and its own CRC),
definition messages that fix each local message's layout, little-endian data messages, and a
CRC-16 over the whole file. Records are packed in bulk through numpy structured arrays.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from loadwatch.samples._fitprofile import BASE_TYPES, ENUMS, MESSAGES, BaseType, Field, Message

#: FIT timestamps count seconds since this instant.
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
#: Header size, protocol version (2.0) and profile version (21.32) the writer puts in headers.
HEADER_SIZE = 14
PROTOCOL_VERSION = 0x20
PROFILE_VERSION = 2132

# The FIT CRC-16 works a nibble at a time through this table (reflected polynomial 0x8005).
_CRC_NIBBLES = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip
_CRC_ROW = 256  # bytes per row in the vectorised CRC
_CRC_VECTOR_MIN = 16_384  # below this, the plain loop is as fast
_LOCAL_TYPES = 16

_DefKey = tuple[int, tuple[tuple[int, int, int], ...]]


def _crc_nibbles(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 exactly as the protocol describes it: two nibble steps per byte."""
    table = _CRC_NIBBLES
    for byte in data:
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


@functools.cache
def _crc_byte_table() -> tuple[int, ...]:
    """The CRC step for a whole byte from a zero state, derived from the nibble table."""
    return tuple(_crc_nibbles(bytes([value])) for value in range(256))


@functools.cache
def _crc_skip_tables(length: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Tables that advance a CRC state over ``length`` zero bytes (low byte, high byte)."""
    table = _crc_byte_table()
    basis = []
    for bit in range(16):
        state = 1 << bit
        for _ in range(length):
            state = (state >> 8) ^ table[state & 0xFF]
        basis.append(state)

    def advance(value: int, shift: int) -> int:
        out = 0
        for bit in range(8):
            if value >> bit & 1:
                out ^= basis[bit + shift]
        return out

    return tuple(advance(v, 0) for v in range(256)), tuple(advance(v, 8) for v in range(256))


def fit_crc(data: bytes, crc: int = 0) -> int:
    """FIT CRC-16 of ``data``, continuing from ``crc``.

    Long inputs are cut into rows whose CRCs numpy computes side by side; the CRC is linear,
    so the rows' CRCs are then chained with a table that skips a row's worth of zero bytes.
    The result is identical to the protocol's byte-by-byte loop.
    """
    if len(data) < _CRC_VECTOR_MIN:
        return _crc_nibbles(data, crc)
    head = len(data) % _CRC_ROW
    crc = _crc_nibbles(data[:head], crc)
    rows = np.frombuffer(data, dtype=np.uint8, offset=head).reshape(-1, _CRC_ROW)
    table = np.array(_crc_byte_table(), dtype=np.uint16)
    state = np.zeros(rows.shape[0], dtype=np.uint16)
    for column in np.ascontiguousarray(rows.T):
        state = (state >> 8) ^ table[(state ^ column) & 0xFF]
    low, high = _crc_skip_tables(_CRC_ROW)
    for row_crc in state.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ row_crc
    return crc


def fit_timestamp(moment: datetime) -> int:
    """Seconds since the FIT epoch (1989-12-31T00:00:00Z) of a tz-aware datetime, floored."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment} has no time zone; FIT timestamps are UTC")
    return (moment - FIT_EPOCH) // timedelta(seconds=1)


def semicircles(degrees: ArrayLike) -> NDArray[np.float64]:
    """Degrees to FIT semicircles (2**31 per 180°), unrounded; NaN stays NaN."""
    return np.asarray(degrees, dtype=np.float64) * (2.0**31 / 180.0)


def _message(message: str | int) -> Message:
    if isinstance(message, str):
        if message not in MESSAGES:
            raise ValueError(f"unknown FIT message {message!r}; known: {sorted(MESSAGES)}")
        return MESSAGES[message]
    for known in MESSAGES.values():
        if known.num == message:
            return known
    raise ValueError(f"FIT message {message} is not in the writer's profile; use add_raw()")


def _field(message: Message, name: str) -> Field:
    if name not in message.fields:
        raise ValueError(f"FIT message {message.num} has no field {name!r} in the writer's profile")
    return message.fields[name]


def _check_range(name: str, raw: int, base: BaseType) -> int:
    if not base.low <= raw <= base.high:
        raise ValueError(f"{name}: raw value {raw} does not fit {base.low}..{base.high}")
    return raw


@dataclasses.dataclass(frozen=True)
class PackedMessages:
    """Data messages of one layout packed into a structured array, ready to write in slices."""

    key: _DefKey
    rows: NDArray[np.void]

    def __len__(self) -> int:
        return len(self.rows)


class FitWriter:
    """Builds a FIT file message by message; :meth:`to_bytes` adds header and CRCs.

    Definitions are written as needed: each distinct layout (message number, fields, sizes)
    gets a local message type, reused while it lasts; the 16 local types are recycled in turn.
    With ``redefine``, a definition comes before every data message, as some Suunto watches
    write their files (a test of decoders that compile each definition they meet).

    Example:
        >>> w = FitWriter()
        >>> w.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 2697})
        >>> data = w.to_bytes()
    """

    def __init__(
        self,
        *,
        protocol_version: int = PROTOCOL_VERSION,
        profile_version: int = PROFILE_VERSION,
        redefine: bool = False,
    ) -> None:
        self._redefine = redefine
        self._protocol_version = protocol_version
        self._profile_version = profile_version
        self._parts: list[bytes] = []
        self._local: dict[_DefKey, int] = {}
        self._slots: list[_DefKey | None] = [None] * _LOCAL_TYPES
        self._next_slot = 0
        self._structs: dict[_DefKey, struct.Struct] = {}

    def _local_type(self, key: _DefKey) -> int:
        """The local type for a layout, writing its definition message if it is not live."""
        if key in self._local and not self._redefine:
            return self._local[key]
        if key in self._local:  # redefined in place
            self._next_slot = self._local.pop(key)
            self._slots[self._next_slot] = None
        slot = self._next_slot
        self._next_slot = (slot + 1) % _LOCAL_TYPES
        evicted = self._slots[slot]
        if evicted is not None:
            del self._local[evicted]
        self._slots[slot] = key
        self._local[key] = slot
        global_num, fields = key
        definition = struct.pack("<BBBHB", 0x40 | slot, 0, 0, global_num, len(fields))
        definition += b"".join(struct.pack("<BBB", *field) for field in fields)
        self._parts.append(definition)
        return slot

    def add(self, message: str | int, fields: Mapping[str, object]) -> None:
        """Write one message; values are in the profile's units, ``None`` leaves a field out.

        Scales and offsets are applied (``distance=1234.5`` metres is stored as 123450), enum
        fields take names or numbers, and date_time fields take tz-aware datetimes or FIT
        seconds. Positions are semicircles (see :func:`semicircles`).

        Raises:
            ValueError: Unknown message or field, or a value the field cannot hold.
        """
        spec = _message(message)
        items: list[tuple[int, str, int | bytes]] = []
        for name, value in fields.items():
            if value is None:
                continue
            field = _field(spec, name)
            items.append((field.num, field.base_type, self._raw_value(name, field, value)))
        self._write_one(spec.num, items)

    def add_raw(self, global_num: int, fields: Sequence[tuple[int, str, int | str]]) -> None:
        """Write one message of any number from ``(field_num, base_type, raw_value)`` triples.

        For messages or fields the writer's profile does not know (or invalid values on
        purpose, in test files). Raw values are stored as they are: no scale, no offset.
        """
        items: list[tuple[int, str, int | bytes]] = []
        for num, base_type, value in fields:
            if base_type not in BASE_TYPES:
                raise ValueError(f"unknown FIT base type {base_type!r}")
            raw = value.encode() if isinstance(value, str) else int(value)
            items.append((num, base_type, raw))
        self._write_one(global_num, items)

    def _raw_value(self, name: str, field: Field, value: object) -> int | bytes:
        base = BASE_TYPES[field.base_type]
        if field.base_type == "string":
            return str(value).encode()
        if isinstance(value, str):
            table = ENUMS.get(field.enum or "", {})
            if value not in table:
                raise ValueError(f"{name}: unknown value {value!r}; known: {sorted(table)}")
            return table[value]
        if isinstance(value, datetime):
            return _check_range(name, fit_timestamp(value), base)
        if not isinstance(value, int | float | np.integer | np.floating):
            raise ValueError(f"{name}: cannot store {value!r}")
        raw = round((float(value) + field.offset) * field.scale)
        return _check_range(name, raw, base)

    def _write_one(self, global_num: int, items: list[tuple[int, str, int | bytes]]) -> None:
        layout = []
        codes = []
        values: list[int | bytes] = []
        for num, base_type, raw in items:
            base = BASE_TYPES[base_type]
            if isinstance(raw, bytes):  # null-terminated string
                layout.append((num, len(raw) + 1, base.id))
                codes.append(f"{len(raw) + 1}s")
            else:
                layout.append((num, base.size, base.id))
                codes.append(base.struct_code)
            values.append(raw)
        key: _DefKey = (global_num, tuple(layout))
        local = self._local_type(key)
        packer = self._structs.get(key)
        if packer is None:
            packer = self._structs[key] = struct.Struct("<B" + "".join(codes))
        self._parts.append(packer.pack(local, *values))

    def prepare_many(
        self, message: str | int, columns: Mapping[str, ArrayLike | None]
    ) -> PackedMessages:
        """Pack many messages of one kind from equal-length columns, without writing them.

        Values are in the profile's units (as for :meth:`add`) and may be NaN where missing,
        which writes the field's invalid value; a column that is ``None`` or all missing is
        left out of the layout. date_time columns take FIT seconds or ``datetime64`` values.

        Raises:
            ValueError: Unknown message or field, ragged columns, or values out of range.
        """
        spec = _message(message)
        length: int | None = None
        packed: list[tuple[int, BaseType, NDArray[np.int64]]] = []
        for name, values in columns.items():
            if values is None:
                continue
            field = _field(spec, name)
            base = BASE_TYPES[field.base_type]
            if field.base_type == "string":
                raise ValueError(f"{name}: string fields cannot be packed in bulk; use add()")
            array = np.asarray(values)
            if array.ndim != 1 or (length is not None and len(array) != length):
                raise ValueError(f"{name}: columns must be one-dimensional and equally long")
            length = len(array)
            if np.issubdtype(array.dtype, np.datetime64):
                epoch = np.datetime64(FIT_EPOCH.replace(tzinfo=None), "s")
                seconds = (array.astype("datetime64[s]") - epoch).astype(np.float64)
                array = np.where(np.isnat(array), np.nan, seconds)
            floats = np.asarray(array, dtype=np.float64)
            valid = np.isfinite(floats)
            if not valid.any():
                continue
            raw = np.rint(np.where(valid, (floats + field.offset) * field.scale, 0.0))
            bad = valid & ((raw < base.low) | (raw > base.high))
            if bad.any():
                first = floats[np.flatnonzero(bad)[0]]
                raise ValueError(f"{name}: value {first} does not fit a FIT {field.base_type}")
            packed.append((field.num, base, np.where(valid, raw, base.invalid).astype(np.int64)))
        key: _DefKey = (spec.num, tuple((num, base.size, base.id) for num, base, _ in packed))
        dtype = np.dtype(
            [("header", "u1")] + [(f"f{num}", base.numpy_dtype) for num, base, _ in packed]
        )
        rows = np.zeros(length or 0, dtype=dtype)
        for num, _, column in packed:
            rows[f"f{num}"] = column
        return PackedMessages(key, rows)

    def write_packed(self, packed: PackedMessages, start: int = 0, stop: int | None = None) -> None:
        """Write rows ``start:stop`` of packed messages (defining their layout if needed)."""
        rows = packed.rows[start:stop]
        if len(rows) == 0 or not packed.key[1]:
            return
        if self._redefine:
            for row in rows:
                row["header"] = self._local_type(packed.key)
                self._parts.append(row.tobytes())
            return
        rows["header"] = self._local_type(packed.key)
        self._parts.append(rows.tobytes())

    def to_bytes(self) -> bytes:
        """The complete file: header with its CRC, the messages, and the file CRC."""
        data = b"".join(self._parts)
        header = struct.pack(
            "<BBHI4s",
            HEADER_SIZE,
            self._protocol_version,
            self._profile_version,
            len(data),
            b".FIT",
        )
        body = header + struct.pack("<H", fit_crc(header)) + data
        return body + struct.pack("<H", fit_crc(body))
