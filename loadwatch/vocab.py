"""The words loadwatch's data is made of, each spelt once: sports, surfaces, flags, units...

Every member is a :class:`enum.StrEnum`, so it *is* its string: ``Surface.ROAD == "road"``,
it is written to JSON and CSV as ``road``, and a DataFrame column of them compares with plain
strings. Code names members (``Sport.RUNNING``), never the bare string, so that a typo is an
error and a search for ``Surface.TRACK`` finds every place that treats track runs.

The file formats are the one vocabulary kept elsewhere: :class:`loadwatch.ingest.formats.Format`
sits beside the registry that declares each format, so that a new format is one reader module
plus one entry there.

This module imports nothing of loadwatch: every stage may use it.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date


class Sport(enum.StrEnum):
    """What an activity was. Only running counts towards the weekly load."""

    RUNNING = "running"
    CYCLING = "cycling"
    SWIMMING = "swimming"
    WALKING = "walking"
    STRENGTH = "strength"
    OTHER = "other"


class Surface(enum.StrEnum):
    """What a run was on; a run's distance may be split between several."""

    ROAD = "road"
    TRAIL = "trail"
    TRACK = "track"
    TREADMILL = "treadmill"
    UNKNOWN = "unknown"


class LoadBasis(enum.StrEnum):
    """What ACWR, monotony and strain measure."""

    DISTANCE = "distance"
    DURATION = "duration"
    TRIMP = "trimp"
    #: Session RPE × minutes of the runs with an effort in the body log (Foster et al. 2001).
    SRPE = "srpe"


class RiskLevel(enum.StrEnum):
    """A week's overuse risk, from its flags (see ``docs/metrics.md``)."""

    LOW = "low"
    ELEVATED = "elevated"
    HIGH = "high"


class Flag(enum.StrEnum):
    """A week's flags: the 10% rule on three measures, and the wider risk measures."""

    DISTANCE = "distance"
    INTENSITY = "intensity"
    FREQUENCY = "frequency"
    SESSION_SPIKE = "session_spike"
    ACWR = "acwr"
    MONOTONY = "monotony"


class Note(enum.StrEnum):
    """A week's notes: worth knowing, not a sign of ramping up too fast."""

    HARD_SURFACE = "hard_surface"
    LOW_LOAD = "low_load"
    LOW_STRENGTH = "low_strength"
    SHOE_WEAR = "shoe_wear"


@dataclasses.dataclass(frozen=True)
class FlagWords:
    """How one flag is shown.

    Attributes:
        mark: The table's mark, in capitals (``DIST``).
        short: A few words for the chart's legend (``session spike``).
        what: What it is about, as a noun phrase for sentences and lists
            (``the number of runs``, ``a run much longer than ...``).
        letter: The chart's letter above a flagged week's bar.
    """

    mark: str
    short: str
    what: str
    letter: str


#: How each flag is shown, in the order the chart stacks their letters (the table, the page,
#: ``--notify`` and the chart all take their words from here).
FLAG_WORDS: dict[str, FlagWords] = {
    Flag.DISTANCE: FlagWords("DIST", "distance", "distance", "D"),
    Flag.INTENSITY: FlagWords("INT", "intensity", "intensity", "I"),
    Flag.FREQUENCY: FlagWords("FREQ", "runs", "the number of runs", "F"),
    Flag.SESSION_SPIKE: FlagWords(
        "SPIKE",
        "session spike: a run >10% over the longest before it",
        "a run more than 10% longer than the longest run before it (of the last 30 days, or"
        " before a break)",
        "S",
    ),
    Flag.ACWR: FlagWords(
        "ACWR",
        "ACWR above its limit (disputed measure)",
        "a load high against the 3 weeks before (ACWR, a disputed measure)",
        "A",
    ),
    Flag.MONOTONY: FlagWords(
        "MONO",
        "monotony above its limit (disputed measure)",
        "days too much alike (monotony, a disputed measure)",
        "M",
    ),
}


class RiskReason(enum.StrEnum):
    """What set a week's risk level (``weeks[].risk_reasons``; see ``docs/metrics.md``).

    A spike reason carries its class after a colon; the others are the flag they come from.
    """

    SPIKE_SMALL = "session_spike:small"
    SPIKE_MODERATE = "session_spike:moderate"
    SPIKE_LARGE = "session_spike:large"
    DISTANCE = "distance"
    INTENSITY = "intensity"
    FREQUENCY = "frequency"
    ACWR = "acwr"
    MONOTONY = "monotony"
    #: The body log: pain above 5 of 10 that week (the pain-monitoring model's "stop").
    PAIN_STOP = "pain:above_5"
    #: The body log: pain of 4-5 of 10 that week (the model's warning).
    PAIN_WARNING = "pain:warning"


