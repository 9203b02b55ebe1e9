"""Spikes, ACWR, monotony and strain, strength and risk levels, on histories known by hand."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from factories import timeline_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.errors import ConfigError
from loadwatch.metrics.levels import (
    SPIKE_LEVELS,
    WEEKLY_SIGNALS,
    assess,
    coupled_equivalent,
    decisive,
    risk_level,
)
from loadwatch.metrics.risk import (
    SPIKE_CLASSES,
    RiskSettings,
    acwr_ewma,
    add_spikes,
    daily_loads,
    monotony_strain,
    risk_weeks,
    spike_class,
)
from loadwatch.metrics.weekly import weekly
from loadwatch.settings.config import load_config
from loadwatch.vocab import REASON_WORDS, RiskReason

MONDAY = date(2026, 6, 1)


def day(offset: int, clock: str = "07:00") -> str:
    """Local start text ``offset`` days after Monday 1 June 2026."""
    return f"{(MONDAY + timedelta(days=offset)).isoformat()} {clock}"


def analysed(
    rows: list[dict[str, Any]], *, break_days: int = 14, **settings: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline with spikes, and the weekly frame with risk columns.

    The window tests below pass ``break_days=30``: a run 30 days after the last is then no
    comeback from a break, and its window alone decides (breaks: ``tests/test_breaks.py``).
    """
    frame = add_spikes(timeline_frame(rows), break_days=break_days)
    return frame, risk_weeks(weekly(frame), frame, settings=RiskSettings(**settings))


# --- spikes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "ratio", "expected"),
    [
        (5.0, 0.5, None),
        (10.0, 1.0, None),
        (11.0, 1.1, None),  # exactly +10%: no spike
        (11.01, 1.101, "small"),
        (13.0, 1.3, "small"),  # the upper edge belongs to the lower class
        (13.01, 1.301, "moderate"),
        (20.0, 2.0, "moderate"),
        (20.01, 2.001, "large"),
        (35.0, 3.5, "large"),
    ],
)
def test_spike_classes_and_edges(km: float, ratio: float, expected: str | None) -> None:
    """A run 30 days after a 10 km run gets ratio km / 10 and the class of the issue's table."""
    frame, _ = analysed(
        [{"start": day(0), "distance_km": 10.0}, {"start": day(30), "distance_km": km}],
        break_days=30,
    )
    assert frame["spike_ratio"].iloc[1] == pytest.approx(ratio)
    assert frame["spike"].iloc[1] == expected
    assert frame["spike_ref_km"].iloc[1] == 10.0
    assert math.isnan(frame["spike_ratio"].iloc[0]) and frame["spike"].iloc[0] is None


def test_edges_hold_after_float_arithmetic() -> None:
    """3.3 km after 3.0 km is 1.1 up to rounding: still no spike."""
    assert 3.3 / 3.0 != 1.1  # the float ratio is not exactly 1.1...
    assert spike_class(3.3 / 3.0) is None  # ...but it is judged as 1.10
    assert spike_class(3.9 / 3.0) == "small"
    assert spike_class(math.nan) is None
    assert spike_class(math.inf) == "large"


def test_runs_within_the_first_30_days_are_judged_on_a_short_history() -> None:
    """A run 29 days after the first activity is judged against the runs there are."""
    frame, weeks = analysed(
        [{"start": day(0), "distance_km": 5.0}, {"start": day(29), "distance_km": 30.0}],
        break_days=30,
    )
    assert frame["spike_ratio"].iloc[1] == pytest.approx(6.0)
    assert frame["spike_basis"].iloc[1] == "short_history"
    assert frame["history_days"].iloc[1] == 29
    assert weeks["max_spike"].iloc[-1] == "large"
    assert frame["spike_basis"].iloc[0] is None  # the first run has nothing to be judged on


def test_history_is_the_first_activity_of_any_sport() -> None:
    """A ride 30 days before opens the window; it is not itself a reference."""
    frame, _ = analysed(
        [
            {"start": day(0), "distance_km": 60.0, "sport": "cycling"},
            {"start": day(10), "distance_km": 8.0},
            {"start": day(30), "distance_km": 10.0},
        ],
        break_days=30,
    )
    assert frame["spike_ref_km"].iloc[2] == 8.0
    assert frame["spike_ratio"].iloc[2] == pytest.approx(1.25)
    assert frame["spike"].iloc[2] == "small"
    assert math.isnan(frame["spike_ratio"].iloc[0])  # rides are never judged


