"""loadwatch: reads the files your watch exports and flags the weeks you ramped up too fast.

The pipeline, one step per module: :mod:`~loadwatch.sources` finds files,
:mod:`~loadwatch.readers` turns them into :class:`Activity` objects, :mod:`~loadwatch.summary`
reduces each to what the weeks need, :mod:`~loadwatch.scan` does that for a folder (in parallel,
through the cache), :mod:`~loadwatch.usable` sets duplicates and damaged files aside,
:mod:`~loadwatch.timeline` makes one row per activity, :mod:`~loadwatch.weekly` and
:mod:`~loadwatch.risk` the weekly metrics and flags, and :mod:`~loadwatch.charts` /
:mod:`~loadwatch.report` / :mod:`~loadwatch.cli` show them.

    >>> import loadwatch
    >>> result = loadwatch.analyze("sample_data")      # doctest: +SKIP
    >>> result.weeks[["distance_km", "flags"]]         # doctest: +SKIP
"""

from __future__ import annotations

from loadwatch._version import __version__
from loadwatch.activity import SAMPLE_COLUMNS, SPORTS, Activity
from loadwatch.analysis import Analysis, analyze, timeline
from loadwatch.config import Athlete, Config, SurfaceRule, load_config
from loadwatch.errors import (
    ConfigError,
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    SourceError,
    UnsupportedFileError,
)
from loadwatch.readers import read_activities, read_activity
from loadwatch.weekly import weekly

__all__ = [
    "SAMPLE_COLUMNS",
    "SPORTS",
    "Activity",
    "Analysis",
    "Athlete",
    "Config",
    "ConfigError",
    "CorruptFileError",
    "EmptyActivityError",
    "LoadwatchError",
    "NotAnActivityError",
    "SourceError",
    "SurfaceRule",
    "UnsupportedFileError",
    "__version__",
    "analyze",
    "load_config",
    "read_activities",
    "read_activity",
    "timeline",
    "weekly",
]
