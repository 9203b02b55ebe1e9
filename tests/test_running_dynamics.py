"""Running dynamics of FIT records kept as sample columns and summary means, units in names."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from loadwatch.ingest.activity import RUNNING_DYNAMICS, SAMPLE_COLUMNS
from loadwatch.ingest.cache_codec import decode_outcomes, encode_outcomes
from loadwatch.ingest.readers.fit import read_fit
from loadwatch.ingest.summary import summarise

COROS = "coros/jimmykane__sports-lib/OutdoorRun20200314145229.fit"
GARMIN_920 = "fit_running_dynamics/GoldenCheetah__GoldenCheetah/Garmin920_withFirstbeat.fit"
FR45 = "misc/AlexanderFabisch__slither/running.fit"


def _exports(corpus: Path) -> Path:
    folder = corpus.parent / "corpus-exports"
    if not folder.is_dir():
        pytest.skip("the shared corpus-exports folder is not beside the corpus")
    return folder


@pytest.mark.parametrize("decoder", ["auto", "fitparse"])
@pytest.mark.parametrize(
    ("name", "session"),
    [
        # The files' own session averages (avg_stance_time ...), as fitparse decodes them.
        (COROS, (206.0, 49.3, 94.0, 7.9, 1200.0)),
        (GARMIN_920, (265.8, 47.99, 81.8, 6.9, 1185.1)),
    ],
)
def test_summary_means_agree_with_the_session_averages(
    corpus: Path, decoder: str, name: str, session: tuple[float, ...]
) -> None:
    """Means over moving time come within 4% of the watch's own session averages."""
    path = _exports(corpus) / name
    activity = read_fit(path.read_bytes(), path.name, decoder=decoder)[0]  # type: ignore[arg-type]
    summary = summarise(activity)
    for column, expected in zip(RUNNING_DYNAMICS, session, strict=True):
        assert getattr(summary, column) == pytest.approx(expected, rel=0.04), column
        assert activity.samples[column].notna().mean() > 0.9


def test_a_watch_without_running_dynamics_leaves_them_empty(corpus: Path) -> None:
    """The Forerunner 45 records none: the columns are NaN and so are the means."""
    path = _exports(corpus) / FR45
    activity = read_fit(path.read_bytes(), path.name)[0]
    assert tuple(activity.samples.columns) == SAMPLE_COLUMNS
    assert activity.samples[list(RUNNING_DYNAMICS)].isna().all().all()
    assert all(math.isnan(getattr(summarise(activity), c)) for c in RUNNING_DYNAMICS)


def test_running_dynamics_survive_the_cache(corpus: Path) -> None:
    """A summary's running dynamics come back from the cache's encoding unchanged."""
    path = _exports(corpus) / COROS
    summary = summarise(read_fit(path.read_bytes(), path.name)[0])
    (back,) = decode_outcomes(encode_outcomes([summary]))
    assert back.step_length_mm == summary.step_length_mm  # type: ignore[union-attr]
    assert back.stance_time_ms == summary.stance_time_ms  # type: ignore[union-attr]
