"""loadwatch: reads the files your watch exports and flags the weeks you ramped up too fast."""

from __future__ import annotations

from loadwatch._version import __version__
from loadwatch.activity import SAMPLE_COLUMNS, SPORTS, Activity
from loadwatch.errors import (
    ConfigError,
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    NotAnActivityError,
    SourceError,
    UnsupportedFileError,
)

__all__ = [
    "SAMPLE_COLUMNS",
    "SPORTS",
    "Activity",
    "ConfigError",
    "CorruptFileError",
    "EmptyActivityError",
    "LoadwatchError",
    "NotAnActivityError",
    "SourceError",
    "UnsupportedFileError",
    "__version__",
]