def test_same_day_earlier_runs_count_and_old_runs_drop_out() -> None:
    """The 30 days end at the run's start: a morning run counts for the evening's; day 0 not."""
    frame, _ = analysed(
        [
            {"start": day(0), "distance_km": 20.0},
            {"start": day(31, "07:00"), "distance_km": 5.0},
            {"start": day(31, "18:00"), "distance_km": 6.0},
        ],
        break_days=30,
    )
    # The morning run's window (from day 1, 07:00) holds no run: it comes back from a break.
    assert frame["spike_basis"].iloc[1] == "after_break"
    assert frame["spike_basis"].iloc[2] == "30_days"
    assert frame["spike_ref_km"].iloc[2] == 5.0
    assert frame["spike_ratio"].iloc[2] == pytest.approx(1.2)
    assert frame["spike"].iloc[2] == "small"


def test_window_includes_its_first_instant() -> None:
    """A run exactly 30 days earlier, to the minute, is in the window; a minute earlier is not."""
    inside, _ = analysed(
        [{"start": day(0, "07:00"), "distance_km": 10.0}, {"start": day(30), "distance_km": 15.0}],
        break_days=30,
    )
    assert inside["spike"].iloc[1] == "moderate"
    outside, _ = analysed(
        [
            {"start": day(0, "06:59"), "distance_km": 10.0},
            {"start": day(1), "distance_km": 4.0},
            {"start": day(30), "distance_km": 15.0},
        ],
        break_days=30,
    )
    assert outside["spike_ref_km"].iloc[2] == 4.0
    assert outside["spike"].iloc[2] == "large"


def test_weekly_spike_fields_and_flag() -> None:
    """max_spike is the week's largest class, max_spike_ratio its ratio; session_spike flags it."""
    _, weeks = analysed(
        [
            {"start": day(0), "distance_km": 10.0},
            {"start": day(30), "distance_km": 12.0},  # Wed of week 5: small (1.2)
            {"start": day(32), "distance_km": 21.0},  # Fri: 21 / 12 = 1.75, moderate
        ],
        break_days=30,
    )
    last = weeks.iloc[-1]
    assert last["max_spike"] == "moderate"
    assert last["max_spike_ratio"] == pytest.approx(1.75)
    assert "session_spike" in last["flags"]
    assert last["risk"] == "elevated"  # only a large spike makes a week high
    assert last["risk_reasons"] == ("session_spike:moderate",)


# --- ACWR -----------------------------------------------------------------------------------


def ramp() -> list[dict[str, Any]]:
    """Weeks of 10, 20, 30 and 31 km, a rest week, then 20 km (one run each Monday)."""
    kms = [10.0, 20.0, 30.0, 31.0, None, 20.0]
    return [{"start": day(7 * k), "distance_km": km} for k, km in enumerate(kms) if km]


def test_acwr_three_week_ramp_and_rest_week() -> None:
    """ACWR = week / mean of the 3 weeks before: null 3 weeks, 31/20, 0 (rest), 20/20.33."""
    _, weeks = analysed(ramp())
    acwr = weeks["acwr"].to_numpy()
    assert np.isnan(acwr[:3]).all()
    assert acwr[3] == pytest.approx(31 / 20)
    assert acwr[4] == 0.0
    assert acwr[5] == pytest.approx(20 / ((30 + 31 + 0) / 3))
    assert "acwr" in weeks["flags"].iloc[3]
    assert weeks["risk"].iloc[3] == "elevated"  # ACWR alone is at most elevated
    assert "low_load" in weeks["notes"].iloc[4]
    assert "low_load" not in weeks["notes"].iloc[5]  # 0.98 is inside 0.8-1.3
    assert list(weeks["basis_load"]) == [10.0, 20.0, 30.0, 31.0, 0.0, 20.0]


