"""A first config file from a runner's answers: ``loadwatch init``'s library side.

:class:`Answers` holds what ``loadwatch init`` asks (time zone, heart rates or threshold pace,
week start, shoes); :func:`config_text` turns them into the TOML of a config file, read back
through :func:`~loadwatch.settings.config.parse_config` so that every answer passes the
checks a config file's values pass; :func:`write_config` writes it atomically and never over
an existing file unless asked to.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from datetime import date
from pathlib import Path

from loadwatch.atomic import write_atomically
from loadwatch.errors import ConfigError
from loadwatch.settings.config import parse_config


@dataclasses.dataclass(frozen=True)
class Answers:
    """What a runner told ``loadwatch init`` (``None``: not answered, left to the default).

    Attributes:
        timezone: IANA time zone name weeks are counted in.
        rest_hr: Resting heart rate, bpm.
        max_hr: Maximum heart rate, bpm.
        threshold_pace: Threshold pace per km as ``"4:45"``, for runs without heart rate.
        week_start: ``"monday"`` or ``"sunday"``.
        shoes: The shoes in use: each a name and the first day it was worn (``None``: unknown).
    """

    timezone: str | None = None
    rest_hr: int | None = None
    max_hr: int | None = None
    threshold_pace: str | None = None
    week_start: str | None = None
    shoes: tuple[tuple[str, date | None], ...] = ()


def config_text(answers: Answers) -> str:
    """The TOML of a config file holding ``answers``, each checked as a config file's value.

    Raises:
        ConfigError: An answer that cannot be used, naming its key.
    """
    lines = ["# Written by `loadwatch init`; edit freely (docs: `loadwatch docs metrics`).", ""]
    for key in ("timezone", "week_start"):
        value = getattr(answers, key)
        if value is not None:
            lines.append(f"{key} = {_string(value)}")
    athlete = {
        "rest_hr": answers.rest_hr,
        "max_hr": answers.max_hr,
        "threshold_pace": answers.threshold_pace,
    }
    if any(value is not None for value in athlete.values()):
        lines += ["", "[athlete]"]
        for key, value in athlete.items():
            if isinstance(value, str):
                lines.append(f"{key} = {_string(value)}")
            elif value is not None:
                lines.append(f"{key} = {value}")
    for name, first_day in answers.shoes:
        lines += ["", "[[shoes]]", f"name = {_string(name)}"]
        if first_day is not None:
            lines.append(f"first_day = {first_day.isoformat()}")
    text = "\n".join(lines) + "\n"
    parse_config(tomllib.loads(text), "the answers")
    return text


def _string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's too)."""
    return json.dumps(value, ensure_ascii=False)


def write_config(text: str, path: Path, *, force: bool = False) -> Path:
    """Write a config file atomically: the old file or the new one, never half.

    Args:
        text: The file's TOML.
        path: Where to write it (its folder is made if needed).
        force: Replace a file already there; without it such a file is an error.

    Returns:
        ``path``.

    Raises:
        ConfigError: ``path`` exists and ``force`` is false.
        LoadwatchError: It cannot be written.
    """
    if path.exists() and not force:
        raise ConfigError(
            "already exists; it was kept (use --force to replace it, or edit it)", path=path
        )
    write_atomically(path, text.encode("utf-8"))
    return path
