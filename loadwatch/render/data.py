"""Turn an :class:`~loadwatch.model.Analysis` into JSON or CSV, field by field from the schema.

Pure functions returning text; the CLI decides where it goes. Every key of ``weeks[]``,
``activities[]`` and ``shoes[]``, and every CSV column, is a field of :mod:`loadwatch.fields`,
written by its kind: numbers rounded (``null`` where unknown or not finite), text or ``null``,
lists, ISO dates. The JSON shape is a public contract: later versions add keys, never rename
or remove them. Distances are always in km.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from loadwatch._version import __version__
from loadwatch.fields import (
    ACTIVITY_FIELDS,
    SHOE_FIELDS,
    WEEK_FIELDS,
    Field,
    Kind,
    Output,
    csv_columns,
    shown_in,
)
from loadwatch.labels import shown
from loadwatch.metrics.risk import LOAD_UNITS
from loadwatch.metrics.surfaces import MAP_ATTRIBUTION
from loadwatch.model import Analysis, Thresholds
from loadwatch.vocab import NOT_MEASURED, SET_THRESHOLDS_HINT, Origin


def _number(value: Any, digits: int) -> float | None:
    """A JSON-safe rounded number: ``None`` for NaN, infinity, None or what is no number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return round(number, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scalar(kind: Kind, value: Any, digits: int) -> Any:
    """One value of ``kind`` as the JSON writes it."""
    if kind is Kind.COUNT:
        return None if _missing(value) else int(value)
    if kind.is_number:
        return _number(value, digits)
    if kind is Kind.TEXT:
        return value if isinstance(value, str) else None
    if kind is Kind.FILE:
        return shown(value)
    if kind is Kind.LIST:
        return list(value) if isinstance(value, tuple | list) else []
    if kind is Kind.DATE:
        return pd.Timestamp(value).date().isoformat()
    if kind is Kind.TIME:
        return pd.Timestamp(value).isoformat()
    if kind is Kind.BOOL:
        return bool(value)
    raise ValueError(f"no way to write a field of kind {kind!r}")


def value(field: Field, row: Mapping[str, Any]) -> Any:
    """``field``'s JSON value in ``row`` (one frame row as a mapping of column to value).

    A field that ``needs`` no column must be in ``row``: a frame without it is a bug, not a
    value to leave out. Per-member fields (``surface_km``) are an object of one value per member.

    Raises:
        KeyError: ``row`` lacks a column of a field that needs none.
    """
    if field.null_unless is not None and _missing(row.get(field.null_unless)):
        return None

    def get(column: str) -> Any:
        return row.get(column) if field.needs is not None else row[column]

    if field.per is not None:
        kinds = field.member_kinds
        return {
            str(member): _scalar(kinds[k] if kinds else field.kind, get(column), field.precision)
            for k, (member, column) in enumerate(zip(field.per, field.columns, strict=True))
        }
    return _scalar(field.kind, get(field.name), field.precision)


def record(fields: Sequence[Field], row: Mapping[str, Any]) -> dict[str, Any]:
    """The values of ``fields`` in ``row``, in order, leaving out those whose column it lacks."""
    return {f.name: value(f, row) for f in fields if f.needs is None or f.needs in row}


def _rows(frame: pd.DataFrame, fields: Sequence[Field]) -> Iterable[dict[str, Any]]:
    """``frame``'s rows as mappings, with the index under the name of its field (if any)."""
    index = next((f.name for f in fields if f.index), None)
    names = [str(c) for c in frame.columns]
    for label, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        row = dict(zip(names, values, strict=True))
        if index is not None:
            row[index] = label
        yield row


def week_records(weeks: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``weeks`` list of the JSON report (``remaining.runs`` a whole number, as runs are)."""
    fields = shown_in(WEEK_FIELDS, Output.JSON)
    return [_whole_runs(record(fields, row)) for row in _rows(weeks, WEEK_FIELDS)]


def _whole_runs(week: dict[str, Any]) -> dict[str, Any]:
    """``week`` with ``remaining.runs`` a whole number, as runs are (the field's kind is km)."""
    room = week.get("remaining")
    if isinstance(room, dict) and room.get("runs") is not None:
        room["runs"] = int(room["runs"])
    return week


def activity_records(timeline: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``activities`` list of the JSON report, in start order."""
    fields = shown_in(ACTIVITY_FIELDS, Output.JSON)
    return [record(fields, row) for row in _rows(timeline, ACTIVITY_FIELDS)]


def _shoes(analysis: Analysis) -> list[dict[str, Any]]:
    fields = shown_in(SHOE_FIELDS, Output.JSON)
    return [
        record(fields, {f.name: getattr(shoe, f.name) for f in fields}) for shoe in analysis.shoes
    ]


def thresholds_record(limits: Thresholds) -> dict[str, Any]:
    """The thresholds intensity and load were measured against, each with where it came from.

    ``how_to_set`` says how to replace a guess or a default (null when there is none).
    """
    pace = 1000.0 / limits.threshold_speed_mps if limits.threshold_speed_mps > 0 else math.nan
    values = {
        "rest_hr": limits.rest_hr,
        "max_hr": limits.max_hr,
        "threshold_hr": limits.threshold_hr,
        "threshold_pace_s_per_km": pace,
    }
    keys = ("rest_hr", "max_hr", "threshold_hr", "threshold_speed_mps")
    origin = {
        name: limits.origin.get(key, Origin.UNKNOWN) for name, key in zip(values, keys, strict=True)
    }
    guessed = NOT_MEASURED.intersection(origin.values())
    return {
        **{k: round(v, 1) if math.isfinite(v) else None for k, v in values.items()},
        "origin": {k: str(v) for k, v in origin.items()},
        "how_to_set": SET_THRESHOLDS_HINT if guessed else None,
    }


def report_dict(analysis: Analysis) -> dict[str, Any]:
    """The JSON report as plain Python data (distances always in km)."""
    report: dict[str, Any] = {}
    for key, item in report_head(analysis).items():
        report[key] = item
        if key == "weeks":  # the activities follow the weeks in the file
            report["activities"] = activity_records(analysis.timeline)
    return report


def report_head(analysis: Analysis) -> dict[str, Any]:
    """The JSON report without its ``activities`` list: what the answer and the news read.

    The list of activities is most of the report's cost at thousands of runs, and nothing but
    the files need it.
    """
    risk = analysis.risk
    return {
        "loadwatch": __version__,
        "timezone": analysis.timezone,
        "units": "km",
        "weeks": week_records(analysis.weeks),
        "duplicates": [
            {"source": shown(d.source), "duplicate_of": shown(d.duplicate_of)}
            for d in analysis.duplicates
        ],
        "skipped": [
            {"source": shown(s.source), "reason": shown(s.reason)} for s in analysis.skipped
        ],
        "pending": [{"source": shown(label)} for label in analysis.pending],
        "risk_settings": {
            "load_basis": risk.load,
            "load_unit": LOAD_UNITS[risk.load],
            "acwr_limit": risk.acwr_limit,
            "monotony_limit": risk.monotony_limit,
            "strength_target": risk.strength_target,
        },
        "shoes": _shoes(analysis),
        "surface_map": (
            None
            if analysis.surface_map is None
            else {"extract": analysis.surface_map.name, "attribution": MAP_ATTRIBUTION}
        ),
        "threshold": analysis.threshold,
        "thresholds": thresholds_record(analysis.thresholds),
        "week_start": analysis.week_start.value,
        "as_of": None if analysis.as_of is None else analysis.as_of.isoformat(),
        "after_as_of": analysis.after_as_of,
        "last_activity": (
            None if analysis.last_activity is None else analysis.last_activity.isoformat()
        ),
        "stale_days": analysis.stale_days,
        "stale_limit": analysis.stale_limit,
        "status": analysis.status,
        "red_flags": [
            {"flag": str(found.flag), "since": found.since.isoformat(), "why": found.why}
            for found in analysis.red_flags
        ],
    }


def to_json(analysis: Analysis) -> str:
    """The JSON report, indented, ending with a newline."""
    return json.dumps(report_dict(analysis), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _csv_cells(field: Field, written: Any) -> dict[str, Any]:
    """A field's JSON value as CSV cells: an object flattened, a list joined with ``;``."""
    if field.per is not None:
        members = written if isinstance(written, Mapping) else {}
        cells = {c: members.get(str(m)) for m, c in zip(field.per, field.columns, strict=True)}
        return {c: ";".join(map(str, v)) if isinstance(v, list) else v for c, v in cells.items()}
    if field.kind is Kind.LIST:
        return {field.name: ";".join(str(item) for item in written)}
    return {field.name: written}


def to_csv(analysis: Analysis) -> str:
    """One row per week with the JSON report's fields flattened (``surface_km_road``...).

    ``flags`` and ``notes`` are joined with ``;``. Distances are in km. A weekly frame without
    the risk columns leaves their cells empty.
    """
    fields = shown_in(WEEK_FIELDS, Output.CSV)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(csv_columns(WEEK_FIELDS)), lineterminator="\n")
    writer.writeheader()
    for row in _rows(analysis.weeks, WEEK_FIELDS):
        cells: dict[str, Any] = {}
        written = _whole_runs(record(fields, row))
        for f in fields:
            if f.name in written:
                cells.update(_csv_cells(f, written[f.name]))
        writer.writerow({k: "" if v is None else v for k, v in cells.items()})
    return buffer.getvalue()
