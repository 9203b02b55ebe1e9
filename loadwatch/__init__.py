"""loadwatch: reads the files your watch exports and flags the weeks you ramped up too fast.

The folder tree is the pipeline, each stage a subpackage that imports only the ones below it:
:mod:`~loadwatch.settings` (the config), :mod:`~loadwatch.ingest` (files -> one summary per
activity, cached), :mod:`~loadwatch.maps` (surfaces from OpenStreetMap), :mod:`~loadwatch.metrics`
(timeline, weeks, risk, advice), :func:`~loadwatch.analysis.analyze` (all of it in one call),
:mod:`~loadwatch.render` (table, JSON, CSV, page, charts), :mod:`~loadwatch.nightly` (the
unattended run) and :mod:`~loadwatch.cli`. ``docs/architecture.md`` says where each change goes.

    >>> import loadwatch
    >>> result = loadwatch.analyze("sample_data")      # doctest: +SKIP
    >>> result.weeks[["distance_km", "flags"]]         # doctest: +SKIP
"""

from __future__ import annotations

from loadwatch._version import __version__
from loadwatch.analysis import analyze, timeline
from loadwatch.body.frame import read_body_log
from loadwatch.errors import (
    ConfigError,
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    SourceError,
    UnsupportedFileError,
)
from loadwatch.ingest.activity import SAMPLE_COLUMNS, SPORTS, Activity
from loadwatch.ingest.readers import read_activities, read_activity
from loadwatch.metrics.weeks import week_metrics as weekly
from loadwatch.model import (
    Analysis,
    AnalyzeOptions,
    Duplicate,
    FileWarning,
    RiskSettings,
    Skipped,
)
from loadwatch.options import resolve_options
from loadwatch.settings.config import Athlete, Config, SurfaceRule, load_config
from loadwatch.vocab import LoadBasis, OnError, WeekStart

__all__ = [
    "SAMPLE_COLUMNS",
    "SPORTS",
    "Activity",
    "Analysis",
    "AnalyzeOptions",
    "Athlete",
    "Config",
    "ConfigError",
    "CorruptFileError",
    "Duplicate",
    "EmptyActivityError",
    "FileWarning",
    "LoadBasis",
    "LoadwatchError",
    "NotAnActivityError",
    "OnError",
    "RiskSettings",
    "Skipped",
    "SourceError",
    "SurfaceRule",
    "UnsupportedFileError",
    "WeekStart",
    "__version__",
    "analyze",
    "load_config",
    "read_activities",
    "read_activity",
    "read_body_log",
    "resolve_options",
    "timeline",
    "weekly",
]