def test_acwr_limit_is_exclusive_and_configurable() -> None:
    """30 km after 10, 20, 30 is exactly 1.5: not flagged; with a 1.4 limit it is."""
    rows = [{"start": day(7 * k), "distance_km": km} for k, km in enumerate([10, 20, 30, 30.0])]
    _, weeks = analysed(rows)
    assert weeks["acwr"].iloc[3] == pytest.approx(1.5)
    assert "acwr" not in weeks["flags"].iloc[3]
    _, strict = analysed(rows, acwr_limit=1.4)
    assert "acwr" in strict["flags"].iloc[3]


def test_acwr_is_null_when_the_chronic_mean_is_zero() -> None:
    """After three weeks of no running the uncoupled ratio has no denominator."""
    rows = [{"start": day(0), "distance_km": 10.0}, {"start": day(28), "distance_km": 5.0}]
    _, weeks = analysed(rows)
    assert math.isnan(weeks["acwr"].iloc[4])
    # The exponentially weighted chronic load still remembers week 1: that ratio exists.
    assert math.isfinite(weeks["acwr_ewma"].iloc[4]) and weeks["acwr_ewma"].iloc[4] > 0


def test_acwr_on_duration_and_trimp() -> None:
    """The basis can be hours of timer time or the load column."""
    rows = [
        {"start": day(7 * k), "distance_km": 10.0, "duration_s": s, "load": t}
        for k, (s, t) in enumerate([(3600, 50), (3600, 50), (3600, 50), (7200, 80.0)])
    ]
    _, by_time = analysed(rows, load="duration")
    assert by_time["acwr"].iloc[3] == pytest.approx(2.0)
    _, by_trimp = analysed(rows, load="trimp")
    assert by_trimp["acwr"].iloc[3] == pytest.approx(1.6)
    assert list(by_trimp["load"]) == [50.0, 50.0, 50.0, 80.0]


def test_ewma_of_a_constant_load_is_one() -> None:
    """Both averages start at the first week's mean, so a steady load gives exactly 1.0."""
    daily = pd.Series(5.0, index=pd.date_range("2026-06-01", periods=42, freq="D"))
    ratio = acwr_ewma(daily)
    assert ratio.isna().iloc[:3].all()
    assert ratio.iloc[3:].to_numpy() == pytest.approx(1.0)
    assert list(ratio.index.date) == [MONDAY + timedelta(days=7 * k) for k in range(6)]


def test_ewma_matches_the_weighted_sum() -> None:
    """The recursion equals the explicit weights: lambda (1 - lambda)^k, seed (1 - lambda)^n."""
    loads = np.zeros(28)
    loads[[0, 7, 14, 21]] = [10.0, 12.0, 14.0, 20.0]
    daily = pd.Series(loads, index=pd.date_range("2026-06-01", periods=28, freq="D"))
    seed = 10.0 / 7

    def ewma(n: int) -> float:
        lam = 2 / (n + 1)
        ages = np.arange(27, -1, -1)
        return float((lam * (1 - lam) ** ages * loads).sum() + (1 - lam) ** 28 * seed)

    assert acwr_ewma(daily).iloc[3] == pytest.approx(ewma(7) / ewma(28))


def test_weekly_ewma_is_reported_at_each_sunday() -> None:
    """The weekly frame's acwr_ewma is the ratio after each week's last day."""
    frame, weeks = analysed(ramp())
    daily = daily_loads(frame, pd.DatetimeIndex(weeks.index), "distance")
    assert weeks["acwr_ewma"].to_numpy() == pytest.approx(acwr_ewma(daily).to_numpy(), nan_ok=True)


# --- monotony and strain --------------------------------------------------------------------


def week_of(kms: list[float]) -> list[dict[str, Any]]:
    """One week of runs, Monday first; 0 is a rest day."""
    return [{"start": day(k), "distance_km": km} for k, km in enumerate(kms) if km]


