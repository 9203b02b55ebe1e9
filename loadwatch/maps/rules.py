"""Which surface an OpenStreetMap way is: the rules table, first match wins.

The table below is the one place the rules live; ``docs/surfaces-from-maps.md`` shows the same
table, rendered by :func:`rules_markdown` (a test keeps the two in sync). Only ways tagged
``highway=*`` or ``leisure=track`` are considered. A condition ``key=a|b`` holds when the tag's
value, or any of its ``;``-separated parts, is one of the values (``concrete:*`` matches any
value starting ``concrete:``); ``key=∅`` holds when the way has no such tag. The pseudo-tag
``@built_up=yes`` holds where the way lies inside a built-up area (``landuse=residential``,
``commercial``, ``retail`` or ``industrial``), which the index decides segment by segment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import NamedTuple

#: The classes a way can have; ``unknown`` is what a point gets when no way is near.
CLASSES: tuple[str, ...] = ("road", "trail", "track", "unknown")
#: Index of each class in :data:`CLASSES`, used as its code in the index arrays.
CLASS_CODE: dict[str, int] = {name: code for code, name in enumerate(CLASSES)}
UNKNOWN_CODE = CLASS_CODE["unknown"]

#: ``landuse=*`` values whose polygons count as built-up areas for rule 5.
BUILT_UP_LANDUSE: frozenset[str] = frozenset({"residential", "commercial", "retail", "industrial"})
#: The pseudo-tag set on segments inside a built-up area.
BUILT_UP_KEY = "@built_up"

Condition = tuple[str, tuple[str, ...] | None]


class Rule(NamedTuple):
    """One row of the table.

    Attributes:
        number: The rule's number in the docs (0 for ways that are not run on).
        when: Conditions that must all hold (see the module docstring).
        surface: The class given, or ``None`` for "not a way to match runs to".
        confident: False where the class is a guess from the way's kind, not its surface.
    """

    number: int
    when: tuple[Condition, ...]
    surface: str | None
    confident: bool


def _is(key: str, *values: str) -> Condition:
    return (key, values)


def _absent(key: str) -> Condition:
    return (key, None)


_HARD = (
    "asphalt",
    "concrete",
    "concrete:*",
    "chipseal",
    "paved",
    "paving_stones",
    "sett",
    "cobblestone",
    "bricks",
    "metal",
    "wood",
)
_SOFT = (
    "compacted",
    "fine_gravel",
    "gravel",
    "pebblestone",
    "rock",
    "ground",
    "dirt",
    "earth",
    "mud",
    "grass",
    "sand",
    "woodchips",
    "unpaved",
)
_ROADS = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "pedestrian",
    "road",
    "steps",
)
#: ``highway=*`` values that are not (yet, or any more) a way on the ground, or not one to run on.
_NOT_WAYS = (
    "proposed",
    "construction",
    "planned",
    "abandoned",
    "disused",
    "razed",
    "no",
    "platform",
    "bus_stop",
    "elevator",
    "corridor",
    "raceway",
    "rest_area",
    "services",
)

_FOOTWAYS = _is("highway", "footway", "cycleway")

#: The rules, in the order they are tried.
RULES: tuple[Rule, ...] = (
    Rule(0, (_is("highway", *_NOT_WAYS),), None, True),
    Rule(1, (_is("leisure", "track"), _is("sport", "running", "athletics")), "track", True),
    Rule(1, (_is("leisure", "track"), _absent("sport")), "track", True),
    Rule(1, (_is("surface", "tartan", "rubber"),), "track", True),
    Rule(2, (_is("surface", *_HARD),), "road", True),
    Rule(2, (_is("surface", *_SOFT),), "trail", True),
    Rule(3, (_is("highway", "track"), _is("tracktype", "grade1")), "road", True),
    Rule(3, (_is("highway", "track"),), "trail", True),
    Rule(4, (_is("highway", *_ROADS),), "road", True),
    Rule(5, (_FOOTWAYS, _is("footway", "sidewalk", "crossing")), "road", True),
    Rule(5, (_FOOTWAYS, _is(BUILT_UP_KEY, "yes")), "road", False),
    Rule(5, (_is("highway", "path", "bridleway", "footway", "cycleway"),), "trail", False),
)  # fmt: skip

#: The tag keys the rules read: the reader keeps only these.
RULE_KEYS: frozenset[str] = frozenset(
    key for rule in RULES for key, _ in rule.when if not key.startswith("@")
)


class WayClass(NamedTuple):
    """The verdict on one way: its class, whether that is sure, and the rule that decided."""

    surface: str
    confident: bool
    rule: int


def classify_way(tags: Mapping[str, str], *, built_up: bool = False) -> WayClass | None:
    """Classify a way from its tags by the first matching rule of :data:`RULES`.

    Args:
        tags: The way's tags (other keys are ignored).
        built_up: Whether the way (or the segment being classified) lies in a built-up area.

    Returns:
        The class, or ``None`` when the way is not one to match runs to (no ``highway=*`` or
        ``leisure=track``, a rule-0 kind, or no rule matches).
    """
    values = {key: str(tags[key]).strip().lower() for key in RULE_KEYS if key in tags}
    if "highway" not in values and values.get("leisure") != "track":
        return None
    if built_up:
        values[BUILT_UP_KEY] = "yes"
    for rule in RULES:
        if all(_holds(values.get(key), allowed) for key, allowed in rule.when):
            if rule.surface is None:
                return None
            return WayClass(rule.surface, rule.confident, rule.number)
    return None


def _holds(value: str | None, allowed: tuple[str, ...] | None) -> bool:
    if allowed is None:
        return value is None
    if value is None:
        return False
    for part in value.split(";"):
        word = part.strip()
        if word in allowed:
            return True
        if any(p.endswith(":*") and word.startswith(p[:-1]) for p in allowed):
            return True
    return False


def rules_markdown() -> str:
    """The rules table as Markdown, exactly as ``docs/surfaces-from-maps.md`` shows it."""
    lines = [
        "| rule | when (all must hold) | class | confidence |",
        "|---|---|---|---|",
    ]
    for rule in RULES:
        conditions = " and ".join(_condition_text(key, allowed) for key, allowed in rule.when)
        surface = "*not matched to*" if rule.surface is None else f"**{rule.surface}**"
        confidence = "" if rule.surface is None else ("high" if rule.confident else "low")
        lines.append(f"| {rule.number} | {conditions} | {surface} | {confidence} |")
    return "\n".join(lines) + "\n"


_ESCAPED_PIPE = "\\|"


def _condition_text(key: str, allowed: tuple[str, ...] | None) -> str:
    if allowed is None:
        return f"`{key}=∅`"
    # A pipe inside a table cell must be escaped, even in a code span.
    return f"`{key}={_ESCAPED_PIPE.join(allowed)}`"


def rules_version() -> str:
    """A short fingerprint of the rules; a cached index built under other rules is rebuilt."""
    return hashlib.sha256(rules_markdown().encode()).hexdigest()[:12]
