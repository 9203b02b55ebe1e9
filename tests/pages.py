"""Folders and pages for the page's tests: a long history with gaps, hostile names, the CLI's --out.

The long history is written with the sample writers (:mod:`loadwatch.samples.xmlwrite`): two
short GPX runs a week for :data:`LONG_WEEKS` weeks, with :data:`GAP_WEEKS` weeks without runs in
the middle, one run named with a ``<script>`` and one file named with one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.samples.xmlwrite import write_gpx

#: The repository's sample folder.
SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"
#: Weeks of the long history, its first Monday, its gap (weeks without runs) and its as-of day.
LONG_WEEKS = 60
LONG_MONDAY = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
GAP_START, GAP_WEEKS = 20, 8
LONG_AS_OF = (LONG_MONDAY + timedelta(weeks=LONG_WEEKS, days=-1)).date().isoformat()
#: The name of one run of the long history, and a file name; both must be shown as text.
SCRIPT_NAME = "<script>window.pwned = 1</script>"
SCRIPT_FILE = "<script>window.pwned = 2;<img src=x onerror=window.pwned=3>.gpx"


def _run(start: datetime, km: float, name: str | None = None) -> bytes:
    """A run of ``km`` at 3 m/s, northwards, a point a minute, heart rate 145."""
    seconds = km * 1000 / 3.0
    elapsed = np.append(np.arange(0.0, seconds, 60.0), seconds)
    lat = 47.0 + elapsed * 3.0 / 111_195.0
    return write_gpx(
        start=start,
        elapsed_s=elapsed,
        lat=lat,
        lon=np.full(elapsed.size, 8.0),
        hr_bpm=np.full(elapsed.size, 145.0),
        name=name,
    )


def long_history(tmp_path: Path) -> Path:
    """A folder of :data:`LONG_WEEKS` weeks of two runs each, a gap, and two hostile names."""
    folder = tmp_path / "long"
    folder.mkdir()
    for week in range(LONG_WEEKS):
        if GAP_START <= week < GAP_START + GAP_WEEKS:
            continue
        monday = LONG_MONDAY + timedelta(weeks=week)
        km = 5.0 + (week % 4)
        name = SCRIPT_NAME if week == LONG_WEEKS - 1 else None
        (folder / f"{week:03d}-a.gpx").write_bytes(_run(monday, km, name))
        thursday = monday + timedelta(days=3)
        file = SCRIPT_FILE if week == LONG_WEEKS - 1 else f"{week:03d}-b.gpx"
        (folder / file).write_bytes(_run(thursday, km + 1))
    (folder / "loadwatch.toml").write_text('timezone = "UTC"\n', encoding="utf-8")
    return folder


def build_page(folder: Path, out: Path, *extra: str) -> tuple[Path, dict[str, Any]]:
    """``loadwatch analyze FOLDER --out OUT``: the page written and its ``latest.json``.

    The user's folders (config, cache, state) are made beside ``out``, so that a fixture
    shared by a module's tests keeps away from the real ones too.
    """
    args = ["analyze", str(folder), "--out", str(out), "--jobs", "1", *extra]
    with pytest.MonkeyPatch.context() as patch:
        for name in ("CACHE", "CONFIG", "STATE", "DATA"):
            patch.setenv(f"XDG_{name}_HOME", str(out.parent / "home" / name.lower()))
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    return out / "index.html", report