#: Each reason in a few words, for where a risk level is shown ("high risk, from ...").
REASON_WORDS: dict[str, str] = {
    RiskReason.SPIKE_SMALL: "a small single-run spike",
    RiskReason.SPIKE_MODERATE: "a moderate single-run spike",
    RiskReason.SPIKE_LARGE: "a large single-run spike",
    RiskReason.DISTANCE: "the distance rise",
    RiskReason.INTENSITY: "the intensity rise",
    RiskReason.FREQUENCY: "the rise in runs",
    RiskReason.ACWR: "the disputed ACWR",
    RiskReason.MONOTONY: "the disputed monotony",
    RiskReason.PAIN_STOP: "pain above 5/10 in your log",
    RiskReason.PAIN_WARNING: "pain of 4–5/10 in your log",
}

#: How each note (advice, not a flag) is shown: the table's mark and a phrase for lists.
NOTE_WORDS: dict[str, tuple[str, str]] = {
    Note.HARD_SURFACE: ("road", "almost all on road: mix in trail or track"),
    Note.LOW_LOAD: ("light", "a much lighter week than the 3 before (ACWR below 0.8)"),
    Note.LOW_STRENGTH: ("str", "fewer strength sessions than the target"),
    Note.SHOE_WEAR: ("shoe", "a shoe past its distance limit"),
}


#: Each risk level in words, the same wherever one is shown (terminal, page, ``--notify``).
RISK_WORDS: dict[str, str] = {
    RiskLevel.LOW: "low risk",
    RiskLevel.ELEVATED: "elevated risk",
    RiskLevel.HIGH: "high risk",
}


def flag_words(code: str) -> str:
    """A flag's or a note's code (``hard_surface``) in a runner's words; an unknown code
    (from a newer loadwatch) in words made from its name."""
    if code in FLAG_WORDS:
        return FLAG_WORDS[code].what
    return NOTE_WORDS[code][1] if code in NOTE_WORDS else code.replace("_", " ")


