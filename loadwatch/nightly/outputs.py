"""Everything ``--out DIR`` writes: the charts, ``weeks.csv``, ``latest.json`` and ``index.html``.

The files of one run are published together (:func:`loadwatch.atomic.staged_set`): written into
a hidden folder inside ``DIR`` first, then renamed into place, ``latest.json`` and ``index.html``
last. ``DIR`` stays a plain folder of plain files, always one run's set: a run that fails (or is
killed) while writing leaves the previous set in place, and what it left behind is cleared, or
finished publishing, by the next run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from pathlib import Path

from loadwatch._version import __version__
from loadwatch.atomic import staged_set, write_atomically
from loadwatch.metrics.body import BodyDays, body_days
from loadwatch.metrics.surfaces import MAP_ATTRIBUTION
from loadwatch.model import Analysis
from loadwatch.render.bodylog import latest_entries
from loadwatch.render.data import report_dict, to_csv
from loadwatch.render.page import render_index
from loadwatch.render.risk_text import newest_advice

#: The files an ``--out`` folder holds after a run, in the order they are written.
OUTPUT_FILES: tuple[str, ...] = (
    "weekly-risk.png",
    "weekly-risk.svg",
    "weeks.csv",
    "latest.json",
    "index.html",
)


@dataclasses.dataclass(frozen=True)
class Written:
    """What :func:`write_outputs` did.

    Attributes:
        files: The files written, in :data:`OUTPUT_FILES` order (the charts only when redrawn).
        chart_key: Identifies what the charts show; pass it back as ``unchanged_charts`` next
            time to skip redrawing identical charts.
    """

    files: list[Path]
    chart_key: str


def chart_key(analysis: Analysis, units: str, body: BodyDays | None = None) -> str:
    """A fingerprint of everything the charts show: equal keys draw identical charts.

    ``body``: the pain panel's days (:func:`~loadwatch.metrics.body.body_days` of the analysis),
    when the caller has them already; made here otherwise.
    """
    if body is None:
        body = body_days(analysis.body, analysis.timeline)
    digest = hashlib.sha256()
    parts = (
        __version__,
        units,
        repr(analysis.threshold),
        repr(analysis.risk),
        str(analysis.surface_map),  # the map's credit is on the chart
        str(_stale_since(analysis)),  # so is a stale folder's "no new activity since"
        str(analysis.week_start),
        analysis.weeks.to_csv(),
        _drawn_body(body),  # the pain panel
    )
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _drawn_body(body: BodyDays | None) -> str:
    """What the pain panel draws: pain, logged and recorded strength days, check-ins."""
    if body is None:
        return ""
    days = (list(body.strength_logged), list(body.strength_recorded))
    return f"{body.pain.to_csv()}{days!r}{body.check_ins.to_csv()}"


def write_outputs(
    analysis: Analysis,
    out_dir: str | Path,
    *,
    units: str = "km",
    generated: datetime | None = None,
    unchanged_charts: str | None = None,
) -> Written:
    """Write the charts and reports of an analysis into ``out_dir`` (created if needed).

    Args:
        analysis: What to write.
        out_dir: The output folder; never the analysed folder.
        units: Distance units of the charts and ``index.html`` ("km" or "mi"); the data files
            (``weeks.csv``, ``latest.json``) are always in km.
        generated: The time shown on ``index.html`` as "updated"; ``None`` leaves it out.
        unchanged_charts: The :func:`chart_key` of the charts already in ``out_dir``: when it
            is still the same and the chart files are there, they are not drawn again (drawing
            is most of the time of a rerun with nothing new).

    Returns:
        The files written and the charts' key.

    Raises:
        LoadwatchError: A file cannot be written (the folder is read-only, the disk full...).
    """
    folder = Path(out_dir)
    body = body_days(analysis.body, analysis.timeline)
    key = chart_key(analysis, units, body)
    # Everything is made before anything is written: a report that cannot be made leaves
    # the previous charts and report as they were.
    report = report_dict(analysis)
    # The JSON's advice names distances in km: the page gets the newest week's in its units.
    page = render_index(
        report,
        units=units,
        advice=newest_advice(analysis, units=units),
        generated=generated,
        body_log=latest_entries(analysis.body),
    )
    files = {
        "weeks.csv": to_csv(analysis).encode("utf-8"),
        "latest.json": (
            json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        ).encode("utf-8"),
        "index.html": page.encode("utf-8"),
    }
    charts = [folder / name for name in OUTPUT_FILES[:2]]
    redraw = key != unchanged_charts or not all(path.is_file() for path in charts)
    with staged_set(folder, order=OUTPUT_FILES) as staging:
        if redraw:
            from loadwatch.render.charts import (
                write_charts,  # matplotlib is slow to import: only if drawn
            )

            write_charts(
                analysis.weeks,
                staging,
                units=units,
                threshold=analysis.threshold,
                acwr_limit=analysis.risk.acwr_limit,
                week_start=analysis.week_start,
                credit=MAP_ATTRIBUTION if analysis.surface_map is not None else None,
                stale_since=_stale_since(analysis),
                body=body,
            )
        for name, data in files.items():
            write_atomically(staging / name, data)
        staged = {path.name for path in staging.iterdir()}
    rank = {name: index for index, name in enumerate(OUTPUT_FILES)}
    written = [folder / name for name in sorted(staged, key=lambda n: (rank.get(n, -1), n))]
    return Written(written, key)


def _stale_since(analysis: Analysis) -> date | None:
    """The newest activity's day when the folder is stale (the chart says so), else ``None``."""
    if analysis.status != "stale" or analysis.last_activity is None:
        return None
    return analysis.last_activity.date()
