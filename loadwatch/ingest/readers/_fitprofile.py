"""FIT protocol tables for the fast decoder: the profile, base types and the file checksum.

fitparse ships the FIT profile (message and field numbers, scales, offsets, components, enum
names) as plain Python objects; using them, rather than a second copy, keeps both decoders on
the same profile. What fitparse lacks for fast decoding is added here: each base type's numpy
dtype and the raw value that means "invalid", so whole columns can be masked at once, and a
checksum that runs in numpy rather than byte by byte.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from fitparse.profile import MESSAGE_TYPES
from fitparse.records import BASE_TYPE_BYTE, BASE_TYPES

#: The message kinds loadwatch reads, by name.
FILE_ID = "file_id"
RECORD = "record"
SESSION = "session"
LAP = "lap"
EVENT = "event"
ACTIVITY = "activity"
SPORT = "sport"
HR = "hr"  # heart rate a strap cached (while swimming) and sent after: see _fithr.py
WANTED_MESSAGES: tuple[str, ...] = (FILE_ID, RECORD, SESSION, LAP, EVENT, ACTIVITY, SPORT, HR)

#: Field number of ``timestamp`` in every message (it drives compressed-timestamp headers).
TIMESTAMP_FIELD = 253

# Per numeric base type: the numpy type code (byte order added per definition) and the raw
# value fitparse reads as "no value". None means NaN (floats).
_NUMERIC: dict[str, tuple[str, int | None]] = {
    "enum": ("u1", 0xFF),
    "sint8": ("i1", 0x7F),
    "uint8": ("u1", 0xFF),
    "sint16": ("i2", 0x7FFF),
    "uint16": ("u2", 0xFFFF),
    "sint32": ("i4", 0x7FFFFFFF),
    "uint32": ("u4", 0xFFFFFFFF),
    "float32": ("f4", None),
    "float64": ("f8", None),
    "uint8z": ("u1", 0),
    "uint16z": ("u2", 0),
    "uint32z": ("u4", 0),
    "sint64": ("i8", 0x7FFFFFFFFFFFFFFF),
    "uint64": ("u8", 0xFFFFFFFFFFFFFFFF),
    "uint64z": ("u8", 0),
}


@dataclasses.dataclass(frozen=True)
class BaseType:
    """A FIT base type: how to unpack one value and which raw value is missing.

    Attributes:
        name: fitparse's name (``"uint16"``, ``"byte"``...).
        size: Bytes per value.
        struct_code: The :mod:`struct` code of one value.
        numpy_code: numpy type code without byte order (``"u2"``), ``None`` for byte/string.
        invalid: The raw value meaning "no value"; ``None`` for floats (NaN) and byte/string.
        parse: fitparse's own scrubbing of a raw value (None when invalid).
    """

    name: str
    size: int
    struct_code: str
    numpy_code: str | None
    invalid: int | None
    parse: Callable[[Any], Any] = dataclasses.field(repr=False, compare=False)

    @property
    def is_integer(self) -> bool:
        """True for the integer types (enum, sint*, uint*, uint*z)."""
        return self.numpy_code is not None and self.numpy_code[0] in "iu"


def _base_type(fitparse_type: Any) -> BaseType:
    code, invalid = _NUMERIC.get(fitparse_type.name, (None, None))
    return BaseType(
        name=fitparse_type.name,
        size=fitparse_type.size,
        struct_code=fitparse_type.fmt,
        numpy_code=code,
        invalid=invalid,
        parse=fitparse_type.parse,
    )


@functools.cache
def base_types() -> dict[int, BaseType]:
    """Every base type by the byte a definition message uses for it."""
    return {number: _base_type(base) for number, base in BASE_TYPES.items()}


@functools.cache
def byte_type() -> BaseType:
    """The type of fields whose base type is unknown, or whose size does not fit their type."""
    return _base_type(BASE_TYPE_BYTE)


@functools.cache
def message_numbers() -> dict[str, int]:
    """Global message numbers of :data:`WANTED_MESSAGES`."""
    by_name = {message.name: number for number, message in MESSAGE_TYPES.items()}
    return {name: by_name[name] for name in WANTED_MESSAGES}


def message_type(number: int) -> Any:
    """fitparse's profile entry for a global message number, or None when it is not known."""
    return MESSAGE_TYPES.get(number)


# --- the file checksum -------------------------------------------------------------------------


@functools.cache
def _crc_table() -> tuple[int, ...]:
    """CRC-16 (reflected polynomial 0xA001, the FIT checksum) of each byte from state 0."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


@functools.cache
def _crc_pair_table() -> np.ndarray:
    """The checksum state after two bytes, by (state XOR the two bytes, little-endian).

    After 16 bits a 16-bit reflected CRC has shifted its old state out entirely, so the new
    state depends only on that XOR.
    """
    table = np.asarray(_crc_table(), dtype=np.uint16)
    pairs = np.arange(65536, dtype=np.uint16)
    state = table[pairs & 0xFF]
    after: np.ndarray = (state >> 8) ^ table[(state ^ (pairs >> 8)) & 0xFF]
    return after


@functools.cache
def _zeros_tables(length: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Tables that carry a CRC state over ``length`` zero bytes, by its low and high byte.

    The CRC is linear, so a state's image is the XOR of its bits' images.
    """
    table = _crc_table()
    images = []
    for bit in range(16):
        state = 1 << bit
        for _ in range(length):
            state = (state >> 8) ^ table[state & 0xFF]
        images.append(state)

    def image(value: int, first_bit: int) -> int:
        out = 0
        for bit in range(8):
            if value >> bit & 1:
                out ^= images[first_bit + bit]
        return out

    return tuple(image(v, 0) for v in range(256)), tuple(image(v, 8) for v in range(256))


def crc16(data: bytes, start: int = 0, stop: int | None = None) -> int:
    """The FIT checksum of ``data[start:stop]``.

    Rows of bytes get their checksums side by side in numpy, two bytes a step, then are
    chained in order: a row's effect on the running state is the state carried over the
    row's length of zero bytes, XOR the row's own checksum. Rows grow with the data so that
    neither the numpy steps nor the chaining dominates.
    """
    stop = len(data) if stop is None else stop
    length = stop - start
    row = 16
    while row < 512 and row * row * 32 < length:
        row *= 2
    table = _crc_table()
    head = length % row
    crc = 0
    for byte in data[start : start + head]:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    rows = length // row
    if rows:
        block = np.frombuffer(data, "<u2", count=rows * row // 2, offset=start + head)
        columns = np.ascontiguousarray(block.reshape(rows, row // 2).T)
        pairs = _crc_pair_table()
        state = np.zeros(rows, dtype=np.uint16)
        for column in columns:
            state = pairs[state ^ column]
        low, high = _zeros_tables(row)
        for row_crc in state.tolist():
            crc = low[crc & 0xFF] ^ high[crc >> 8] ^ row_crc
    return crc
