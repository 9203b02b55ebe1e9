"""Where loadwatch keeps its own files on each platform: config, cache and logs.

Linux follows the XDG base directories (``$XDG_CONFIG_HOME``, ``$XDG_CACHE_HOME``,
``$XDG_STATE_HOME``), macOS the ``~/Library`` folders and Windows ``%APPDATA%`` and
``%LOCALAPPDATA%``. None of these is ever inside the folder being analysed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _env_dir(variable: str, fallback: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value else fallback


def user_config_dir() -> Path:
    """Folder of the user's loadwatch config (``config.toml``)."""
    if sys.platform == "win32":
        return _env_dir("APPDATA", Path.home() / "AppData" / "Roaming") / "loadwatch"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "loadwatch"
    return _env_dir("XDG_CONFIG_HOME", Path.home() / ".config") / "loadwatch"


def user_cache_dir() -> Path:
    """Folder of loadwatch's caches (parsed files, map indexes): safe to delete at any time."""
    if sys.platform == "win32":
        return _env_dir("LOCALAPPDATA", Path.home() / "AppData" / "Local") / "loadwatch" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "loadwatch"
    return _env_dir("XDG_CACHE_HOME", Path.home() / ".cache") / "loadwatch"


def user_state_dir() -> Path:
    """Folder of the nightly job's logs."""
    if sys.platform == "win32":
        return _env_dir("LOCALAPPDATA", Path.home() / "AppData" / "Local") / "loadwatch" / "Logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "loadwatch"
    return _env_dir("XDG_STATE_HOME", Path.home() / ".local" / "state") / "loadwatch"