@pytest.mark.parametrize(
    ("kms", "monotony"),
    [
        ([10, 0, 0, 0, 0, 0, 0], 1 / math.sqrt(6)),
        ([5, 5, 0, 0, 0, 0, 0], 2 / math.sqrt(10)),
        ([5, 5, 5, 5, 5, 0, 0], 5 / math.sqrt(10)),
        ([5, 5, 5, 5, 5, 5, 0], math.sqrt(6)),
    ],
)
def test_monotony_by_hand(kms: list[float], monotony: float) -> None:
    """Monotony = mean / population SD of 7 days; strain = week's km x monotony."""
    _, weeks = analysed(week_of(kms))
    assert weeks["monotony"].iloc[0] == pytest.approx(monotony)
    assert weeks["strain"].iloc[0] == pytest.approx(sum(kms) * monotony)
    assert ("monotony" in weeks["flags"].iloc[0]) is (monotony > 2)
    assert weeks["risk"].iloc[0] == ("elevated" if monotony > 2 else "low")


def test_identical_days_have_unbounded_monotony_and_flag() -> None:
    """Seven identical days: SD 0, monotony and strain infinite, the monotony flag raised."""
    _, weeks = analysed(week_of([3.3] * 7))
    assert weeks["monotony"].iloc[0] == math.inf
    assert weeks["strain"].iloc[0] == math.inf
    assert "monotony" in weeks["flags"].iloc[0]


def test_rest_week_has_no_monotony_and_no_strain() -> None:
    """A week without runs: monotony NaN, strain 0, risk low."""
    daily = pd.Series(0.0, index=pd.date_range("2026-06-01", periods=7, freq="D"))
    monotony, strain = monotony_strain(daily)
    assert math.isnan(monotony.iloc[0]) and strain.iloc[0] == 0.0
    _, weeks = analysed(ramp())
    assert math.isnan(weeks["monotony"].iloc[4]) and weeks["strain"].iloc[4] == 0.0
    assert weeks["risk"].iloc[4] == "low"


# --- strength, shoes, risk levels -----------------------------------------------------------


def test_strength_sessions_and_low_strength_note() -> None:
    """Strength sessions are counted per week; low_strength only once any are recorded."""
    rows: list[dict[str, Any]] = [
        {"start": day(0), "distance_km": 8.0},
        {"start": day(1), "distance_km": 0.0, "sport": "strength", "surface": None},
        {"start": day(3), "distance_km": 0.0, "sport": "strength", "surface": None},
        {"start": day(7), "distance_km": 8.0},
        {"start": day(9), "distance_km": 0.0, "sport": "strength", "surface": None},
        {"start": day(14), "distance_km": 8.0},
    ]
    _, weeks = analysed(rows)
    assert list(weeks["strength_sessions"]) == [2, 1, 0]
    assert [("low_strength" in n) for n in weeks["notes"]] == [False, True, True]
    _, target_one = analysed(rows, strength_target=1)
    assert [("low_strength" in n) for n in target_one["notes"]] == [False, False, True]
    _, no_strength = analysed([r for r in rows if r.get("sport", "running") == "running"])
    assert not any("low_strength" in n for n in no_strength["notes"])


def test_shoe_wear_note() -> None:
    """A week with a run that took its shoe past the limit gets shoe_wear."""
    rows = [{"start": day(0), "distance_km": 10.0}, {"start": day(7), "distance_km": 10.0}]
    frame = add_spikes(timeline_frame(rows).assign(shoe_km=[695.0, 705.0], shoe_limit_km=700.0))
    weeks = risk_weeks(weekly(frame), frame)
    assert [("shoe_wear" in n) for n in weeks["notes"]] == [False, True]


@pytest.mark.parametrize(
    ("flags", "spike", "level", "reasons"),
    [
        ((), None, "low", ()),
        (("hard_surface",), None, "low", ()),
        (("frequency",), None, "elevated", ("frequency",)),
        (("distance",), None, "elevated", ("distance",)),
        (("acwr",), None, "elevated", ("acwr",)),
        (("monotony",), None, "elevated", ("monotony",)),
        (
            ("distance", "intensity", "frequency", "acwr", "monotony"),
            None,
            "elevated",
            ("distance", "intensity", "frequency", "acwr", "monotony"),
        ),
        (("session_spike",), "small", "elevated", ("session_spike:small",)),
        (("session_spike",), "moderate", "elevated", ("session_spike:moderate",)),
        (("session_spike", "acwr"), "moderate", "elevated", ("session_spike:moderate", "acwr")),
        (("session_spike",), "large", "high", ("session_spike:large",)),
        (("session_spike", "distance", "acwr"), "large", "high", ("session_spike:large",)),
    ],
)
def test_risk_level_table(
    flags: tuple[str, ...], spike: str | None, level: str, reasons: tuple[str, ...]
) -> None:
    """Only a large spike makes a week high; weekly measures, alone or together, elevated."""
    assert assess(flags, spike) == (level, reasons)
    assert risk_level(flags, spike) == level


