"""Next week's budget: the most km, runs and longest run the rules allow, and which rule set each.

Pure functions over the weekly frame (with the risk columns) and the timeline; no I/O. Each rule
is a small function from a :class:`Situation` to the :class:`Limit` values it sets
(:data:`RULES`); each figure of the budget is the lowest limit given for it, and ``basis`` names
the rules that gave it. A new rule (the body log's pain, say) is one function plus one entry in
:data:`RULES`. The rules, their sources and their critique are in ``docs/metrics.md`` ("Next
week's budget"); every advice sentence takes its figures from here
(:mod:`loadwatch.metrics.advice`), so that no two sentences disagree.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import pandas as pd

from loadwatch.metrics.calendar import in_week, last_day, local_days
from loadwatch.metrics.painmodel import SHRINK_FACTOR, PainCheck
from loadwatch.metrics.risk import ACWR_BAND, ACWR_WEEKS, SPIKE_WINDOW_DAYS
from loadwatch.metrics.weekly import LIMIT_TOLERANCE
from loadwatch.model import DEFAULT_SETTINGS, DEFAULT_THRESHOLD, RiskSettings
from loadwatch.vocab import BudgetRule, Flag, LoadBasis, NextWeekPart, PainVerdict, Sport

#: The longest run's allowance over the longest of the last 30 days: the edge of a spike
#: (Frandsen et al. 2025), not the week-on-week threshold.
LONGEST_RUN_GROWTH = 0.10
#: The budget's figures, in ``basis`` order.
FIGURES: tuple[NextWeekPart, ...] = (
    NextWeekPart.MAX_KM,
    NextWeekPart.MAX_RUNS,
    NextWeekPart.LONGEST_RUN_KM,
)
#: Frame columns of the budget (the newest week's row holds it; older rows NaN and None).
BUDGET_COLUMNS: tuple[str, ...] = tuple(f"next_week_{part}" for part in NextWeekPart)


@dataclasses.dataclass(frozen=True)
class Situation:
    """What the rules see: the weeks up to the newest, its runs, and the settings.

    Attributes:
        weeks: The weekly frame with the risk columns; the budget is for the week after its
            last row.
        timeline: The activities, with the spike columns.
        threshold: The week-on-week growth the 10% rule allows.
        settings: The risk settings the weeks were computed with.
        day: The day the budget is made on: ``as_of``, or the newest week's last day if that
            comes first.
        pain: The pain-monitoring model's verdict from the body log
            (:func:`loadwatch.metrics.painmodel.pain_check`); ``None`` without a log.
    """

    weeks: pd.DataFrame
    timeline: pd.DataFrame
    threshold: float
    settings: RiskSettings
    day: date
    pain: PainCheck | None = None

    @property
    def newest(self) -> pd.Series:
        """The newest week's row."""
        return self.weeks.iloc[-1]

    @property
    def complete(self) -> bool:
        """Whether the newest week is over (a week in progress sets no km or runs yet)."""
        return bool(self.newest.get("complete", True))


@dataclasses.dataclass(frozen=True)
class Limit:
    """One rule's limit on one figure of the budget."""

    part: NextWeekPart
    value: float
    rule: BudgetRule


@dataclasses.dataclass(frozen=True)
class NextWeek:
    """Next week's budget: each figure the lowest limit of the rules that apply, or ``None``.

    Attributes:
        max_km: The most distance for next week.
        max_runs: The most runs for next week (a whole number).
        longest_run_km: The longest single run.
        basis: ``figure:rule`` for each rule that set a figure (``max_km:ten_percent``), in
            figure order; ``max_km:week_in_progress`` when the week in progress leaves it unset.
    """

    max_km: float | None
    max_runs: int | None
    longest_run_km: float | None
    basis: tuple[str, ...]

    def rules(self, part: NextWeekPart) -> tuple[BudgetRule, ...]:
        """The rules that set ``part`` (several when they tie)."""
        prefix = f"{part}:"
        return tuple(BudgetRule(b.removeprefix(prefix)) for b in self.basis if b.startswith(prefix))


Rule = Callable[[Situation], Iterable[Limit]]


def _level_before(situation: Situation, column: str) -> float:
    """The mean of ``column`` over the (up to) ACWR_WEEKS weeks before the newest; 0 for none."""
    before = situation.weeks[column].iloc[-1 - ACWR_WEEKS : -1].astype("float64")
    return float(before.mean()) if len(before) else 0.0


