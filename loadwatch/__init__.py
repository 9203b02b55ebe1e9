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

import importlib
from typing import TYPE_CHECKING, Any

from loadwatch._version import __version__
from loadwatch.errors import (
    ConfigError,
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    SourceError,
    UnsupportedFileError,
)
from loadwatch.vocab import LoadBasis, OnError, WeekStart

if TYPE_CHECKING:
    from loadwatch.analysis import analyze, timeline
    from loadwatch.body.frame import read_body_log
    from loadwatch.ingest.activity import SAMPLE_COLUMNS, SPORTS, Activity
    from loadwatch.ingest.readers import read_activities, read_activity
    from loadwatch.metrics.period import runs
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

#: Where each name of the public face that needs pandas (or the config) lives, imported on
#: first use: ``loadwatch --help`` then starts without pandas, numpy or matplotlib.
_LAZY: dict[str, tuple[str, str]] = {
    "analyze": ("loadwatch.analysis", "analyze"),
    "timeline": ("loadwatch.analysis", "timeline"),
    "read_body_log": ("loadwatch.body.frame", "read_body_log"),
    "SAMPLE_COLUMNS": ("loadwatch.ingest.activity", "SAMPLE_COLUMNS"),
    "SPORTS": ("loadwatch.ingest.activity", "SPORTS"),
    "Activity": ("loadwatch.ingest.activity", "Activity"),
    "read_activities": ("loadwatch.ingest.readers", "read_activities"),
    "read_activity": ("loadwatch.ingest.readers", "read_activity"),
    "weekly": ("loadwatch.metrics.weeks", "week_metrics"),
    "runs": ("loadwatch.metrics.period", "runs"),
    "resolve_options": ("loadwatch.options", "resolve_options"),
    **{
        name: ("loadwatch.model", name)
        for name in (
            "Analysis",
            "AnalyzeOptions",
            "Duplicate",
            "FileWarning",
            "RiskSettings",
            "Skipped",
        )
    },
    **{
        name: ("loadwatch.settings.config", name)
        for name in ("Athlete", "Config", "SurfaceRule", "load_config")
    },
}


def __getattr__(name: str) -> Any:
    """The public name ``name``, its module imported on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'loadwatch' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, those imported on first use included."""
    return sorted(set(globals()) | set(_LAZY))


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
    "runs",
    "timeline",
    "weekly",
]
