"""Parsing in worker processes (``jobs``) gives exactly what parsing in one process gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from loadwatch.analysis import Analysis, analyze
from loadwatch.cli import cli
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest.scan import INLINE_FILES, scan
from loadwatch.samples.fitwrite import write_activity_fit
from loadwatch.samples.xmlwrite import write_gpx
from loadwatch.vocab import OnError

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


def _run(day: int, minutes: int) -> dict[str, object]:
    """Sample columns of an easy run on ``day`` (a few hundred 1-second samples)."""
    rng = np.random.default_rng(day)
    elapsed = np.arange(0.0, minutes * 60.0, 3.0)
    speed = 2.9 + 0.2 * rng.standard_normal(len(elapsed))
    distance = np.cumsum(speed * 3.0)
    return {
        "start": START + timedelta(days=day),
        "elapsed_s": elapsed,
        "lat": 47.37 + distance / 111_195,  # due north: the GPX track is as long as the run
        "lon": np.full(len(elapsed), 8.54),
        "altitude_m": 410 + 5 * np.sin(elapsed / 300),
        "hr_bpm": 140 + 10 * np.sin(elapsed / 200) + day % 7,
        "distance": distance,
        "speed": speed,
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six weeks of runs as FIT and GPX (one run in both), and two broken files near the end:
    enough files that worker processes do part of the parsing."""
    root = tmp_path_factory.mktemp("history")
    for day in range(0, 42, 2):
        run = _run(day, 20 + day % 5 * 6)
        distance, speed = run.pop("distance"), run.pop("speed")
        data = write_activity_fit(**run, distance_m=distance, speed_mps=speed)  # type: ignore[arg-type]
        (root / f"{day:02d}-run.fit").write_bytes(data)
        if day % 10 == 0:
            gpx = write_gpx(**{k: v for k, v in run.items() if k != "distance"})  # type: ignore[arg-type]
            (root / f"{day:02d}-run.gpx").write_bytes(gpx)
    (root / "zz-broken.fit").write_bytes(b"\x0e\x10" + bytes(40))
    (root / "zz-cut.fit").write_bytes((root / "00-run.fit").read_bytes()[:13])
    assert len(list(root.iterdir())) > INLINE_FILES + 10
    return root


def _same(one: Analysis, other: Analysis) -> None:
    pd.testing.assert_frame_equal(one.timeline, other.timeline)
    pd.testing.assert_frame_equal(one.weeks, other.weeks)
    assert (one.skipped, one.duplicates, one.warnings) == (
        other.skipped,
        other.duplicates,
        other.warnings,
    )


def test_jobs_give_the_same_analysis(folder: Path) -> None:
    """One process or two: the same timeline, weeks, skipped files, duplicates and warnings."""
    single = analyze(folder, timezone="UTC", jobs=1)
    _same(analyze(folder, timezone="UTC", jobs=2), single)
    assert len(single.timeline) == 21
    assert [s.source for s in single.skipped] == ["zz-broken.fit", "zz-cut.fit"]
    assert len(single.duplicates) == 5


def test_progress_is_reported_in_file_order(folder: Path) -> None:
    """The progress callback sees every file once, in the same order whatever the jobs."""
    seen: dict[int, list[tuple[int, int, str]]] = {1: [], 3: []}
    for jobs, calls in seen.items():
        scan(
            folder,
            jobs=jobs,
            progress=lambda done, total, label, c=calls: c.append((done, total, label)),
        )
    assert seen[1] == seen[3]
    assert [done for done, _, _ in seen[1]] == list(range(1, len(seen[1]) + 1))


def test_raise_stops_at_the_first_bad_file_in_order(folder: Path) -> None:
    """With OnError.RAISE, the error is the first bad file's, as without worker processes."""
    for jobs in (1, 2):
        with pytest.raises(LoadwatchError) as info:
            scan(folder, on_error=OnError.RAISE, jobs=jobs)
        assert info.value.path == "zz-broken.fit"


def test_jobs_must_be_positive(folder: Path) -> None:
    """jobs=0 is a configuration error, not a silent serial run."""
    with pytest.raises(ConfigError):
        scan(folder, jobs=0)


def test_cli_jobs_option_gives_the_same_output(folder: Path) -> None:
    """`loadwatch analyze --jobs 2` prints what `--jobs 1` prints."""
    outputs = []
    for jobs in ("1", "2"):
        args = ["analyze", str(folder), "--jobs", jobs, "--no-cache", "--format", "csv"]
        result = CliRunner().invoke(cli, [*args, "--timezone", "UTC", "-q"])
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_worker_processes_do_not_import_matplotlib(folder: Path) -> None:
    """A worker parsing files imports readers and summaries, never the charting library."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from loadwatch.ingest.scan import _worker_pool, parse_file

        def charting():
            return sorted(name for name in sys.modules if name.startswith("matplotlib"))

        if __name__ == "__main__":
            with _worker_pool(1) as pool:
                result = pool.submit(parse_file, Path({str(folder / "00-run.fit")!r}), "x").result()
                assert result.outcomes
                print(pool.submit(charting).result())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
