"""The public API used as README.md shows it, for mypy (--strict) to check; never run by pytest.

Each annotated assignment states the type a notebook user relies on: if a change to loadwatch
gives one of these calls another type, mypy fails in CI. The calls sit in functions, so that
importing this file reads no data.
"""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pandas as pd

import loadwatch


def readme_tour() -> None:
    """README.md's "From Python" section, line by line."""
    result: loadwatch.Analysis = loadwatch.analyze("sample_data")
    table: pd.DataFrame = result.weeks[["runs", "distance_km", "distance_change", "flags"]]
    activities: pd.DataFrame = result.timeline
    skipped: list[loadwatch.Skipped] = result.skipped
    reasons: list[str] = [item.reason for item in skipped]
    zone: str = result.timezone
    threshold: float = result.threshold

    activity: loadwatch.Activity = loadwatch.read_activity(
        "sample_data/garmin/2026-06/2026-06-02-07-08-30.fit"
    )
    samples: pd.DataFrame = activity.samples
    columns: tuple[str, ...] = loadwatch.SAMPLE_COLUMNS
    sport: str = activity.sport
    print(table, activities, reasons, zone, threshold, samples[list(columns)], sport)


def two_steps(folder: Path) -> pd.DataFrame:
    """``loadwatch.timeline(path)`` and ``loadwatch.weekly(timeline)``, the steps on their own."""
    timeline: pd.DataFrame = loadwatch.timeline(folder, timezone="Europe/Berlin")
    since: pd.DataFrame = loadwatch.timeline(folder, since=date(2026, 7, 1))
    weeks: pd.DataFrame = loadwatch.weekly(timeline)
    by_time: pd.DataFrame = loadwatch.weekly(
        since, threshold=0.05, risk=loadwatch.RiskSettings(acwr_limit=1.3)
    )
    return pd.concat([weeks, by_time])


def read_files(path: Path) -> list[loadwatch.Activity]:
    """``read_activity`` and ``read_activities`` on a path, on bytes and on gzipped bytes."""
    data: bytes = path.read_bytes()
    one: loadwatch.Activity = loadwatch.read_activity(data)
    zipped: loadwatch.Activity = loadwatch.read_activity(gzip.compress(data))
    sessions: list[loadwatch.Activity] = loadwatch.read_activities(path)
    try:
        loadwatch.read_activity(str(path))
    except loadwatch.NotAnActivityError as error:
        print(f"{error}")
    except loadwatch.LoadwatchError as error:
        print(f"cannot read {path}: {error}")
    return [one, zipped, *sessions]


def body_log(path: Path) -> pd.DataFrame:
    """``loadwatch.read_body_log``: the body log as a DataFrame, and its left-out lines."""
    frame: pd.DataFrame = loadwatch.read_body_log(path, timezone="Europe/Berlin")
    warnings: list[str] = frame.attrs["warnings"]
    print(warnings)
    return frame
