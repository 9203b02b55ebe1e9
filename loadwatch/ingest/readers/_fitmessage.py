"""FIT data messages decoded one by one, exactly as fitparse decodes them.

For the few messages (sessions, laps...) and the odd records that the numpy path of
:mod:`~loadwatch.ingest.readers.fitfast` does not gather: :func:`decode_message` reads a message
with the layout :mod:`~loadwatch.ingest.readers._fitlayout` compiled for it and fitparse's own
profile objects, components, subfields and accumulated fields included.
"""

from __future__ import annotations

import functools
from typing import Any

from loadwatch.ingest.readers import _fitprofile as profile
from loadwatch.ingest.readers._fitlayout import Field, Layout, Unsupported


class Message:
    """A message decoded field by field, with fitparse's ``DataMessage`` interface."""

    __slots__ = ("fields", "name")

    def __init__(self, name: str, fields: list[tuple[str, str | None, Any]]) -> None:
        self.name = name
        self.fields = fields  # (name, parent field's name, value), in fitparse's order

    def get_values(self) -> dict[str, Any]:
        """Field values by name; a later field of the same name wins."""
        return {name: value for name, _, value in self.fields}

    def get_value(self, name: str) -> Any:
        """The first field called ``name`` (or whose parent field is), else None."""
        for field_name, parent, value in self.fields:
            if name in (field_name, parent):
                return value
        return None


def decode_message(
    data: bytes,
    pos: int,
    layout: Layout,
    accumulators: dict[tuple[int, int], int],
    time: int | None,
) -> Message:
    """Decode the data message at ``pos`` field by field, exactly as fitparse does.

    Records keep only the fields our columns can come from.

    Args:
        data: The file.
        pos: Where the message's header byte is.
        layout: Its layout.
        accumulators: Running values of accumulated components, updated here.
        time: The message's compressed timestamp, if its header has one.

    Raises:
        Unsupported: A value fitparse would fail on (it then reports the fault itself).
    """
    fields = tuple(field for field, _ in layout.slots)
    raws = _raw_values(data, pos, layout)
    message = profile.message_type(layout.global_num)
    out: list[tuple[str, str | None, Any]] = []
    try:
        for field, raw in zip(fields, raws, strict=True):
            spec = field.spec
            if spec is None:
                out.append((f"unknown_{field.num}", None, raw))
                continue
            if not spec.subfields and not spec.components:  # most fields: no other to consult
                out.append((spec.name, None, _scaled(spec, spec.render(raw))))
                continue
            spec, parent = _subfield(spec, fields, raws)
            if spec.components:
                _expand(spec.components, raw, (layout, message, fields, raws), accumulators, out)
            out.append((spec.name, _name(parent), _scaled(spec, spec.render(raw))))
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as e:
        raise Unsupported(f"a {layout.kind} message fitparse cannot decode either ({e})") from e
    if time is not None:
        out.append(("timestamp", None, time))
    return Message(layout.kind or "unknown", out)


_BEYOND = object()  # a component past the end of its byte array: fitparse leaves it out


def _unpacked(raw: Any) -> Any:
    """A byte array as the little-endian number fitparse's components read; other values as
    they are. Once per field rather than once per component, as fitparse does it."""
    if not isinstance(raw, tuple):
        return raw
    if all(isinstance(item, int) and 0 <= item < 256 for item in raw):
        return int.from_bytes(bytes(raw), "little")
    unpacked = 0
    for item in reversed(raw):  # fitparse's own loop, whatever it holds (it may raise)
        unpacked = (unpacked << 8) + item
    return unpacked


def _expand(
    components: Any,
    raw: Any,
    where: tuple[Layout, Any, tuple[Field, ...], list[Any]],
    accumulators: dict[tuple[int, int], int],
    out: list[tuple[str, str | None, Any]],
) -> None:
    """Append the values of a field's components, as fitparse gives them (accumulated,
    scaled, rendered by their target field)."""
    layout, message, fields, raws = where
    whole = _unpacked(raw)
    counter = _counter(layout.global_num, components)
    if counter is not None and isinstance(raw, tuple) and isinstance(whole, int):
        _count(counter, whole, len(raw) << 3, accumulators, out)
        return
    for component in components:
        value = _component(component, raw, whole)
        if value is _BEYOND:
            continue
        if component.accumulate and value is not None:
            key = (layout.global_num, component.def_num)
            value = accumulators[key] = accumulate(value, accumulators[key], component.bits)
        if component.scale or component.offset:
            value = _scaled(component, value)
        target = message.fields[component.def_num]
        if target.subfields:
            target, parent = _subfield(target, fields, raws)
            out.append((target.name, _name(parent), target.render(value)))
        else:
            out.append((target.name, None, target.render(value)))


