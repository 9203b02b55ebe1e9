"""The pain-monitoring model: what the logged pain says of next week's load.

Silbernagel et al. (2007), Am J Sports Med 35:897-906, let patients with Achilles
tendinopathy keep training while pain stayed within limits: 0-2 on a 0-10 scale is safe, up to
5 acceptable, above 5 too much; and pain the next morning must not be worse than before. Issue 12
reads it as: up to 3 is fine, 4-5 a warning (next week's load does not grow), above 5 stop and
cut back (it shrinks); next-morning pain worse than the last time holds the load. A model made
for one tendon, used here for any region: ``docs/body-log.md`` says what that costs.

:func:`pain_check` is pure and returns a :class:`PainCheck`; the budget of next week calls
:meth:`PainCheck.cap_km` to keep within it. The associations it words ("your knee pain rose
from 2 to 5 in the week your distance grew 25%") are things that happened together, never
causes.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pandas as pd

from loadwatch.metrics import calendar
from loadwatch.metrics.body import entries_of
from loadwatch.vocab import (
    EntryKind,
    PainTiming,
    PainVerdict,
    Sport,
    WeekStart,
    day_words,
    region_words,
)

#: Pain above this is a warning: the load does not grow (the model's "acceptable" ends at 5,
#: issue 12's "2-3 acceptable, 4-5 a warning").
WARNING_ABOVE = 3
#: Pain above this means stop and cut back.
STOP_ABOVE = 5
#: Days up to as_of whose pain judges next week.
RECENT_DAYS = 7
#: What a shrinking week keeps of the week before (a convention: the model gives no number).
SHRINK_FACTOR = 0.8
#: How each moment of a pain reads.
_WHEN = {
    PainTiming.DURING: "during a run",
    PainTiming.AFTER: "after a run",
    PainTiming.NEXT_MORNING: "the next morning",
    PainTiming.REST: "at rest",
}


@dataclasses.dataclass(frozen=True)
class PainCheck:
    """What the model says of next week.

    Attributes:
        verdict: ``ok`` (the load may grow as the rules allow), ``hold`` (it does not grow) or
            ``shrink`` (it is cut back).
        why: The pain that decided it, in words; empty for ``ok``.
        associations: Rises in pain beside what changed in the running that week, worded as
            associations.
    """

    verdict: PainVerdict
    why: str = ""
    associations: tuple[str, ...] = ()

    def cap_km(self, last_week_km: float) -> float | None:
        """The most next week may run given last week's distance: the same for ``hold``,
        :data:`SHRINK_FACTOR` of it for ``shrink``, ``None`` (no cap) for ``ok``."""
        if self.verdict is PainVerdict.HOLD:
            return last_week_km
        if self.verdict is PainVerdict.SHRINK:
            return last_week_km * SHRINK_FACTOR
        return None

    def advice(self, *, in_progress: bool = False) -> list[str]:
        """The check as advice lines (none for ``ok`` without associations); ``in_progress``:
        the newest week is not over, so the verdict speaks of its rest too."""
        lines = []
        rest = (
            " For the rest of this week, rest or run only easy, whatever room the 10% rule leaves."
            if in_progress
            else ""
        )
        if self.verdict is PainVerdict.SHRINK:
            lines.append(f"Pain model: cut next week's load back: {self.why}.{rest}")
        elif self.verdict is PainVerdict.HOLD:
            lines.append(f"Pain model: keep next week's load as this week's: {self.why}.{rest}")
        lines.extend(self.associations)
        return lines


def pain_check(
    body: pd.DataFrame | None,
    timeline: pd.DataFrame,
    as_of: date,
    *,
    week_start: WeekStart = WeekStart.MONDAY,
) -> PainCheck:
    """The model's verdict for the week after ``as_of``, from the pain logged up to it.

    Args:
        body: The body log's frame (``None``: no log, so ``ok``).
        timeline: The timeline (runs' ``start`` and ``distance_km``), for the associations.
        as_of: The day judged on: pain of the :data:`RECENT_DAYS` days up to it decides.
        week_start: The day weeks begin on.
    """
    pains = entries_of(body, EntryKind.PAIN)
    if pains.empty:
        return PainCheck(PainVerdict.OK)
    pains = pains.assign(date=pains["day"].dt.tz_localize(None).dt.date)
    pains = pains[pains["date"] <= as_of].sort_values(["date", "id"], kind="stable")
    recent = pains[pains["date"] > as_of - timedelta(days=RECENT_DAYS)]
    associations = tuple(_associations(pains, timeline, as_of, week_start))
    if recent.empty:
        return PainCheck(PainVerdict.OK, associations=associations)
    worst = recent.sort_values("pain_level", ascending=False, kind="stable").iloc[0]
    level = int(worst["pain_level"])
    said = (
        f"your {region_words(worst['region'])} pain was {level}/10 "
        f"{_WHEN[PainTiming(worst['timing'])]} on {day_words(worst['date'])}"
    )
    if level > STOP_ABOVE:
        return PainCheck(PainVerdict.SHRINK, f"{said} (above 5: stop and cut back)", associations)
    if level > WARNING_ABOVE:
        return PainCheck(PainVerdict.HOLD, f"{said} (4-5 is a warning)", associations)
    worse = _worse_next_morning(pains, recent)
    if worse:
        return PainCheck(PainVerdict.HOLD, worse, associations)
    return PainCheck(PainVerdict.OK, associations=associations)


def _worse_next_morning(pains: pd.DataFrame, recent: pd.DataFrame) -> str:
    """Words for a recent next-morning pain worse than the one before it in the same region,
    or ``""``."""
    mornings = pains[pains["timing"] == PainTiming.NEXT_MORNING]
    for _, entry in recent[recent["timing"] == PainTiming.NEXT_MORNING].iloc[::-1].iterrows():
        earlier = mornings[
            (mornings["region"] == entry["region"]) & (mornings["date"] < entry["date"])
        ]
        if earlier.empty:
            continue
        before = int(earlier.iloc[-1]["pain_level"])
        if int(entry["pain_level"]) > before:
            return (
                f"your {region_words(entry['region'])} pain the next morning rose from {before} to "
                f"{int(entry['pain_level'])} on {day_words(entry['date'])} (worse than before)"
            )
    return ""


def _associations(
    pains: pd.DataFrame, timeline: pd.DataFrame, as_of: date, week_start: WeekStart
) -> list[str]:
    """For each region whose weekly highest pain rose in the week of ``as_of``: the rise, and
    what grew in the running that week."""
    week = calendar.week_of(as_of, week_start)
    before = week - timedelta(days=7)
    weeks = pains.assign(week=[calendar.week_of(d, week_start) for d in pains["date"]])
    now = weeks[weeks["week"] == week].groupby("region")["pain_level"].max()
    then = weeks[weeks["week"] == before].groupby("region")["pain_level"].max()
    grew = _what_grew(timeline, week, before, week_start)
    lines = []
    for region, level in now.items():
        previous = int(then.get(region, 0))
        if int(level) <= previous or not grew:
            continue
        rise = f"rose from {previous} to {int(level)}" if previous else f"came on ({int(level)}/10)"
        lines.append(
            f"Your {region_words(region)} pain {rise} in the week {grew}: an association in your "
            "log, not proof of a cause."
        )
    return lines


def _what_grew(timeline: pd.DataFrame, week: date, before: date, week_start: WeekStart) -> str:
    """``your distance grew 25% and your longest run doubled`` for ``week`` against ``before``,
    or ``""`` when neither grew."""
    runs = timeline[timeline["sport"] == Sport.RUNNING] if len(timeline) else timeline
    if runs.empty:
        return ""
    starts = calendar.week_starts(runs["start"], week_start).dt.date
    this, last = runs[starts == week]["distance_km"], runs[starts == before]["distance_km"]
    if this.empty or last.empty or float(last.sum()) <= 0:
        return ""
    parts = []
    growth = float(this.sum()) / float(last.sum()) - 1
    if growth >= 0.95:
        parts.append("your distance doubled")
    elif growth >= 0.05:
        parts.append(f"your distance grew {growth:.0%}")
    longest = float(this.max()) / float(last.max())
    if longest >= 1.95:
        parts.append("your longest run doubled")
    elif longest >= 1.1:
        parts.append(f"your longest run grew {longest - 1:.0%}")
    return " and ".join(parts)
