"""FIT definition messages compiled into layouts: where each field is, and what to do with it.

A layout says where each field of a data message is, what the fast decoder does with such
messages (skip them, locate them for the numpy record path, or decode them one by one), and,
for records, which field each column comes from. Which field that is follows fitparse: fields
in definition order, each one's components before the field itself, a later one replacing an
earlier one of the same name. The messages decoded one by one (sessions, laps, odd records) are
:mod:`~loadwatch.ingest.readers._fitmessage`'s.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
from typing import Any

import numpy as np

from loadwatch.ingest.readers import _fitprofile as profile

#: Record fields loadwatch keeps, as the FIT profile names them.
RECORD_FIELDS: tuple[str, ...] = (
    "timestamp",
    "distance",
    "enhanced_speed",
    "speed",
    "heart_rate",
    "cadence",
    "fractional_cadence",
    "position_lat",
    "position_long",
    "enhanced_altitude",
    "altitude",
    # Running dynamics (FIT profile, record message: ms, percent, mm, percent, mm).
    "stance_time",
    "stance_time_balance",
    "vertical_oscillation",
    "vertical_ratio",
    "step_length",
)
#: A record's sport, used when the file has no session or sport message.
ACTIVITY_TYPE = "activity_type"
RECORD_WANTED = frozenset((*RECORD_FIELDS, ACTIVITY_TYPE))

# What the decoder does with a data message of a layout.
UNDEFINED = -1  # no definition for its local message type
FAST = 0  # a record whose columns are gathered with numpy
SKIP = 1  # a message loadwatch does not need
SKIP_TIMED = 2  # ... that has a timestamp (compressed timestamps may count from it)
GENERIC = 3  # decoded on the spot, field by field

_TimestampReader = tuple[int, struct.Struct, int]  # offset, unpacker, invalid raw value
_NOTHING = struct.Struct("")


class Unsupported(Exception):
    """A construct the fast decoder leaves to fitparse: decode the whole file with it instead."""


@dataclasses.dataclass(frozen=True)
class Field:
    """One field of a definition, resolved against the profile."""

    num: int
    offset: int  # from the start of the message's data (after its header byte)
    size: int
    base: profile.BaseType
    count: int  # values in the field (1 for scalars; bytes for byte fields)
    spec: Any  # fitparse's profile Field, or None when the profile does not know the field


@dataclasses.dataclass(frozen=True)
class Column:
    """How one record column comes out of a fast layout's rows."""

    at: int  # where the source field is, from the message's header byte
    dtype: str  # the source field's numpy type with byte order; "" for a column of NaN
    base: profile.BaseType
    scale: float | None = None
    offset: float | None = None
    shift: int = 0  # for a component: bits to drop, then keep ``bits``
    bits: int | None = None
    enum_codes: tuple[int, ...] = ()  # values the profile names: words, not numbers
    width: int = 0  # a byte array's size: its bytes read as one little-endian number
    accumulate: int | None = None  # the field a rolling component adds up into (its number)


@dataclasses.dataclass(eq=False)
class Layout:
    """A compiled definition message (not changed once :func:`compile_layout` returns it)."""

    global_num: int
    endian: str
    fields: tuple[Field, ...]
    dev_sizes: tuple[int, ...]
    size: int  # bytes of a data message, its header byte included
    action: int
    kind: str | None  # the wanted message kind, or None
    timestamp: _TimestampReader | None
    odd_timestamp: bool  # a timestamp field that cannot feed compressed timestamps
    resets: tuple[int, ...]  # accumulated component fields a definition restarts at 0
    relevant: tuple[Field, ...] = ()  # generic records: the fields that give our columns
    unpacker: struct.Struct = _NOTHING  # generic messages: the fields decoded, at once...
    slots: tuple[tuple[Field, int], ...] = ()  # ...and where each one's values start in it
    as_bytes: bool = False  # a field whose size does not fit its type, read as plain bytes
    columns: dict[str, Column] = dataclasses.field(default_factory=dict)

    @property
    def has_timestamp(self) -> bool:
        """True when the message has a timestamp field (253) of any type."""
        return self.timestamp is not None or self.odd_timestamp

    @property
    def read_sizes(self) -> tuple[int, ...]:
        """Sizes of the reads fitparse makes for a data message, in order."""
        return (*(f.size for f in self.fields), *self.dev_sizes)