#: Components that all add up into one plain field (``hr``'s ``event_timestamp_12``): the
#: accumulator's key, the components' bit offsets, their size in bits, scale, and target name.
_Counter = tuple[tuple[int, int], tuple[int, ...], int, float | None, str]


@functools.lru_cache(maxsize=64)
def _counter(global_num: int, components: Any) -> _Counter | None:
    """The plan for components that are one rolling counter read again and again, else None."""
    message = profile.message_type(global_num)
    first = components[0]
    target = message.fields[first.def_num]
    same = all(
        c.def_num == first.def_num
        and c.accumulate
        and c.bits == first.bits
        and c.scale == first.scale
        and not c.offset
        for c in components
    )
    if not same or target.subfields or getattr(target.type, "values", None):
        return None
    offsets = tuple(c.bit_offset for c in components)
    return (global_num, first.def_num), offsets, first.bits, first.scale, target.name


def _count(
    counter: _Counter,
    whole: int,
    size_bits: int,
    accumulators: dict[tuple[int, int], int],
    out: list[tuple[str, str | None, Any]],
) -> None:
    """The values of a :data:`_Counter`'s components, as :func:`_expand` gives them."""
    key, offsets, bits, scale, name = counter
    mask = (1 << bits) - 1
    value = accumulators[key]
    for offset in offsets:
        if offset and offset >= size_bits:
            continue
        value = accumulate((whole >> offset) & mask, value, bits)
        out.append((name, None, float(value) / scale if scale else value))
    accumulators[key] = value


def _component(component: Any, raw: Any, whole: Any) -> Any:
    """A component's raw value, as fitparse's ``ComponentField.render`` gives it."""
    if raw is None:
        return None
    if isinstance(raw, tuple):
        if component.bit_offset and component.bit_offset >= len(raw) << 3:
            return _BEYOND
        raw = whole
    if isinstance(raw, int):
        return (raw >> component.bit_offset) & ((1 << component.bits) - 1)
    return raw


def _name(spec: Any) -> str | None:
    return None if spec is None else str(spec.name)


def _raw_values(data: bytes, pos: int, layout: Layout) -> list[Any]:
    """The raw values of the fields a message is decoded from, as fitparse reads them: None
    when invalid (or empty), tuples for arrays and bytes, text for strings."""
    values = layout.unpacker.unpack_from(data, pos + 1)
    raws: list[Any] = []
    for field, start in layout.slots:
        base = field.base
        if start < 0:
            raws.append(None)  # fitparse fails on an empty field; there is nothing to read
        elif base.numpy_code is None:
            raw = values[start]
            raws.append(base.parse(raw if base.name == "string" else tuple(raw)))
        elif field.count == 1:
            raws.append(base.parse(values[start]))
        else:
            raws.append(tuple(base.parse(v) for v in values[start : start + field.count]))
    return raws


def _scaled(spec: Any, value: Any) -> Any:
    """Apply a field's or component's scale and offset, as fitparse does."""
    if not spec.scale and not spec.offset:
        return value
    if isinstance(value, tuple):
        return tuple(_scaled(spec, item) for item in value)
    if isinstance(value, int | float):
        if spec.scale:
            value = float(value) / spec.scale
        if spec.offset:
            value = value - spec.offset
    return value


def accumulate(raw: int, previous: int, bits: int) -> int:
    """Unwrap a rolling ``bits``-bit counter (a compressed timestamp...) against its last value."""
    span = 1 << bits
    value = raw + (previous & ~(span - 1))
    if raw < (previous & (span - 1)):
        value += span
    return value


def _subfield(spec: Any, fields: tuple[Field, ...], raws: list[Any]) -> tuple[Any, Any]:
    """The subfield another field's value selects (fitparse's rule), and its parent field."""
    if not spec.subfields:
        return spec, None
    for sub in spec.subfields:
        for reference in sub.ref_fields:
            for field, raw in zip(fields, raws, strict=True):
                if field.num == reference.def_num and reference.raw_value == raw:
                    return sub, spec
    return spec, None
