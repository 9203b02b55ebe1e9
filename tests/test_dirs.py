"""loadwatch's own folders (config, cache, logs) on Linux, macOS and Windows (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import platformdirs.macos
import platformdirs.unix
import platformdirs.windows
import pytest

from loadwatch.settings import dirs


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of its own, with none of the XDG variables set."""
    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def on(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let platformdirs answer as it would on ``platform``."""
    classes = {
        "linux": platformdirs.unix.Unix,
        "darwin": platformdirs.macos.MacOS,
        "win32": platformdirs.windows.Windows,
    }
    monkeypatch.setattr("sys.platform", platform)
    monkeypatch.setattr(platformdirs, "PlatformDirs", classes[platform])


def test_linux_defaults(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without XDG variables: ~/.config, ~/.cache and ~/.local/state, each with loadwatch/."""
    on("linux", monkeypatch)
    assert dirs.user_config_dir() == home / ".config" / "loadwatch"
    assert dirs.user_cache_dir() == home / ".cache" / "loadwatch"
    assert dirs.user_state_dir() == home / ".local" / "state" / "loadwatch"


def test_linux_xdg_variables(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG variables win when absolute; a relative one is ignored, as the XDG spec says."""
    on("linux", monkeypatch)
    for variable, name in (
        ("XDG_CONFIG_HOME", "c"),
        ("XDG_CACHE_HOME", "k"),
        ("XDG_STATE_HOME", "s"),
    ):
        monkeypatch.setenv(variable, str(home / name))
    assert dirs.user_config_dir() == home / "c" / "loadwatch"
    assert dirs.user_cache_dir() == home / "k" / "loadwatch"
    assert dirs.user_state_dir() == home / "s" / "loadwatch"  # no "log" level below it
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert dirs.user_cache_dir() == home / ".cache" / "loadwatch"


def test_macos_library_folders(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS: Application Support, Caches and Logs under ~/Library."""
    on("darwin", monkeypatch)
    library = home / "Library"
    assert dirs.user_config_dir() == library / "Application Support" / "loadwatch"
    assert dirs.user_cache_dir() == library / "Caches" / "loadwatch"
    assert dirs.user_state_dir() == library / "Logs" / "loadwatch"


def test_windows_known_folders(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows: the config roams (%APPDATA%); cache and logs stay local (%LOCALAPPDATA%)."""
    on("win32", monkeypatch)
    folders = {
        "CSIDL_APPDATA": home / "AppData" / "Roaming",
        "CSIDL_LOCAL_APPDATA": home / "AppData" / "Local",
    }
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda name: str(folders[name]))
    local = folders["CSIDL_LOCAL_APPDATA"] / "loadwatch"
    assert dirs.user_config_dir() == folders["CSIDL_APPDATA"] / "loadwatch"
    assert dirs.user_cache_dir() == local / "Cache"
    assert dirs.user_state_dir() == local / "Logs"


def test_the_test_suite_keeps_away_from_the_real_folders() -> None:
    """conftest.py's XDG variables put every folder in a temporary home, not the user's."""
    for folder in (dirs.user_config_dir(), dirs.user_cache_dir(), dirs.user_state_dir()):
        assert folder.name == "loadwatch" and "home" in folder.parent.parent.name
