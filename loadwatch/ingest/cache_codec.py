"""How the cache stores what a file gave: outcomes as bytes, and labels relative to the file.

An outcome is an :class:`~loadwatch.ingest.summary.ActivitySummary`, a
:class:`~loadwatch.model.Skipped` entry or a :class:`~loadwatch.ingest.gear.GearTable` (what a
Strava ``activities.csv`` says). Its label is kept relative to its file (:func:`unlabel`), since
the cache finds results by content and the same content may sit under another name next time;
:func:`relabel` puts the file's label back in front. The bytes are decoded strictly
(:func:`decode_outcomes` raises on anything unexpected), and the cache treats what does not
decode as not cached.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from loadwatch.ingest.gear import GearTable
from loadwatch.ingest.stravacsv import StravaRow
from loadwatch.ingest.summary import ActivitySummary, Histogram
from loadwatch.model import Skipped

#: Changes whenever the encoding of stored results changes. Encoding 2 added gear tables and
#: the ``bug`` mark of skipped entries.
_ENCODING = 2
#: Encodings still decoded: what encoding 1 stored means the same today (it had no gear tables,
#: and no bug marks since a skip caused by a bug is never stored).
_DECODED = (1, 2)

Outcome = ActivitySummary | Skipped | GearTable


def relabel(outcome: Outcome, prefix: str) -> Outcome:
    """Put the file's label in front of an outcome's file-relative label."""
    return dataclasses.replace(outcome, source=prefix + outcome.source)


def unlabel(outcome: Outcome, prefix: str) -> Outcome:
    """Make an outcome's label relative to its file (the inverse of :func:`relabel`)."""
    label = outcome.source
    if not label.startswith(prefix):
        raise ValueError(f"{label!r} is not inside {prefix!r}")
    return dataclasses.replace(outcome, source=label[len(prefix) :])


# -- encoding ------------------------------------------------------------------------------
# JSON with arrays as base64 float64, zlib-compressed: no pickle, so a foreign file can never
# run code, and every field is checked on the way back in.


def _array(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode()


def _unarray(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text, validate=True), dtype="<f8").copy()


def _array32(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode()


def _unarray32(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text, validate=True), dtype="<f4").copy()


def encode_outcomes(outcomes: Sequence[Outcome]) -> bytes:
    """Serialise outcomes for the cache."""
    items: list[dict[str, Any]] = []
    for outcome in outcomes:
        if isinstance(outcome, Skipped):
            entry = {"source": outcome.source, "reason": outcome.reason, "bug": outcome.bug}
            items.append({"skipped": entry})
        elif isinstance(outcome, GearTable):
            rows = [list(row) for row in outcome.rows]
            gear = {
                "source": outcome.source,
                "rows": rows,
                "problem": outcome.problem,
                "activities": [dataclasses.asdict(row) for row in outcome.activities],
            }
            items.append({"gear": gear})
        else:
            items.append({"summary": _summary_fields(outcome)})
    document = {"encoding": _ENCODING, "outcomes": items}
    return zlib.compress(json.dumps(document, separators=(",", ":")).encode("utf-8"), 6)


def _summary_fields(summary: ActivitySummary) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(ActivitySummary):
        value = getattr(summary, field.name)
        if isinstance(value, Histogram):
            value = {"values": _array(value.values), "seconds": _array(value.seconds)}
        elif isinstance(value, np.ndarray):
            value = {"float32": _array32(value)}
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, float) and not np.isfinite(value):
            value = repr(value)  # "nan" / "inf", which JSON has no words for
        fields[field.name] = value
    return fields


_FLOAT_FIELDS = {f.name for f in dataclasses.fields(ActivitySummary) if f.type in ("float", float)}
_SUMMARY_FIELDS = {field.name for field in dataclasses.fields(ActivitySummary)}


def decode_outcomes(blob: bytes) -> list[Outcome]:
    """The inverse of :func:`encode_outcomes`; raises ValueError on anything unexpected."""
    document = json.loads(zlib.decompress(blob).decode("utf-8"))
    if document.get("encoding") not in _DECODED:
        raise ValueError("stored with another encoding")
    result: list[Outcome] = []
    for item in document["outcomes"]:
        if "skipped" in item:
            result.append(_skipped(item["skipped"]))
        elif "gear" in item:
            result.append(_gear_table(item["gear"]))
        else:
            result.append(_summary(item["summary"]))
    return result


def _skipped(entry: dict[str, Any]) -> Skipped:
    bug = entry.get("bug", False)
    if not isinstance(bug, bool):
        raise ValueError("a skipped entry's bug mark is not true or false")
    return Skipped(str(entry["source"]), str(entry["reason"]), bug=bug)


def _gear_table(entry: dict[str, Any]) -> GearTable:
    source, rows, problem = entry["source"], entry["rows"], entry["problem"]
    texts = [source, *(cell for row in rows for cell in row)]
    if not all(isinstance(text, str) for text in texts) or any(len(row) != 2 for row in rows):
        raise ValueError("a gear table is not text")
    if problem is not None and not isinstance(problem, str):
        raise ValueError("a gear table's problem is not text")
    activities = tuple(_strava_row(row) for row in entry.get("activities", ()))
    return GearTable(source, tuple((file, gear) for file, gear in rows), problem, activities)


_ROW_TYPES = {field.name: field.type for field in dataclasses.fields(StravaRow)}


def _strava_row(entry: dict[str, Any]) -> StravaRow:
    """One row of an ``activities.csv`` back from the cache, every field checked."""
    if set(entry) != set(_ROW_TYPES):
        raise ValueError("a Strava row is stored with other fields")
    for name, value in entry.items():
        kind = _ROW_TYPES[name]
        ok = (
            isinstance(value, bool)
            if kind == "bool"
            else value is None
            or (isinstance(value, str) if "str" in kind else isinstance(value, int | float))
        )
        if not ok:
            raise ValueError(f"a Strava row's {name} is not what it should be")
    return StravaRow(**entry)


def _summary(entry: dict[str, Any]) -> ActivitySummary:
    fields = dict(entry)
    if set(fields) != _SUMMARY_FIELDS:
        raise ValueError("stored with other fields")
    for name in ("hr", "speed"):
        fields[name] = Histogram(
            _unarray(fields[name]["values"]), _unarray(fields[name]["seconds"])
        )
    for name in ("track_lat", "track_lon"):
        fields[name] = _unarray32(fields[name]["float32"])
    fields["start"] = datetime.fromisoformat(fields["start"])
    fields["warnings"] = tuple(str(w) for w in fields["warnings"])
    for name in _FLOAT_FIELDS:
        fields[name] = float(fields[name])
    return ActivitySummary(**fields)
