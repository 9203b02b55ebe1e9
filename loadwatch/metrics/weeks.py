"""Every weekly figure in one call: the 10% rule, the risk measures and the newest week's advice.

This is the frame :attr:`loadwatch.Analysis.weeks` holds, and what ``loadwatch.weekly(timeline)``
returns, so that the two steps on their own give what :func:`loadwatch.analyze` gives. Pure: no
I/O.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import pandas as pd

from loadwatch.metrics.advice import with_advice
from loadwatch.metrics.body import attach_rpe, body_weeks
from loadwatch.metrics.budget import with_budget
from loadwatch.metrics.levels import with_pain_levels
from loadwatch.metrics.redflags import newest_pain, with_body_advice
from loadwatch.metrics.risk import risk_weeks
from loadwatch.metrics.spikes import add_spikes
from loadwatch.metrics.weekly import settle_in_progress, weekly
from loadwatch.model import DEFAULT_SETTINGS, DEFAULT_THRESHOLD, RiskSettings
from loadwatch.settings.checks import check_acwr_limit, check_threshold, check_week_start
from loadwatch.vocab import WeekStart

_T = TypeVar("_T")


def week_metrics(
    timeline: pd.DataFrame,
    *,
    threshold: float | None = None,
    risk: RiskSettings | None = None,
    week_start: WeekStart | str | None = None,
    as_of: date | None = None,
    body: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum a timeline's runs into calendar weeks, with the 10% rule, risk measures and advice.

    Each setting left out is the one the timeline was read with (``timeline.attrs``, as
    :func:`loadwatch.timeline` leaves them: the options' and the config files'), else the
    default, so that ``weekly(timeline(path))`` gives ``analyze(path).weeks``.

    Args:
        timeline: As made by :func:`loadwatch.timeline` (one row per activity, ``start`` in local
            time). Each run's spike (:func:`loadwatch.metrics.spikes.add_spikes`) is computed when
            the timeline lacks it; a timeline cut at a date should keep the spikes computed on the
            whole history, as :func:`loadwatch.timeline` does.
        threshold: Week-on-week growth that raises a flag (0.10 is 10%).
        risk: Load basis and limits of the risk measures.
        week_start: The day calendar weeks begin on (``"monday"`` or ``"sunday"``).
        as_of: The day the weeks are judged on: its week is the week in progress (see
            :func:`loadwatch.metrics.weekly.weekly`); ``None``: every week is over.
        body: The body log (:func:`loadwatch.read_body_log`), for the weeks' pain, check-in,
            logged strength and sRPE fields (:mod:`loadwatch.metrics.body`); ``None``: no log.

    Returns:
        One row per calendar week, indexed by ``week_start``: the columns of
        :func:`loadwatch.metrics.weekly.weekly`, then :data:`loadwatch.metrics.risk.RISK_COLUMNS`,
        :data:`loadwatch.metrics.budget.BUDGET_COLUMNS` (next week's budget, on the newest row)
        and ``advice`` (the newest week's lines; empty for the others).

    Raises:
        ConfigError: A setting that cannot be used, naming it (``threshold``...).
        ValueError: ``risk.load`` is not a known load basis.
    """
    read_with = timeline.attrs
    limit = check_threshold(_given(threshold, read_with.get("threshold"), DEFAULT_THRESHOLD))
    settings = _given(risk, read_with.get("risk"), DEFAULT_SETTINGS)
    check_acwr_limit(settings.acwr_limit, "risk.acwr_limit")
    week = check_week_start(_given(week_start, read_with.get("week_start"), WeekStart.MONDAY))
    if "spike_ratio" not in timeline.columns:
        timeline = add_spikes(timeline, break_days=settings.break_days)
    day = _given(as_of, read_with.get("as_of"), None)
    weeks = weekly(timeline, threshold=limit, week_start=week, as_of=day)
    if "rpe" not in timeline.columns:
        timeline = attach_rpe(timeline, body)
    weeks = risk_weeks(weeks, timeline, settings=settings, week_start=week)
    weeks = body_weeks(
        weeks, timeline, body, week_start=week, strength_target=settings.strength_target
    )
    weeks = settle_in_progress(with_pain_levels(weeks))
    # The pain-monitoring model's verdict limits next week's budget and ends the advice.
    pain = newest_pain(weeks, timeline, body, as_of=day, week_start=week)
    weeks = with_budget(weeks, timeline, threshold=limit, settings=settings, as_of=day, pain=pain)
    weeks = with_advice(weeks, timeline, threshold=limit, settings=settings)
    return with_body_advice(weeks, timeline, body, pain, as_of=day, week_start=week)


def _given(value: _T | None, read_with: _T | None, default: _T) -> _T:
    """The value given, else the one the timeline was read with, else the default."""
    if value is not None:
        return value
    return read_with if read_with is not None else default