@functools.lru_cache(maxsize=4096)
def compile_layout(global_num: int, endian: str, raw: bytes, dev: bytes) -> Layout:
    """Turn a definition into a layout: field offsets and types, and what to do with it.

    Cached: a device writes the same few definitions in every file, and often repeats them.

    Args:
        global_num: The global message number.
        endian: ``"<"`` or ``">"``.
        raw: The field definitions, three bytes each (number, size, base type).
        dev: The developer field definitions, three bytes each (number, size, index).
    """
    message = profile.message_type(global_num)
    kinds = {number: name for name, number in profile.message_numbers().items()}
    kind = kinds.get(global_num) if message is not None else None
    types = profile.base_types()
    fields = []
    offset = 0
    as_bytes = False
    for num, size, type_id in (raw[i : i + 3] for i in range(0, len(raw), 3)):
        base = types.get(type_id, profile.byte_type())
        if size % base.size:  # as the FIT SDK does: read what does not fit its type as bytes
            base, as_bytes = profile.byte_type(), True
        spec = message.fields.get(num) if message is not None else None
        fields.append(Field(num, offset, size, base, size // base.size, spec))
        offset += size
    dev_sizes = tuple(dev[1::3])
    timestamp, odd = _timestamp_reader(fields, endian)
    resets = tuple(
        component.def_num
        for field in fields
        if field.spec is not None
        for component in field.spec.components or ()
        if component.accumulate
    )
    action = SKIP_TIMED if timestamp is not None or odd else SKIP
    if kind is not None:
        action = GENERIC
    layout = Layout(
        global_num=global_num,
        endian=endian,
        fields=tuple(fields),
        dev_sizes=dev_sizes,
        size=1 + offset + sum(dev_sizes),
        action=action,
        kind=kind,
        timestamp=timestamp,
        odd_timestamp=odd,
        resets=resets,
        as_bytes=as_bytes,
    )
    if kind == profile.RECORD:
        layout.relevant = _relevant(layout.fields, message)
        _plan_fast_record(layout, message)
    if layout.action == GENERIC:
        read = layout.relevant if kind == profile.RECORD else layout.fields
        layout.unpacker, layout.slots = _unpacking(layout.fields, read, endian)
    return layout


def _unpacking(
    fields: tuple[Field, ...], read: tuple[Field, ...], endian: str
) -> tuple[struct.Struct, tuple[tuple[Field, int], ...]]:
    """One struct for the fields of a message that are ``read`` (the others are skipped), and
    where each read field's values start in what it unpacks (-1: an empty field)."""
    codes = []
    slots = []
    values = 0
    for field in fields:
        if field not in read or not field.size:
            codes.append(f"{field.size}x")
            if field in read:
                slots.append((field, -1))
            continue
        slots.append((field, values))
        if field.base.numpy_code is None:  # bytes or text: one value
            codes.append(f"{field.size}s")
            values += 1
        else:
            codes.append(f"{field.count}{field.base.struct_code}")
            values += field.count
    return struct.Struct(endian + "".join(codes)), tuple(slots)


def _relevant(fields: tuple[Field, ...], message: Any) -> tuple[Field, ...]:
    """The fields a record's columns can come from (all, when subfields need the others)."""
    if any(f.spec is not None and f.spec.subfields for f in fields):
        return fields
    return tuple(
        f
        for f in fields
        if f.spec is not None
        and (
            f.spec.name in RECORD_WANTED
            or any(message.fields[c.def_num].name in RECORD_WANTED for c in f.spec.components or ())
        )
    )


def _timestamp_reader(fields: list[Field], endian: str) -> tuple[_TimestampReader | None, bool]:
    """How to read the field compressed timestamps count from (253), if the message has one.

    Returns:
        The reader, or None; and whether there is a timestamp field the reader cannot read.
    """
    timed = [field for field in fields if field.num == profile.TIMESTAMP_FIELD]
    if not timed:
        return None, False
    field = timed[-1]
    base = field.base
    if len(timed) > 1 or field.count != 1 or not base.is_integer or base.invalid is None:
        return None, True
    return (field.offset, struct.Struct(endian + base.struct_code), base.invalid), False


def _plan_fast_record(layout: Layout, message: Any) -> None:
    """Make a record layout fast when its columns can be computed with numpy.

    Anything unusual (subfields, components of array or byte-typed fields) stays with the
    field-by-field decoder, which is exact but slower.
    """
    writers: dict[str, tuple[Field, Any]] = {}
    for field in layout.fields:
        spec = field.spec
        if spec is None:
            continue
        if spec.subfields:
            return
        for component in spec.components or ():
            target = message.fields[component.def_num]
            if target.name in RECORD_WANTED:
                writers[target.name] = (field, component)
        if spec.name in RECORD_WANTED:
            writers[spec.name] = (field, None)
    columns: dict[str, Column] = {}
    for name, (field, component) in writers.items():
        scalar = field.count == 1 and field.base.numpy_code is not None
        where = (field.offset + 1, f"{layout.endian}{field.base.numpy_code}")
        if component is not None:
            column = _component_column(field, component, where, message)
            if column is None:
                return
            columns[name] = column
        elif scalar:
            codes = () if name == ACTIVITY_TYPE else _enum_codes(field.spec)
            spec = field.spec
            columns[name] = Column(*where, field.base, spec.scale, spec.offset, 0, None, codes)
        elif name == ACTIVITY_TYPE:
            return  # a word from an array: leave it to the exact decoder
        else:  # an array, bytes or text: fitparse's value is not a number
            columns[name] = Column(0, "", field.base)
    layout.columns = columns
    layout.action = FAST


def _component_column(
    field: Field, component: Any, where: tuple[int, str], message: Any
) -> Column | None:
    """How a record column comes out of a component of an integer field or of a byte array
    of up to four bytes (``compressed_speed_distance``); None for any other."""
    width = 0
    if field.base.name == "byte" and field.size <= 4:
        if component.bit_offset >= 8 * field.size:  # fitparse leaves such a component out
            return None
        width = field.size
        where = (where[0], "u1")
    elif not (field.count == 1 and field.base.is_integer and field.size <= 4):
        return None
    target = message.fields[component.def_num]
    return Column(
        *where,
        field.base,
        component.scale,
        component.offset,
        component.bit_offset,
        component.bits,
        _enum_codes(target),
        width,
        component.def_num if component.accumulate else None,
    )


def _enum_codes(spec: Any) -> tuple[int, ...]:
    """Values the profile gives a name: fitparse turns them into words, not numbers."""
    values = getattr(spec.type, "values", None)
    return tuple(values) if values else ()


def column_values(raw: np.ndarray, column: Column) -> np.ndarray:
    """A record column from its source field's raw values, for a whole layout at once.

    Invalid raw values become NaN; then come the component's bits, scale and offset, in the
    order fitparse applies them (so the floating-point results are the same). A rolling
    component's values come back unscaled, to be added up over the file (see
    :func:`~loadwatch.ingest.readers._fitcolumns.accumulated`).
    """
    base = column.base
    invalid = (1 << 8 * column.width) - 1 if column.width else base.invalid
    if invalid is None:
        values = raw.astype(np.float64)
        missing = np.isnan(values)
    else:
        missing = raw == invalid
        if column.bits is not None:
            raw = (raw.astype(np.int64) >> column.shift) & ((1 << column.bits) - 1)
        values = raw.astype(np.float64)
    if column.accumulate is not None:  # scaled once added up, over every record of the file
        values[missing] = np.nan
        return values
    if column.enum_codes and column.bits is None:  # fitparse names a field's raw value...
        missing |= np.isin(raw, column.enum_codes)
    values[missing] = np.nan
    if column.scale:
        values /= column.scale
    if column.offset:
        values -= column.offset
    if column.enum_codes and column.bits is not None:  # ...but a component's scaled value
        values[np.isin(values, column.enum_codes)] = np.nan
    return values