def test_every_reason_is_declared_and_worded() -> None:
    """Each reason assess can give is a RiskReason with words for the table and the page."""
    given = {r for spike in (*SPIKE_LEVELS, None) for r in assess(WEEKLY_SIGNALS, spike)[1]}
    assert given <= set(RiskReason)
    assert set(REASON_WORDS) == set(RiskReason)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.3006, "1.301"),
        (1.3000, "1.30"),
        (1.30004, "1.30004"),
        (1.2996, "1.2996"),
        (0.7996, "0.80"),
        (1.104, "1.104"),
        (2.0004, "2.0004"),
        (1.45, "1.45"),
        (math.inf, "inf"),
    ],
)
def test_decisive_ratio_shows_its_side_of_each_edge(value: float, shown: str) -> None:
    """A ratio just above a class edge never prints as the edge itself."""
    edges = [edge for _, edge in SPIKE_CLASSES]
    assert decisive(value, edges) == shown
    if math.isfinite(value):
        assert spike_class(float(shown)) == spike_class(value)


def test_coupled_equivalent_of_the_default_limit() -> None:
    """Our uncoupled 1.5 over 3 weeks is a coupled 1.33 (and 1.0 stays 1.0)."""
    assert coupled_equivalent(1.5, 3) == pytest.approx(4 / 3)
    assert coupled_equivalent(1.0, 3) == pytest.approx(1.0)


def test_every_risk_field_on_a_known_history() -> None:
    """All weekly risk fields of the ramp, checked by hand."""
    rows = ramp()
    for row in rows:
        row["load"] = row["distance_km"] * 5
    _, weeks = analysed(rows)
    assert list(weeks["load"]) == [50.0, 100.0, 150.0, 155.0, 0.0, 100.0]
    assert list(weeks["strength_sessions"]) == [0] * 6
    # The first weeks are judged on a short history (2.0 and 1.5: moderate; 31 / 30: none);
    # week 6's run is 30 days into it: 20 km against the 31 km of day 21 (14 days before it is
    # no break).
    assert list(weeks["max_spike"]) == [None, "moderate", "moderate", None, None, None]
    assert weeks["max_spike_ratio"].iloc[[0, 4]].isna().all()
    assert weeks["max_spike_ratio"].iloc[3] == pytest.approx(31 / 30)
    assert weeks["max_spike_ratio"].iloc[5] == pytest.approx(20 / 31)
    # +100% and +50% with their spikes (elevated, however large), then ACWR 1.55 (elevated),
    # the rest week and a 0.98 ACWR (low).
    assert list(weeks["risk"]) == ["low", "elevated", "elevated", "elevated", "low", "low"]
    spiked = ["distance", "session_spike"]
    assert [list(f) for f in weeks["flags"]] == [[], spiked, spiked, ["acwr"], [], []]
    reasons = ["session_spike:moderate", "distance"]
    assert [list(r) for r in weeks["risk_reasons"]] == [[], reasons, reasons, ["acwr"], [], []]
    assert [list(n) for n in weeks["notes"]] == [["hard_surface"]] * 4 + [
        ["low_load"],
        ["hard_surface"],
    ]
    assert weeks["monotony"].iloc[0] == pytest.approx(1 / math.sqrt(6))
    assert weeks["strain"].iloc[3] == pytest.approx(31 / math.sqrt(6))


