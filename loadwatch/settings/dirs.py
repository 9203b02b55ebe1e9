"""Where loadwatch keeps its own files on each platform: config, cache and logs.

The folders are platformdirs' for the app ``loadwatch``: on Linux the XDG base directories
(``$XDG_CONFIG_HOME``, ``$XDG_CACHE_HOME``, ``$XDG_STATE_HOME``; a relative value is ignored, as
the XDG spec asks), on macOS the ``~/Library`` folders and on Windows the known folders behind
``%APPDATA%`` and ``%LOCALAPPDATA%``. None of these is ever inside the folder being analysed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

#: The folder name under each platform folder.
APP_NAME = "loadwatch"


def user_config_dir() -> Path:
    """Folder of the user's loadwatch config (``config.toml``).

    ``~/.config/loadwatch``, ``~/Library/Application Support/loadwatch`` or
    ``%APPDATA%\\loadwatch`` (roaming: the config follows the user from machine to machine).
    """
    return platformdirs.user_config_path(APP_NAME, appauthor=False, roaming=True)


def user_cache_dir() -> Path:
    """Folder of loadwatch's caches (parsed files, map indexes): safe to delete at any time.

    ``~/.cache/loadwatch``, ``~/Library/Caches/loadwatch`` or ``%LOCALAPPDATA%\\loadwatch\\Cache``.
    """
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def user_state_dir() -> Path:
    """Folder of the nightly job's logs.

    ``~/.local/state/loadwatch``, ``~/Library/Logs/loadwatch`` or
    ``%LOCALAPPDATA%\\loadwatch\\Logs``.
    """
    # platformdirs' "opinion" files logs in a folder of their own: "Logs" beside "Cache" on
    # Windows, "log" inside the XDG state folder. loadwatch keeps nothing but logs in its state
    # folder, so on Linux they stay where they have always been, in that folder itself.
    return platformdirs.user_log_path(APP_NAME, appauthor=False, opinion=sys.platform == "win32")


def user_data_dir() -> Path:
    """Folder of what the user wrote through loadwatch: the body log (``loadwatch log``).

    ``~/.local/share/loadwatch``, ``~/Library/Application Support/loadwatch`` or
    ``%LOCALAPPDATA%\\loadwatch``. Unlike the cache, never safe to delete.
    """
    return platformdirs.user_data_path(APP_NAME, appauthor=False)
