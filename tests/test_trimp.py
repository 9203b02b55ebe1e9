"""Banister TRIMP and the pace-based load estimate, on activities whose load is known by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from factories import activity

from loadwatch.errors import ConfigError
from loadwatch.ingest.summary import Histogram, summarise
from loadwatch.metrics.timeline import Thresholds, build_timeline
from loadwatch.metrics.trimp import activity_load, banister_trimp, pace_trimp
from loadwatch.settings.config import load_config

LIMITS = Thresholds(
    rest_hr=60.0,
    max_hr=190.0,
    threshold_hr=60.0 + 0.85 * 130.0,
    threshold_speed_mps=4.0,
    origin={},
)


def _load(summary_hr: float | None, **kwargs: object) -> tuple[float, float, str]:
    summary = summarise(activity(hr=summary_hr, **kwargs))  # type: ignore[arg-type]
    result = activity_load(
        summary,
        rest_hr=LIMITS.rest_hr,
        max_hr=LIMITS.max_hr,
        threshold_hr=LIMITS.threshold_hr,
        threshold_speed_mps=LIMITS.threshold_speed_mps,
    )
    return result.trimp, result.load, result.source


def test_thirty_minutes_at_150_bpm_male() -> None:
    """30 min at HR 150 (rest 60, max 190): HRr 90/130, TRIMP = 30 x HRr x 0.64 e^(1.92 HRr)."""
    trimp, load, source = _load(150)
    hrr = 90 / 130
    assert trimp == pytest.approx(30 * hrr * 0.64 * math.exp(1.92 * hrr))
    assert trimp == pytest.approx(50.2201, abs=1e-3)
    assert load == trimp and source == "heart_rate"


def test_female_constants() -> None:
    """The female constants 0.86 and 1.67 give 56.76 for the same run."""
    summary = summarise(activity(hr=150))
    assert banister_trimp(summary.hr, 60, 190, "female") == pytest.approx(56.7584, abs=1e-3)


def test_trimp_integrates_bins_not_the_mean() -> None:
    """Half at HRr 0.2 and half at 1.0 is not the same as all at the mean HRr 0.6."""
    hist = Histogram(np.array([86.0, 190.0]), np.array([600.0, 600.0]))
    expected = 10 * (0.2 * 0.64 * math.exp(1.92 * 0.2) + 1.0 * 0.64 * math.exp(1.92))
    assert banister_trimp(hist, 60, 190) == pytest.approx(expected)
    mean_only = 20 * 0.6 * 0.64 * math.exp(1.92 * 0.6)
    assert banister_trimp(hist, 60, 190) > mean_only


def test_heart_rate_reserve_is_clipped() -> None:
    """Below rest counts as 0 and above max as 1."""
    hist = Histogram(np.array([40.0, 200.0]), np.array([60.0, 60.0]))
    assert banister_trimp(hist, 60, 190) == pytest.approx(0.64 * math.exp(1.92))


def test_unknown_max_gives_nan() -> None:
    """Without a maximum above rest there is no TRIMP."""
    hist = Histogram(np.array([150.0]), np.array([60.0]))
    assert math.isnan(banister_trimp(hist, 60, math.nan))
    assert math.isnan(banister_trimp(hist, 60, 55))


def test_without_heart_rate_a_run_is_estimated_from_pace() -> None:
    """3.0 m/s with threshold 4.0 m/s: HRr = 0.75 x 0.85 for 30 minutes, source "pace"."""
    trimp, load, source = _load(None)
    hrr = 3.0 / 4.0 * 0.85
    assert math.isnan(trimp)
    assert load == pytest.approx(30 * hrr * 0.64 * math.exp(1.92 * hrr))
    assert source == "pace"


def test_pace_estimate_uses_85_percent_without_threshold_hr() -> None:
    """With no heart-rate thresholds at all, threshold pace counts as 85% of reserve."""
    speed = Histogram(np.array([4.0]), np.array([600.0]))
    assert pace_trimp(speed, 4.0, 0.85) == pytest.approx(10 * 0.85 * 0.64 * math.exp(1.92 * 0.85))
    assert math.isnan(pace_trimp(speed, math.nan, 0.85))


def test_no_heart_rate_and_not_a_run_has_no_load() -> None:
    """A ride without heart rate has no load (pace means nothing for it)."""
    trimp, load, source = _load(None, sport="cycling")
    assert math.isnan(trimp) and math.isnan(load) and source == "none"


def test_timeline_has_load_columns() -> None:
    """build_timeline adds trimp, load and load_source; the female setting changes TRIMP."""
    summaries = [summarise(activity(hr=150)), summarise(activity("2026-06-02T07:00:00Z", hr=None))]
    frame = build_timeline(summaries, LIMITS, timezone="UTC")
    assert list(frame["load_source"]) == ["heart_rate", "pace"]
    assert frame["trimp"].iloc[0] == pytest.approx(50.2201, abs=1e-3)
    assert math.isnan(frame["trimp"].iloc[1])
    assert frame["load"].iloc[1] == pytest.approx(41.6253, abs=1e-3)
    female = build_timeline(summaries, LIMITS, timezone="UTC", sex="female")
    assert female["trimp"].iloc[0] == pytest.approx(56.7584, abs=1e-3)


def test_config_sex(tmp_path: Path) -> None:
    """[athlete] sex is "male" or "female" (any case); anything else names key and file."""
    (tmp_path / "loadwatch.toml").write_text('[athlete]\nsex = "Female"\n')
    assert load_config(tmp_path, user_config=False).athlete.sex == "female"
    (tmp_path / "loadwatch.toml").write_text('[athlete]\nsex = "f"\n')
    with pytest.raises(ConfigError, match=r"loadwatch\.toml: athlete\.sex must be"):
        load_config(tmp_path, user_config=False)