def test_config_risk_keys(tmp_path: Path) -> None:
    """[risk] load, acwr_limit and strength_target are read; bad ones name key and file."""
    (tmp_path / "loadwatch.toml").write_text(
        '[risk]\nload = "TRIMP"\nacwr_limit = 1.3\nstrength_target = 3\n'
    )
    config = load_config(tmp_path, user_config=False)
    assert (config.load, config.acwr_limit, config.strength_target) == ("trimp", 1.3, 3)
    for text, message in [
        ('[risk]\nload = "pace"', r"toml: risk\.load must be one of distance, duration, trimp"),
        ("[risk]\nacwr_limit = 0.9", r"toml: risk\.acwr_limit must be a ratio above 1"),
        ("[risk]\nstrength_target = 2.5", r"toml: risk\.strength_target must be a whole"),
        ("[risk]\nmonotony = 2", r"unknown key 'risk\.monotony'"),
    ]:
        (tmp_path / "loadwatch.toml").write_text(text)
        with pytest.raises(ConfigError, match=message):
            load_config(tmp_path, user_config=False)


# --- properties -----------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Up to 40 activities over 90 days: runs of 0-40 km and a few rides."""
    count = draw(st.integers(1, 40))
    rows = []
    for _ in range(count):
        minute = draw(st.integers(0, 90 * 24 * 60))
        km = draw(st.sampled_from([0.0, 5.0, 10.0, 11.0]) | st.floats(0, 40))
        sport = draw(st.sampled_from(["running"] * 5 + ["cycling"]))
        when = datetime(2026, 3, 1) + timedelta(minutes=minute)
        rows.append({"start": when.strftime("%Y-%m-%d %H:%M"), "distance_km": km, "sport": sport})
    return sorted(rows, key=lambda r: r["start"])


@given(histories())
@settings(max_examples=150, deadline=None)
def test_spikes_match_the_definition_on_any_history(rows: list[dict[str, Any]]) -> None:
    """A brute-force reading of the definition gives the same ratio and basis for every run."""
    frame = add_spikes(timeline_frame(rows, tz="UTC"))
    starts = [datetime.strptime(r["start"], "%Y-%m-%d %H:%M") for r in rows]
    runs = [
        (s, r["distance_km"]) for r, s in zip(rows, starts, strict=True) if r["sport"] == "running"
    ]
    for i, row in enumerate(rows):
        got = frame["spike_ratio"].iloc[i]
        before = [(s, km) for s, km in runs if s < starts[i]]
        if row["sport"] != "running" or not before:
            assert math.isnan(got) and frame["spike_basis"].iloc[i] is None
            continue
        ref, basis = _brute_reference(before, starts[i], min(starts))
        if ref <= 0:
            assert math.isnan(got)
        else:
            assert got == pytest.approx(row["distance_km"] / ref)
            assert frame["spike"].iloc[i] == spike_class(got)
            assert frame["spike_basis"].iloc[i] == basis


def _brute_reference(
    before: list[tuple[datetime, float]], start: datetime, first: datetime
) -> tuple[float, str]:
    """The definition of docs/metrics.md read literally: a run's reference and its basis."""
    last = max(s for s, _ in before)
    if last < start - timedelta(days=14):
        longest = max(km for s, km in before if last - timedelta(days=30) <= s)
        weeks = (start - last) // timedelta(days=7)
        return longest * 0.9 ** min(weeks, 8), "after_break"
    if start - timedelta(days=30) < first:
        return max(km for _, km in before), "short_history"
    return max(km for s, km in before if start - timedelta(days=30) <= s), "30_days"


@given(histories())
@settings(max_examples=100, deadline=None)
def test_weekly_risk_sums_and_levels_hold_on_any_history(rows: list[dict[str, Any]]) -> None:
    """Weekly loads add up to the runs' distance; every week has a level; JSON-safe numbers."""
    frame = add_spikes(timeline_frame(rows, tz="UTC"))
    runs = frame[frame["sport"] == "running"]
    if runs.empty:
        return
    weeks = risk_weeks(weekly(frame), frame)
    assert weeks["basis_load"].sum() == pytest.approx(runs["distance_km"].sum())
    assert set(weeks["risk"]) <= {"low", "elevated", "high"}
    monotony = weeks["monotony"].to_numpy()
    assert ((monotony > 0) | np.isnan(monotony)).all()
    assert (weeks["strain"].fillna(0) >= 0).all()