def ten_percent(situation: Situation) -> Iterable[Limit]:
    """This week + the threshold, on km and runs; after an easier week, the level before it.

    An easier week is one below the mean of the 3 weeks before it: what grows is that mean,
    not the easy week. A whole number of runs is rounded down (3 runs x 1.10 allows 3).
    """
    if not situation.complete:
        return
    row, growth = situation.newest, 1.0 + situation.threshold
    km, level_km = float(row["distance_km"]), _level_before(situation, "distance_km")
    base_km, rule_km = (
        (level_km, BudgetRule.EASIER_WEEK) if level_km > km else (km, BudgetRule.TEN_PERCENT)
    )
    if base_km > 0:
        yield Limit(NextWeekPart.MAX_KM, base_km * growth, rule_km)
    runs = int(row["runs"])
    level_runs = math.floor(_level_before(situation, "runs") + 0.5)  # a whole number of runs
    base_runs, rule_runs = (
        (level_runs, BudgetRule.EASIER_WEEK)
        if level_runs > runs
        else (runs, BudgetRule.TEN_PERCENT)
    )
    if base_runs > 0:
        yield Limit(
            NextWeekPart.MAX_RUNS, math.floor(base_runs * growth + LIMIT_TOLERANCE), rule_runs
        )


def longest_run(situation: Situation) -> Iterable[Limit]:
    """The longest run of the 30 days up to the day + 10%; a spike run counts as its reference.

    A spike does not raise the ceiling it broke: the same longest run the spike advice names
    (after a break, the longest run before it, less the weeks off). The rule is then
    ``spike_reference``, so that the words say where the figure comes from.
    """
    runs = situation.timeline[situation.timeline["sport"] == Sport.RUNNING]
    if runs.empty:
        return
    days = local_days(runs["start"])
    first = pd.Timestamp(situation.day - timedelta(days=SPIKE_WINDOW_DAYS - 1))
    recent = runs[(days >= first) & (days <= pd.Timestamp(situation.day))]
    distance = recent["distance_km"].astype("float64")
    spiked = pd.Series(False, index=recent.index)
    if "spike" in recent.columns:
        reference = recent["spike_ref_km"].astype("float64")
        spiked = recent["spike"].notna() & reference.notna()
        distance = distance.where(~spiked, reference)
    if distance.empty or not math.isfinite(longest := float(distance.max())) or longest <= 0:
        return
    rule = BudgetRule.LONGEST_RUN
    if bool(spiked[distance >= longest - LIMIT_TOLERANCE].all()):
        rule = BudgetRule.SPIKE_REFERENCE
    yield Limit(NextWeekPart.LONGEST_RUN_KM, longest * (1 + LONGEST_RUN_GROWTH), rule)


def acwr(situation: Situation) -> Iterable[Limit]:
    """After a week the ACWR flagged, km that keep next week's ratio at 1.3 (distance basis).

    ACWR is disputed: it only restricts the budget, in a week it flagged, never loosens it.
    """
    row = situation.newest
    flagged = Flag.ACWR in tuple(row.get("flags", ()))
    if not (situation.complete and flagged and situation.settings.load == LoadBasis.DISTANCE):
        return
    chronic = chronic_next(situation.weeks)
    if math.isfinite(chronic) and chronic > 0:
        yield Limit(NextWeekPart.MAX_KM, chronic * ACWR_BAND[1], BudgetRule.ACWR)


def pain(situation: Situation) -> Iterable[Limit]:
    """The pain-monitoring model (Silbernagel et al. 2007) on next week's figures.

    Pain of 4-5 (or next-morning pain worse than the last) holds next week at this week's
    distance, runs and longest run; pain above 5 cuts distance and the longest run back
    (:data:`loadwatch.metrics.painmodel.SHRINK_FACTOR`) and adds no run. The longest run is
    held even while this week is in progress.
    """
    check = situation.pain
    if check is None or check.verdict is PainVerdict.OK:
        return
    shrink = check.verdict is PainVerdict.SHRINK
    rule = BudgetRule.PAIN_SHRINK if shrink else BudgetRule.PAIN_HOLD
    factor = SHRINK_FACTOR if shrink else 1.0
    timeline = situation.timeline
    runs = timeline[
        (timeline["sport"] == Sport.RUNNING)
        & in_week(timeline["start"], pd.Timestamp(situation.weeks.index[-1]))
    ]
    longest = float(runs["distance_km"].astype("float64").max()) if len(runs) else math.nan
    if math.isfinite(longest) and longest > 0:
        yield Limit(NextWeekPart.LONGEST_RUN_KM, longest * factor, rule)
    if not situation.complete:
        return
    cap = check.cap_km(float(situation.newest["distance_km"]))
    if cap is not None:
        yield Limit(NextWeekPart.MAX_KM, cap, rule)
    if int(situation.newest["runs"]) > 0:
        yield Limit(NextWeekPart.MAX_RUNS, int(situation.newest["runs"]), rule)


#: The rules, in the order ``basis`` lists ties.
RULES: tuple[Rule, ...] = (ten_percent, longest_run, acwr, pain)


def chronic_next(weeks: pd.DataFrame) -> float:
    """Next week's chronic load: the mean basis load of the newest week and the 2 before it."""
    recent = weeks["basis_load"].iloc[-ACWR_WEEKS:]
    return float(recent.mean()) if len(recent) == ACWR_WEEKS else math.nan


