"""Surface classes: the evidence order of the issue, first match wins."""

from __future__ import annotations

import pytest

from loadwatch.ingest.formats import records_positions
from loadwatch.metrics.surfaces import classify_surface
from loadwatch.settings.config import SurfaceRule


def surface(**evidence: object) -> str:
    defaults: dict[str, object] = {
        "source": "runs/a.fit",
        "sub_sport": None,
        "activity_type": None,
        "name": None,
        "has_gps": True,
        "distance_m": 5000.0,
    }
    defaults.update(evidence)
    return classify_surface(**defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ({"sub_sport": "street"}, "road"),
        ({"sub_sport": "trail"}, "trail"),
        ({"sub_sport": "track"}, "track"),
        ({"sub_sport": "treadmill"}, "treadmill"),
        ({"sub_sport": "indoor_running"}, "treadmill"),
        ({"activity_type": "trail_running"}, "trail"),
        ({"activity_type": "track_running"}, "track"),
        ({"activity_type": "treadmill_running"}, "treadmill"),
        ({"activity_type": "running", "name": "Morning road run"}, "road"),
        ({"activity_type": "running", "name": "Evening Street loop"}, "road"),
        ({"name": "Trail run in the hills"}, "trail"),
        ({"name": "Track session 6x800"}, "track"),
        ({"name": "Indoor run"}, "treadmill"),
        ({"activity_type": "running"}, "unknown"),  # a plain type decides nothing
        ({"name": "Backtrack home"}, "unknown"),  # words, not substrings
        ({"has_gps": False}, "treadmill"),
        ({"has_gps": False, "distance_m": 0.0}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_metadata(evidence: dict[str, object], expected: str) -> None:
    """FIT sub_sport, then type or name words, then no-GPS treadmill, else unknown."""
    assert surface(**evidence) == expected


def test_user_rules_come_first() -> None:
    """A config rule beats even a FIT sub_sport; path globs and name text both work."""
    rules = [SurfaceRule("track", path="runs/track/*"), SurfaceRule("trail", name="PARKRUN")]
    assert surface(source="runs/track/x.fit", sub_sport="street", rules=rules) == "track"
    assert surface(name="Saturday parkrun", sub_sport="street", rules=rules) == "trail"
    assert surface(sub_sport="street", rules=rules) == "road"


def test_fit_sub_sport_beats_the_name() -> None:
    """The device's own sub_sport wins over words in the name."""
    assert surface(sub_sport="trail", name="Road run") == "trail"


@pytest.mark.parametrize("fmt", ["hrm", "garmin_summary", "apple-health", "strava-csv"])
def test_no_position_means_indoors_only_where_the_format_records_positions(fmt: str) -> None:
    """A run without GPS is a treadmill run in a FIT file, but unknown in a format that never
    holds positions, holds totals alone or says indoor itself (and rows of activities.csv)."""
    assert surface(has_gps=False) == "treadmill"
    assert surface(has_gps=False, records_positions=records_positions(fmt)) == "unknown"
    assert records_positions("fit") and records_positions("tcx")
