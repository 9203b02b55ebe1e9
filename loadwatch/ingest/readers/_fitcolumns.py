"""Record columns of a FIT file: gathered with numpy for fast layouts, or from decoded messages.

:mod:`~loadwatch.ingest.readers.fitfast` locates the records; these functions turn the records of
one layout (all at once) or the ones decoded one by one into the columns of
:data:`~loadwatch.ingest.readers._fitlayout.RECORD_FIELDS`, each with the positions of its
records so that parts can be merged back into file order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from loadwatch.ingest.readers import _fitprofile as profile
from loadwatch.ingest.readers._fitcontent import number, word
from loadwatch.ingest.readers._fitlayout import (
    ACTIVITY_TYPE,
    RECORD_FIELDS,
    Column,
    Layout,
    column_values,
)

#: Records' positions, their columns, the first timed record's sport (position, word), and
#: the columns that hold a rolling component's raw values, still to be added up (by name).
Part = tuple[np.ndarray, dict[str, np.ndarray], tuple[int, str] | None, dict[str, Column]]


def fast_columns(
    data: np.ndarray, layout: Layout, sink: list[int], compressed: tuple[np.ndarray, np.ndarray]
) -> Part:
    """Decode every record of one fast layout at once.

    Args:
        data: The file's bytes.
        layout: The records' layout.
        sink: Where each record starts, in file order.
        compressed: Where the fast records with a compressed timestamp start (in file order),
            and their timestamps.
    """
    positions = np.asarray(sink, dtype=np.intp)
    count = len(positions)
    sources: dict[int, np.ndarray] = {}
    columns = {}
    for name in (*RECORD_FIELDS, ACTIVITY_TYPE):
        column = layout.columns.get(name)
        if column is None or not column.dtype:
            columns[name] = np.full(count, np.nan)
            continue
        if column.at not in sources:
            sources[column.at] = _gather(data, positions, column.at, column.dtype, column.width)
        columns[name] = column_values(sources[column.at], column)
    rolling = {n: c for n, c in layout.columns.items() if c.accumulate is not None and c.dtype}
    at, times = compressed
    if len(at):
        index = np.minimum(np.searchsorted(at, positions), len(at) - 1)
        columns["timestamp"] = np.where(at[index] == positions, times[index], columns["timestamp"])
    codes = columns.pop(ACTIVITY_TYPE)
    known = np.flatnonzero(~np.isnan(columns["timestamp"]) & ~np.isnan(codes))
    if not len(known):
        return positions, columns, None, rolling
    first = int(known[0])
    fields = profile.message_type(layout.global_num).fields.values()
    spec = next(field for field in fields if field.name == ACTIVITY_TYPE)
    sport = word(spec.render(int(codes[first])))
    return positions, columns, None if sport is None else (int(positions[first]), sport), rolling


def _gather(
    data: np.ndarray, positions: np.ndarray, offset: int, dtype: str, width: int = 0
) -> np.ndarray:
    """One field of every message at ``positions``, as an array of its type (a byte array of
    ``width`` bytes as one little-endian number, as fitparse reads its components)."""
    size = width or np.dtype(dtype).itemsize
    at = positions + offset
    if size > 1:
        at = at[:, None] + np.arange(size)
    if width:
        weights = np.left_shift(1, 8 * np.arange(width, dtype=np.int64))
        combined: np.ndarray = data[at].astype(np.int64) @ weights
        return combined
    values: np.ndarray = data[at].view(dtype)
    return values.reshape(len(positions))


def slow_columns(slow_records: list[tuple[int, dict[str, Any]]]) -> Part:
    """Columns of the records decoded one by one."""
    positions = np.array([pos for pos, _ in slow_records], dtype=np.intp)
    columns = {
        name: np.array([number(values.get(name)) for _, values in slow_records])
        for name in RECORD_FIELDS
    }
    sport = None
    for pos, values in slow_records:
        activity = word(values.get(ACTIVITY_TYPE))
        if activity is not None and not math.isnan(number(values.get("timestamp"))):
            sport = (pos, activity)
            break
    return positions, columns, sport, {}


def merge_parts(
    parts: list[Part], resets: dict[int, list[int]]
) -> tuple[dict[str, np.ndarray], str | None]:
    """The columns of every part, in file order and only where a record has a timestamp, and
    the sport of the first timed record that says one.

    Args:
        parts: The columns of each fast layout's records, and of the records decoded one by one.
        resets: Where the definitions are that restart each rolling component (by the number
            of the field it adds up into), in file order.
    """
    order = np.argsort(np.concatenate([part[0] for part in parts]), kind="stable")
    positions = np.concatenate([part[0] for part in parts])[order]
    columns = {
        name: np.concatenate([part[1][name] for part in parts])[order] for name in RECORD_FIELDS
    }
    sports = [part[2] for part in parts if part[2] is not None]
    rolling = {name: column for part in parts for name, column in part[3].items()}
    for name, column in rolling.items():  # added up in file order, over every layout
        member = np.concatenate([np.full(len(p[0]), name in p[3]) for p in parts])[order]
        rows = np.flatnonzero(member & ~np.isnan(columns[name]))
        starts = resets.get(column.accumulate or 0, [])
        columns[name][rows] = accumulated(columns[name][rows], positions[rows], starts, column)
    timed = ~np.isnan(columns["timestamp"])
    return {name: values[timed] for name, values in columns.items()}, (
        min(sports)[1] if sports else None
    )


def accumulated(
    raw: np.ndarray, positions: np.ndarray, resets: list[int], column: Column
) -> np.ndarray:
    """A rolling component's values added up as fitparse does, message after message: each raw
    value is the low ``bits`` of a counter that only runs forward (it wrapped when a value is
    below the one before), restarting at 0 at each definition in ``resets``. Then scaled."""
    span = 1 << (column.bits or 0)
    values = raw.astype(np.int64)
    segment = np.searchsorted(np.asarray(resets, dtype=np.intp), positions, side="right")
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = segment[1:] != segment[:-1]
    previous = np.zeros_like(values)
    previous[1:] = values[:-1]
    previous[starts] = 0
    wraps = np.cumsum(values < previous)
    first = np.flatnonzero(starts)[np.cumsum(starts) - 1]
    before = wraps[first] - (values[first] < previous[first])
    counter = (values + span * (wraps - before)).astype(np.float64)
    if column.scale:
        counter /= column.scale
    if column.offset:
        counter -= column.offset
    if column.enum_codes:
        counter[np.isin(counter, column.enum_codes)] = np.nan
    result: np.ndarray = counter
    return result