def next_week(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    settings: RiskSettings = DEFAULT_SETTINGS,
    as_of: date | None = None,
    pain: PainCheck | None = None,
    rules: Iterable[Rule] = RULES,
) -> NextWeek:
    """Next week's budget after the newest week of ``weeks``.

    Args:
        weeks: Weekly frame with the risk columns (not empty).
        timeline: The activities, with the spike columns.
        threshold: The week-on-week growth the 10% rule allows.
        settings: The risk settings the weeks were computed with.
        as_of: The day it is made on; ``None``, or a day after the newest week: that week's
            last day.
        pain: The pain-monitoring model's verdict, from the body log; ``None`` without one.
        rules: The rules to apply (:data:`RULES`).

    Returns:
        Each figure the lowest limit any rule gives it (``None`` when none does), with the
        rules that gave it. A week in progress leaves ``max_km`` and ``max_runs`` unset: they
        grow from this week, which is not over (what it can still take is ``remaining``).
    """
    # After the newest week nothing was run: the budget is the one that week left (a stale
    # folder's is what its last week allowed, said after the warning that nothing new came).
    end = last_day(pd.Timestamp(weeks.index[-1])).date()
    day = end if as_of is None else min(as_of, end)
    situation = Situation(weeks, timeline, threshold, settings, day, pain)
    limits = [limit for rule in rules for limit in rule(situation)]
    values: dict[NextWeekPart, float | None] = {}
    basis: list[str] = []
    for part in FIGURES:
        given = [limit for limit in limits if limit.part is part]
        if not given:
            values[part] = None
            if not situation.complete and part is not NextWeekPart.LONGEST_RUN_KM:
                basis.append(f"{part}:{BudgetRule.WEEK_IN_PROGRESS}")
            continue
        lowest = min(limit.value for limit in given)
        values[part] = lowest
        tied = dict.fromkeys(x.rule for x in given if x.value <= lowest + LIMIT_TOLERANCE)
        basis.extend(f"{part}:{rule}" for rule in tied)
    _cap_by_runs(values, basis)
    runs = values[NextWeekPart.MAX_RUNS]
    return NextWeek(
        max_km=values[NextWeekPart.MAX_KM],
        max_runs=None if runs is None else int(runs),
        longest_run_km=values[NextWeekPart.LONGEST_RUN_KM],
        basis=tuple(basis),
    )


def _cap_by_runs(values: dict[NextWeekPart, float | None], basis: list[str]) -> None:
    """Keep ``max_km`` within ``max_runs`` runs of ``longest_run_km``: a budget of 12 km in
    one run of at most 4 km is 4 km (``max_km:runs_times_longest``)."""
    km, runs = values[NextWeekPart.MAX_KM], values[NextWeekPart.MAX_RUNS]
    longest = values[NextWeekPart.LONGEST_RUN_KM]
    if km is None or runs is None or longest is None or km <= runs * longest + LIMIT_TOLERANCE:
        return
    values[NextWeekPart.MAX_KM] = runs * longest
    prefix = f"{NextWeekPart.MAX_KM}:"
    kept = [b for b in basis if not b.startswith(prefix)]
    basis[:] = [f"{prefix}{BudgetRule.RUNS_TIMES_LONGEST}", *kept]


def with_budget(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    settings: RiskSettings = DEFAULT_SETTINGS,
    as_of: date | None = None,
    pain: PainCheck | None = None,
) -> pd.DataFrame:
    """A copy of ``weeks`` with :data:`BUDGET_COLUMNS`: the newest week's :func:`next_week`."""
    out = weeks.copy()
    figures = {part: [math.nan] * len(out) for part in FIGURES}
    basis: list[tuple[str, ...] | None] = [None] * len(out)
    if len(out):
        budget = next_week(
            out, timeline, threshold=threshold, settings=settings, as_of=as_of, pain=pain
        )
        for part in FIGURES:
            figure = getattr(budget, str(part))
            figures[part][-1] = math.nan if figure is None else float(figure)
        basis[-1] = budget.basis
    for part in FIGURES:
        out[f"next_week_{part}"] = figures[part]
    out[BUDGET_COLUMNS[-1]] = pd.Series(basis, index=out.index, dtype="object")
    return out


def budget_of(row: pd.Series) -> NextWeek | None:
    """The :class:`NextWeek` a week's row holds (from :func:`with_budget`), or ``None``."""
    basis = row.get(BUDGET_COLUMNS[-1])
    if not isinstance(basis, tuple):
        return None

    def figure(part: NextWeekPart) -> float | None:
        value = float(row[f"next_week_{part}"])
        return value if math.isfinite(value) else None

    runs = figure(NextWeekPart.MAX_RUNS)
    return NextWeek(
        max_km=figure(NextWeekPart.MAX_KM),
        max_runs=None if runs is None else int(runs),
        longest_run_km=figure(NextWeekPart.LONGEST_RUN_KM),
        basis=basis,
    )
