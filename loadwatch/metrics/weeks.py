"""Every weekly figure in one call: the 10% rule, the risk measures and the newest week's advice.

This is the frame :attr:`loadwatch.Analysis.weeks` holds, and what ``loadwatch.weekly(timeline)``
returns, so that the two steps on their own give what :func:`loadwatch.analyze` gives. Pure: no
I/O.
"""

from __future__ import annotations

import pandas as pd

from loadwatch.metrics.advice import with_advice
from loadwatch.metrics.risk import add_spikes, risk_weeks
from loadwatch.metrics.weekly import weekly
from loadwatch.model import DEFAULT_SETTINGS, DEFAULT_THRESHOLD, RiskSettings
from loadwatch.vocab import WeekStart


def week_metrics(
    timeline: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    risk: RiskSettings = DEFAULT_SETTINGS,
    week_start: WeekStart = WeekStart.MONDAY,
) -> pd.DataFrame:
    """Sum a timeline's runs into calendar weeks, with the 10% rule, risk measures and advice.

    Args:
        timeline: As made by :func:`loadwatch.timeline` (one row per activity, ``start`` in local
            time). Each run's spike (:func:`loadwatch.metrics.risk.add_spikes`) is computed when
            the timeline lacks it; a timeline cut at a date should keep the spikes computed on the
            whole history, as :func:`loadwatch.timeline` does.
        threshold: Week-on-week growth that raises a flag (0.10 is 10%).
        risk: Load basis and limits of the risk measures.
        week_start: The day calendar weeks begin on.

    Returns:
        One row per calendar week, indexed by ``week_start``: the columns of
        :func:`loadwatch.metrics.weekly.weekly`, then :data:`loadwatch.metrics.risk.RISK_COLUMNS`
        and ``advice`` (the newest week's lines; empty for the others).

    Raises:
        ValueError: ``risk.load`` is not a known load basis.
    """
    if "spike_ratio" not in timeline.columns:
        timeline = add_spikes(timeline)
    weeks = weekly(timeline, threshold=threshold, week_start=week_start)
    weeks = risk_weeks(weeks, timeline, settings=risk, week_start=week_start)
    return with_advice(weeks, timeline, threshold=threshold, settings=risk)
