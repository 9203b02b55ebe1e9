"""Red flags from the body log: pain that lasts, pain that spreads, severe pain.

The article loadwatch's advice follows tells a runner to see a professional when pain is severe,
lasts beyond a few weeks (8 at the most) or spreads to the calf or foot (low back pain guidance,
such as NICE NG59, asks the same questions). Here each is a rule on what was logged, judged on
``as_of`` (see ``docs/body-log.md`` for the definitions and their limits). Pure: the log
arrives as :func:`loadwatch.read_body_log`'s frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from loadwatch.metrics import calendar
from loadwatch.metrics.advice import RED_FLAGS
from loadwatch.metrics.body import entries_of
from loadwatch.metrics.painmodel import PainCheck, pain_check
from loadwatch.model import BodyRedFlag
from loadwatch.vocab import EntryKind, PainRegion, RedFlag, WeekStart, day_words, region_words

#: A pain of this level or more is severe (a convention: 7-10 is "severe" on the 0-10 scale).
SEVERE_LEVEL = 7
#: Weeks in a row with pain that make lasting pain (the guidelines' "beyond 8 weeks").
LASTING_WEEKS = 8
#: Days back from as_of in which a severe pain or a spreading pain still counts (a convention).
RECENT_DAYS = 28
#: Days without back or hip pain that end a spell of it (a convention).
SPELL_GAP_DAYS = 7
#: Where a back or hip pain spell is, and where pain that spreads into the leg appears.
TRUNK = frozenset({PainRegion.LOWER_BACK, PainRegion.UPPER_BACK, PainRegion.HIP})
LOWER_LEG = frozenset({PainRegion.CALF, PainRegion.SHIN, PainRegion.ANKLE, PainRegion.FOOT})
#: The advice every red flag carries.
SEE_SOMEONE = "see a physiotherapist or doctor"


def red_flags(
    body: pd.DataFrame | None, as_of: date, *, week_start: WeekStart = WeekStart.MONDAY
) -> list[BodyRedFlag]:
    """The red flags the body log raises on ``as_of``, in :class:`~loadwatch.vocab.RedFlag`'s
    order (none without a log).

    Args:
        body: The body log's frame, or ``None``.
        as_of: The day the log is judged on; later entries are left out.
        week_start: The day weeks begin on (for pain in 8 weeks in a row).
    """
    pains = entries_of(body, EntryKind.PAIN)
    if pains.empty:
        return []
    days = pains["day"].dt.tz_localize(None).dt.date
    pains = pains.assign(date=days)[(days <= as_of) & (pains["pain_level"] >= 1)]
    found = [
        _lasting(pains, as_of, week_start),
        _spreading(pains, as_of),
        _severe(pains, as_of),
    ]
    return [flag for flag in found if flag is not None]


def _severe(pains: pd.DataFrame, as_of: date) -> BodyRedFlag | None:
    """A pain of :data:`SEVERE_LEVEL` or more in the last :data:`RECENT_DAYS` days."""
    recent = pains[pains["date"] > as_of - timedelta(days=RECENT_DAYS)]
    severe = recent[recent["pain_level"] >= SEVERE_LEVEL]
    if severe.empty:
        return None
    worst = severe.sort_values("pain_level", ascending=False, kind="stable").iloc[0]
    more = len(severe) - 1
    why = (
        f"a pain of {int(worst['pain_level'])}/10 in the {region_words(worst['region'])} on "
        f"{day_words(worst['date'])}" + (f", and {more} more of 7 or more" if more else "")
    )
    return BodyRedFlag(RedFlag.SEVERE_PAIN, min(severe["date"]), why)


def _lasting(pains: pd.DataFrame, as_of: date, week_start: WeekStart) -> BodyRedFlag | None:
    """Pain logged in each of :data:`LASTING_WEEKS` calendar weeks in a row, up to the week of
    ``as_of`` (or the week before, when this one has none yet)."""
    weeks = {calendar.week_of(day, week_start) for day in pains["date"]}
    week = calendar.week_of(as_of, week_start)
    if week not in weeks:
        week -= timedelta(days=7)
    streak: list[date] = []
    while week in weeks:
        streak.append(week)
        week -= timedelta(days=7)
    if len(streak) < LASTING_WEEKS:
        return None
    first = streak[-1]
    spell = pains[pains["date"] >= first]
    regions = list(dict.fromkeys(region_words(r) for r in spell["region"]))
    why = (
        f"pain logged in each of the {len(streak)} weeks since {day_words(first)} "
        f"({', '.join(regions)})"
    )
    return BodyRedFlag(RedFlag.PAIN_8_WEEKS, min(spell["date"]), why)


def trunk_spells(pains: pd.DataFrame) -> list[tuple[date, date]]:
    """The spells of back or hip pain, first and last day each: a gap of more than
    :data:`SPELL_GAP_DAYS` days without one ends a spell."""
    days = sorted(set(pains.loc[pains["region"].isin(TRUNK), "date"]))
    spells: list[tuple[date, date]] = []
    for day in days:
        if spells and (day - spells[-1][1]).days <= SPELL_GAP_DAYS:
            spells[-1] = (spells[-1][0], day)
        else:
            spells.append((day, day))
    return spells


def _spreading(pains: pd.DataFrame, as_of: date) -> BodyRedFlag | None:
    """A calf, shin, ankle or foot pain appearing during a back or hip spell: logged within the
    spell (up to :data:`SPELL_GAP_DAYS` after its last day), with no lower-leg pain in the
    :data:`RECENT_DAYS` days before the spell began; judged on the last such days."""
    leg = pains[pains["region"].isin(LOWER_LEG)]
    if leg.empty:
        return None
    leg_days = sorted(leg["date"])
    recent = as_of - timedelta(days=RECENT_DAYS)
    for first, last in reversed(trunk_spells(pains)):
        end = last + timedelta(days=SPELL_GAP_DAYS)
        before = [d for d in leg_days if first - timedelta(days=RECENT_DAYS) <= d < first]
        during = [d for d in leg_days if first <= d <= end]
        if before or not during or max(during) <= recent:
            continue
        appeared = during[0]
        where = leg[leg["date"] == appeared]["region"].iloc[0]
        trunk = pains[(pains["date"] == first) & pains["region"].isin(TRUNK)]["region"].iloc[0]
        why = (
            f"{region_words(where)} pain from {day_words(appeared)}, during a "
            f"{region_words(trunk)} pain spell that began {day_words(first)}"
        )
        return BodyRedFlag(RedFlag.PAIN_SPREADING, appeared, why)
    return None


def red_flag_advice(flags: list[BodyRedFlag]) -> list[str]:
    """One advice line per red flag: what raised it, and to see someone."""
    return [f"Red flag: {flag.why}: {SEE_SOMEONE}." for flag in flags]


def bodyday_words(weeks: pd.DataFrame, as_of: date | None) -> date:
    """The day the body log is read up to: ``as_of``, else the newest week's last day."""
    return as_of if as_of is not None else pd.Timestamp(weeks.index[-1]).date() + timedelta(6)