def plural(count: int, noun: str, many: str = "") -> str:
    """``1 run``, ``2 runs``: a count and its noun (``many``: an irregular plural)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


class Units(enum.StrEnum):
    """Distance units of what a person reads (data files stay in km)."""

    KM = "km"
    MI = "mi"


class WeekStart(enum.StrEnum):
    """The day calendar weeks begin on."""

    MONDAY = "monday"
    SUNDAY = "sunday"


class OnError(enum.StrEnum):
    """What to do with a file that cannot be used (after fitdecode's ``ErrorHandling``).

    ``SKIP`` sets it aside with its reason and goes on; ``WARN`` does the same and also logs
    a warning through :mod:`logging`; ``RAISE`` stops at the first one with its error.
    """

    SKIP = "skip"
    WARN = "warn"
    RAISE = "raise"


class Budget(enum.StrEnum):
    """What a week can still add within the rule: the members of ``remaining``."""

    KM = "km"
    RUNS = "runs"


class NextWeekPart(enum.StrEnum):
    """Next week's budget: the members of ``next_week`` (see ``docs/metrics.md``)."""

    MAX_KM = "max_km"
    MAX_RUNS = "max_runs"
    LONGEST_RUN_KM = "longest_run_km"
    BASIS = "basis"


class BudgetRule(enum.StrEnum):
    """A rule of next week's budget (``weeks[-1].next_week.basis``; see ``docs/metrics.md``).

    In ``basis`` each is written after the figure it set: ``max_km:ten_percent``.
    """

    TEN_PERCENT = "ten_percent"
    EASIER_WEEK = "easier_week"
    LONGEST_RUN = "longest_run"
    #: The longest run was a spike: single runs grow from what it was measured against.
    SPIKE_REFERENCE = "spike_reference"
    #: Next week's runs times its longest run, when less than the distance rules allow.
    RUNS_TIMES_LONGEST = "runs_times_longest"
    ACWR = "acwr"
    #: The body log's pain: 4-5 holds next week's distance, above 5 cuts it back.
    PAIN_HOLD = "pain_hold"
    PAIN_SHRINK = "pain_shrink"
    WEEK_IN_PROGRESS = "week_in_progress"


#: Each budget rule in words for runners; ``{pct}`` stands for the week-on-week threshold.
BUDGET_WORDS: dict[str, str] = {
    BudgetRule.TEN_PERCENT: "this week +{pct}",
    BudgetRule.EASIER_WEEK: "the level of the weeks before your easier week +{pct}",
    BudgetRule.LONGEST_RUN: "the longest run of the last 30 days +10%",
    BudgetRule.SPIKE_REFERENCE: "what your spike run was measured against +10%",
    BudgetRule.RUNS_TIMES_LONGEST: "the runs allowed × the longest run allowed",
    BudgetRule.ACWR: "1.3 × the mean of the last 3 weeks, from the disputed ACWR",
    BudgetRule.PAIN_HOLD: "this week's, held for the pain you logged",
    BudgetRule.PAIN_SHRINK: "cut back from this week's for the pain you logged",
    BudgetRule.WEEK_IN_PROGRESS: "set when this week is over",
}


class SpikeBasis(enum.StrEnum):
    """What a run's spike was measured against (``activities[].spike_basis``)."""

    #: The longest run of the 30 days before it.
    DAYS_30 = "30_days"
    #: The longest run since the records began, less than 30 days before it.
    SHORT_HISTORY = "short_history"
    #: The longest run of the 30 days before a break, less 10% a week of the break.
    AFTER_BREAK = "after_break"


class Origin(enum.StrEnum):
    """Where a threshold came from (see ``docs/metrics.md``, "Thresholds")."""

    CONFIG = "config"
    HISTORY = "history"
    DEFAULT = "default"
    GUESS = "guess"
    UNKNOWN = "unknown"


#: Origins that say the number is not the runner's own: the legend says how to set it.
NOT_MEASURED = frozenset({Origin.DEFAULT, Origin.GUESS})
#: How to replace them, said wherever a guess or a default is shown.
SET_THRESHOLDS_HINT = (
    "set rest_hr, max_hr, threshold_hr or threshold_pace under [athlete] in loadwatch.toml"
)


class MeasureSource(enum.StrEnum):
    """Where a run's intensity or load came from (``intensity_source``, ``load_source``)."""

    HEART_RATE = "heart_rate"
    PACE_CALIBRATED = "pace_calibrated"
    PACE = "pace"
    #: Session RPE × minutes (load only), on the heart-rate scale by the runner's own runs.
    SRPE_CALIBRATED = "srpe_calibrated"
    #: Session RPE × minutes on its own scale (too few runs with both to calibrate it).
    SRPE = "srpe"
    NONE = "none"


# --- the body log (issue 12) ------------------------------------------------------------------


class EntryKind(enum.StrEnum):
    """What a line of the body log records (see ``docs/body-log.md``)."""

    PAIN = "pain"
    STRENGTH = "strength"
    RPE = "rpe"
    CHECK_IN = "check-in"
    #: A tombstone: the entry it names is removed.
    REMOVED = "removed"


class PainRegion(enum.StrEnum):
    """Where a pain is, from a fixed list so that weeks can be compared."""

    LOWER_BACK = "lower-back"
    UPPER_BACK = "upper-back"
    HIP = "hip"
    GLUTE = "glute"
    HAMSTRING = "hamstring"
    THIGH = "thigh"
    KNEE = "knee"
    SHIN = "shin"
    CALF = "calf"
    ACHILLES = "achilles"
    ANKLE = "ankle"
    FOOT = "foot"
    OTHER = "other"


#: Month and weekday names as people read them in dates, whatever the machine's locale.
MONTH_NAMES: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_words(day: date, *, weekday: bool = False) -> str:
    """A date as loadwatch writes it: ``15 Sep 2026``, or ``Tue 15 Sep 2026`` with ``weekday``."""
    said = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    return f"{WEEKDAY_NAMES[day.weekday()]} {said}" if weekday else said


def region_words(region: object) -> str:
    """A body region as people read it: ``lower back`` for ``lower-back``."""
    return str(region).replace("-", " ")


class PainTiming(enum.StrEnum):
    """When a pain was felt, as the pain-monitoring model asks (Silbernagel et al. 2007)."""

    DURING = "during"
    AFTER = "after"
    NEXT_MORNING = "next-morning"
    REST = "rest"


class RedFlag(enum.StrEnum):
    """A sign in the body log that calls for a physiotherapist or doctor (``red_flags``)."""

    PAIN_8_WEEKS = "pain_8_weeks"
    PAIN_SPREADING = "pain_spreading"
    SEVERE_PAIN = "severe_pain"


#: Each red flag in a few words, for the table, the page and ``--notify``.
RED_FLAG_WORDS: dict[str, str] = {
    RedFlag.PAIN_8_WEEKS: "pain logged in each of 8 weeks in a row",
    RedFlag.PAIN_SPREADING: "pain in the calf, shin, ankle or foot during a back or hip pain spell",
    RedFlag.SEVERE_PAIN: "a pain of 7 or more out of 10",
}


class PainVerdict(enum.StrEnum):
    """What the pain-monitoring model says of next week's load (Silbernagel et al. 2007)."""

    OK = "ok"
    HOLD = "hold"
    SHRINK = "shrink"
