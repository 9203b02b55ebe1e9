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
from loadwatch.ingest.readers._fitlayout import ACTIVITY_TYPE, RECORD_FIELDS, Layout, column_values

#: Records' positions, their columns, and the first timed record's sport (position, word).
Part = tuple[np.ndarray, dict[str, np.ndarray], tuple[int, str] | None]


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
            sources[column.at] = _gather(data, positions, column.at, column.dtype)
        columns[name] = column_values(sources[column.at], column)
    at, times = compressed
    if len(at):
        index = np.minimum(np.searchsorted(at, positions), len(at) - 1)
        columns["timestamp"] = np.where(at[index] == positions, times[index], columns["timestamp"])
    codes = columns.pop(ACTIVITY_TYPE)
    known = np.flatnonzero(~np.isnan(columns["timestamp"]) & ~np.isnan(codes))
    if not len(known):
        return positions, columns, None
    first = int(known[0])
    fields = profile.message_type(layout.global_num).fields.values()
    spec = next(field for field in fields if field.name == ACTIVITY_TYPE)
    sport = word(spec.render(int(codes[first])))
    return positions, columns, None if sport is None else (int(positions[first]), sport)


def _gather(data: np.ndarray, positions: np.ndarray, offset: int, dtype: str) -> np.ndarray:
    """One field of every message at ``positions``, as an array of its type."""
    width = np.dtype(dtype).itemsize
    at = positions + offset
    if width > 1:
        at = at[:, None] + np.arange(width)
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
    return positions, columns, sport


def merge_parts(parts: list[Part]) -> tuple[dict[str, np.ndarray], str | None]:
    """The columns of every part, in file order and only where a record has a timestamp, and
    the sport of the first timed record that says one."""
    if len(parts) == 1:
        positions, columns, first = parts[0]
        sports = [first] if first is not None else []
    else:
        positions = np.concatenate([part[0] for part in parts])
        order = np.argsort(positions, kind="stable")
        columns = {
            name: np.concatenate([part[1][name] for part in parts])[order] for name in RECORD_FIELDS
        }
        sports = [part[2] for part in parts if part[2] is not None]
    timed = ~np.isnan(columns["timestamp"])
    return {name: values[timed] for name, values in columns.items()}, (
        min(sports)[1] if sports else None
    )
