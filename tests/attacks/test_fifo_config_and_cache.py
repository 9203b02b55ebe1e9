"""A FIFO where a config or an activity is read: refused at once, never a run that hangs for
ever (holding the cache's lock, so that every later night would find it taken)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from loadwatch.errors import ConfigError
from loadwatch.ingest.cache import identify
from loadwatch.ingest.lock import CacheBusyError, RunLock
from loadwatch.settings.config import _read_toml

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_data")


def test_a_fifo_as_config_is_refused(tmp_path: Path) -> None:
    """--config naming a FIFO (no writer: opening it would block) is an error naming it."""
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "loadwatch", "analyze", SAMPLE, "--no-cache"]
    result = subprocess.run(
        [*command, "--config", str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{fifo}: " in result.stderr


def test_a_config_swapped_for_a_fifo_is_refused(tmp_path: Path) -> None:
    """A config that turns into a FIFO after it was found is refused when opened, at once."""
    fifo = tmp_path / "loadwatch.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="is not a regular file"):
        _read_toml(fifo)


def test_identify_passes_over_a_fifo(tmp_path: Path) -> None:
    """The cache's hashing of a file swapped for a FIFO after the walk returns at once."""
    fifo = tmp_path / "run.fit"
    os.mkfifo(fifo)
    assert identify(fifo) is None


def test_a_run_kept_waiting_names_the_process_holding_the_cache(tmp_path: Path) -> None:
    """When a run holds the cache for longer than --wait (hung on something), the next one
    says which process it is and since when, so that it can be ended."""
    cache = tmp_path / "cache.sqlite3"
    with RunLock(cache, 0), pytest.raises(CacheBusyError) as caught, RunLock(cache, 0):
        pass
    assert f"another loadwatch run (process {os.getpid()}, since " in str(caught.value)
    assert "If it hangs, end that process" in str(caught.value)