def newest_pain(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    body: pd.DataFrame | None,
    *,
    as_of: date | None,
    week_start: WeekStart = WeekStart.MONDAY,
) -> PainCheck | None:
    """The pain-monitoring model's verdict for the week after the newest; ``None`` without a
    log (or without weeks)."""
    if body is None or weeks.empty:
        return None
    return pain_check(body, timeline, bodyday_words(weeks, as_of), week_start=week_start)


def body_words(
    lines: Sequence[str],
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    body: pd.DataFrame | None,
    *,
    as_of: date | None,
    week_start: WeekStart = WeekStart.MONDAY,
    pain: PainCheck | None = None,
) -> list[str]:
    """The newest week's advice ``lines`` as the body log has them said: its red flags first,
    in place of the fixed red-flag sentence once the log tracks pain (:func:`tracks_pain`), and
    the pain-monitoring model's verdict (``pain``, else :func:`newest_pain`: the one next week's
    budget applied) and associations last. Without a log, ``lines`` as they are."""
    if body is None or weeks.empty:
        return list(lines)
    if pain is None:
        pain = newest_pain(weeks, timeline, body, as_of=as_of, week_start=week_start)
    day = bodyday_words(weeks, as_of)
    flags = red_flag_advice(red_flags(body, day, week_start=week_start))
    in_progress = "complete" in weeks.columns and not bool(weeks["complete"].iloc[-1])
    model = pain.advice(in_progress=in_progress) if pain is not None else []
    kept = lines if not tracks_pain(body, day) else [line for line in lines if line != RED_FLAGS]
    return [*flags, *kept, *model]


def tracks_pain(body: pd.DataFrame | None, as_of: date) -> bool:
    """Whether the log speaks for pain by ``as_of``: it holds a pain entry or a check-in then.

    Only such a log can stand in for the fixed red-flag sentence (its silence then means no
    pain); a log of strength sessions or efforts alone says nothing of pain, so the sentence
    stays.
    """
    for kind in (EntryKind.PAIN, EntryKind.CHECK_IN):
        entries = entries_of(body, kind)
        if not entries.empty and bool((entries["day"].dt.tz_localize(None).dt.date <= as_of).any()):
            return True
    return False


def with_body_advice(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    body: pd.DataFrame | None,
    pain: PainCheck | None,
    *,
    as_of: date | None,
    week_start: WeekStart = WeekStart.MONDAY,
) -> pd.DataFrame:
    """``weeks`` (with ``advice``) whose newest week's advice is :func:`body_words`'."""
    if body is None or weeks.empty or "advice" not in weeks.columns:
        return weeks
    out = weeks.copy()
    advice = list(out["advice"])
    advice[-1] = tuple(
        body_words(advice[-1], weeks, timeline, body, as_of=as_of, week_start=week_start, pain=pain)
    )
    out["advice"] = advice
    return out
