"""A config that is not UTF-8 or nests too deeply, a log that takes no text, a wait of NaN:
each a clear error naming the file or the option, never a traceback or an endless wait."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.errors import ConfigError
from loadwatch.ingest.lock import RunLock

SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_data")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["analyze", SAMPLE, "--no-cache", "--format", "csv", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_a_utf16_config_names_the_file_and_the_encoding(tmp_path: Path) -> None:
    """A config saved as UTF-16 (with its byte order mark) is an error naming the file and
    saying that TOML must be UTF-8."""
    config = tmp_path / "loadwatch.toml"
    config.write_bytes('timezone = "UTC"\n'.encode("utf-16"))
    code, err = invoke("--config", str(config))
    assert code == 1 and "Traceback" not in err
    assert f"{config}: is not UTF-8 text (it is UTF-16)" in err and "save it again as UTF-8" in err


def test_a_latin1_config_says_where(tmp_path: Path) -> None:
    """Other bytes that are not UTF-8 are said with their position."""
    config = tmp_path / "loadwatch.toml"
    config.write_bytes(b'timezone = "UTC" # M\xfcnchen\n')
    code, err = invoke("--config", str(config))
    assert code == 1 and "is not UTF-8 text (byte 21 is not)" in err


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "{a=" * 3000 + "1" + "}" * 3000])
def test_a_deeply_nested_config_is_a_clear_error(tmp_path: Path, value: str) -> None:
    """Arrays or inline tables nested thousands deep: an error naming the file, no
    RecursionError."""
    config = tmp_path / "loadwatch.toml"
    config.write_text(f"timezone = {value}\n")
    code, err = invoke("--config", str(config))
    assert code == 1 and "Traceback" not in err and str(config) in err
    assert "nests arrays or tables too deeply" in err or "is not valid TOML" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_log_that_takes_no_text_is_named() -> None:
    """--log /dev/full (every write fails: disk full) is an error naming the log."""
    code, err = invoke("--log", "/dev/full")
    assert code == 1 and "Traceback" not in err
    assert "/dev/full: cannot write the log (No space left on device)" in err


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-1", "soon"])
def test_wait_must_be_finite(value: str) -> None:
    """--wait nan (which never times out), inf or a negative number: usage error, exit 2."""
    code, err = invoke("--wait", value)
    assert code == 2 and "Invalid value for '--wait'" in err
    assert "a number of seconds, 0 or more" in err


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0])
def test_the_lock_refuses_an_endless_wait(tmp_path: Path, value: float) -> None:
    """From Python, a run lock with a wait that never ends is a ConfigError naming wait."""
    with pytest.raises(ConfigError) as caught:
        RunLock(tmp_path / "cache.sqlite3", value)
    assert caught.value.setting == "wait"
