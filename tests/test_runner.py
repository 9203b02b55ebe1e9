"""One nightly run through :func:`loadwatch.runner.run`: what it remembers and what it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import gpx

from loadwatch.runner import RunResult, run

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def _write_week(folder: Path, week: int, minutes: list[int]) -> None:
    for day, length in enumerate(minutes):
        path = folder / f"w{week}" / f"run{day}.gpx"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = MONDAY + timedelta(weeks=week, days=2 * day)
        path.write_text(gpx(start, minutes=length, step_s=10))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two steady weeks of three 30-minute runs, then a third week that doubles them (flagged)."""
    root = tmp_path / "watch"
    _write_week(root, 0, [30, 30, 30])
    _write_week(root, 1, [30, 30, 30])
    _write_week(root, 2, [60, 60, 60])
    return root


def _run(folder: Path, tmp_path: Path, **options: object) -> RunResult:
    options.setdefault("cache", tmp_path / "cache.sqlite3")
    options.setdefault("timezone", "UTC")
    return run(folder, **options)  # type: ignore[arg-type]


def test_a_failed_notification_is_tried_again(folder: Path, tmp_path: Path) -> None:
    """A --notify command that fails does not mark the flags as told: the next run retries."""
    failed = _run(folder, tmp_path, notify="echo mail server down >&2; exit 7")
    assert failed.notified
    assert any(
        "exit code 7 mail server down" in message and "tried again" in message
        for message in failed.messages
    )

    got = tmp_path / "got.txt"
    retried = _run(folder, tmp_path, notify=f'cat > "{got}"')
    assert retried.notified
    assert "New since the last run: distance" in got.read_text()

    got.unlink()
    told = _run(folder, tmp_path, notify=f'cat > "{got}"')
    assert not told.notified and not got.exists()  # once told, the same flags are not news
