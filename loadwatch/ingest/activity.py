"""The one shape every reader returns: :class:`Activity` with canonical sample columns."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import numpy as np
import pandas as pd

#: Sample columns every reader produces, in this order, with their units in their names.
#: ``time`` is tz-aware UTC; the rest are float64 with NaN where the file has no such data.
SAMPLE_COLUMNS: tuple[str, ...] = (
    "time",
    "distance_m",
    "speed_mps",
    "hr_bpm",
    "cadence_spm",
    "lat",
    "lon",
    "altitude_m",
    # Running dynamics (a chest strap or foot pod, some wrist watches), NaN where not recorded:
    "stance_time_ms",  # ground contact time of a step
    "stance_time_balance_pct",  # left foot's share of the ground contact time
    "vertical_oscillation_mm",  # bounce of the torso per step
    "vertical_ratio_pct",  # vertical oscillation over step length
    "step_length_mm",
)
#: The running-dynamics columns of :data:`SAMPLE_COLUMNS` (kept for the analysis to use later).
RUNNING_DYNAMICS: tuple[str, ...] = (
    "stance_time_ms",
    "stance_time_balance_pct",
    "vertical_oscillation_mm",
    "vertical_ratio_pct",
    "step_length_mm",
)

#: Normalised sports. Everything a file can say maps onto one of these.
SPORTS: tuple[str, ...] = ("running", "cycling", "swimming", "walking", "strength", "other")

# Sport names as FIT, GPX and TCX files spell them (lower-cased), mapped to our sports.
_SPORT_ALIASES: dict[str, str] = {
    "running": "running",
    "run": "running",
    "trail_running": "running",
    "track_running": "running",
    "treadmill_running": "running",
    "street_running": "running",
    "indoor_running": "running",
    "virtual_run": "running",
    "virtual_running": "running",
    "ultra_run": "running",
    "jogging": "running",
    "cycling": "cycling",
    "biking": "cycling",
    "bike": "cycling",
    "ride": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
    "e_biking": "cycling",
    "indoor_cycling": "cycling",
    "virtual_ride": "cycling",
    "swimming": "swimming",
    "swim": "swimming",
    "lap_swimming": "swimming",
    "open_water": "swimming",
    "open_water_swimming": "swimming",
    "walking": "walking",
    "walk": "walking",
    "hiking": "walking",
    "hike": "walking",
    "casual_walking": "walking",
    "speed_walking": "walking",
    "strength": "strength",
    "strength_training": "strength",
    "weight_training": "strength",
    "weighttraining": "strength",
    "training": "other",
}


def normalise_sport(*names: str | None) -> str:
    """Map the sport words a file uses onto one of :data:`SPORTS`.

    The names are tried in order (e.g. sub_sport before sport) and the first that is known wins;
    words such as ``"Trail Running"`` or ``"trail-running"`` are folded to ``trail_running`` first.

    Returns:
        One of :data:`SPORTS`; ``"other"`` when nothing is recognised.
    """
    for name in names:
        if not name:
            continue
        key = str(name).strip().lower().replace(" ", "_").replace("-", "_")
        if key in _SPORT_ALIASES:
            return _SPORT_ALIASES[key]
        if key.endswith(("_running", "_run")):
            return "running"
    return "other"


def make_samples(columns: dict[str, object]) -> pd.DataFrame:
    """Build a canonical samples frame from whatever columns a reader has.

    ``time`` is required (anything ``pd.to_datetime`` turns into UTC); missing columns become NaN
    and unknown ones are refused, so that every reader produces exactly :data:`SAMPLE_COLUMNS`.
    Rows are sorted by time; rows without a time are dropped.
    """
    unknown = set(columns) - set(SAMPLE_COLUMNS)
    if unknown:
        raise ValueError(f"not canonical sample columns: {sorted(unknown)}")
    times = pd.to_datetime(pd.Series(columns["time"]), utc=True)
    rows = len(times)
    # Built column by column from arrays: the time column stays a tz-aware datetime array
    # (never a column of Python objects), which is most of the cost for a long activity.
    data: dict[str, object] = {"time": times.array}
    for column in SAMPLE_COLUMNS[1:]:
        given = columns.get(column)
        if given is None:
            data[column] = np.full(rows, np.nan)
        else:
            values = pd.to_numeric(pd.Series(given), errors="coerce")
            data[column] = values.to_numpy(dtype="float64", na_value=np.nan)
    frame = pd.DataFrame(data, columns=list(SAMPLE_COLUMNS))
    frame = frame.dropna(subset=["time"])
    if not frame["time"].is_monotonic_increasing:
        frame = frame.sort_values("time", kind="stable")
    return frame.reset_index(drop=True)


@dataclasses.dataclass(frozen=True, eq=False)
class Activity:
    """One activity read from a file: what it was, when, and its samples.

    Attributes:
        sport: One of :data:`SPORTS`.
        sub_sport: The file's finer word, lower-case (``"trail"``, ``"treadmill"``,
            ``"trail_running"``...), or ``None``.
        start: Start time, tz-aware UTC.
        source: Where it came from: a path, ``archive.zip/member`` or ``"<bytes>"``.
        samples: Canonical samples, exactly :data:`SAMPLE_COLUMNS`.
        format: ``"fit"``, ``"gpx"`` or ``"tcx"``.
        device: The recording device when the file says (``"garmin fenix5"``), else ``None``.
        name: The activity's name when the file has one (GPX/TCX ``<name>``, FIT none).
        activity_type: The file's own sport word before normalising (GPX ``<type>``, TCX
            ``Sport``, FIT ``sport``), lower-case, or ``None``.
        timer_s: Timer time the device recorded (pauses excluded), when the file says.
        distance_m: Total distance the device recorded, when the file says.
        ascent_m: Total ascent the device recorded, when the file says.
        warnings: Problems that did not stop reading (bad CRC, truncated file...).
    """

    sport: str
    sub_sport: str | None
    start: datetime
    source: str
    samples: pd.DataFrame
    format: str
    device: str | None = None
    name: str | None = None
    activity_type: str | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    ascent_m: float | None = None
    warnings: tuple[str, ...] = ()

    @property
    def has_gps(self) -> bool:
        """True when at least two samples carry a position."""
        return bool(self.samples["lat"].notna().sum() >= 2)
