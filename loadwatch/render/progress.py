"""What the newest week is, said first: a stale folder, or this week so far and what is left.

The table, the page and ``--notify`` take these sentences from here, from the JSON report's
``status``, ``last_activity``, ``stale_days`` and the newest week's ``complete`` and
``remaining``, so that the three say the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from loadwatch.metrics.advice import so_far_words
from loadwatch.units import km_per_unit
from loadwatch.vocab import day_words


def is_stale(report: Mapping[str, Any]) -> bool:
    """Whether the report says the folder has had no new activity for too long."""
    return report.get("status") == "stale"


def stale_sentence(report: Mapping[str, Any]) -> str | None:
    """ "No new activity since 14 Nov (18 days): is your watch still syncing?", or ``None``
    when the folder is current."""
    last = report.get("last_activity")
    if not is_stale(report) or not isinstance(last, str):
        return None
    day = datetime.fromisoformat(last).date()
    return (
        f"No new activity since {day_words(day)} "
        f"({report.get('stale_days')} days): is your watch still syncing?"
    )


def so_far_sentence(week: Mapping[str, Any], threshold: float, units: str = "km") -> str | None:
    """ "This week so far (2 of 7 days): 1 run, 18.5 km; ..." for a week in progress, with what
    it can still add within the rule; ``None`` for a complete week.

    The same sentence as the first line of the week's advice
    (:func:`loadwatch.metrics.advice.so_far_words`), so that the two never differ.
    """
    if week.get("complete", True):
        return None
    factor = 1.0 / km_per_unit(units)
    return so_far_words(week, threshold, lambda km: f"{km * factor:.1f} {units}")


def status_sentences(report: Mapping[str, Any], units: str = "km") -> list[str]:
    """The sentences that come before anything else about the newest week."""
    weeks = report.get("weeks") or []
    stale = stale_sentence(report)
    if stale is not None:
        return [stale]
    if not weeks:
        return []
    so_far = so_far_sentence(weeks[-1], float(report.get("threshold", 0.10)), units)
    return [] if so_far is None else [so_far]
