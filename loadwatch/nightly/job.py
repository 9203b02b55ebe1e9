"""The nightly job: the ``loadwatch analyze`` command it runs, when, where it logs, and how the
crontab and systemd spell it.

The job is the same ``loadwatch analyze`` a user runs by hand, with absolute paths and the same
Python environment, its output appended to a rotated log in the user state folder. Installing,
listing and removing it is :mod:`loadwatch.nightly.cron`'s and :mod:`loadwatch.nightly.systemd`'s.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from loadwatch.errors import LoadwatchError
from loadwatch.labels import shown
from loadwatch.settings.declared import SETTINGS
from loadwatch.settings.dirs import user_state_dir

#: Ends every crontab line loadwatch installs, followed by the job's id.
CRON_MARKER = "# loadwatch-job:"
#: Files still syncing are left for the next night (seconds); see ``--settle``.
NIGHTLY_SETTLE_S = 120
#: Options of ``analyze`` whose value is a path, made absolute in the installed command: the
#: config file and the cache, and every setting whose option takes a file.
_PATH_OPTIONS = (
    "--config",
    "--cache",
    *(s.option.name for s in SETTINGS if s.option is not None and s.option.type is Path),
)
_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: Control characters (C0, DEL, C1): a new line in a crontab or a unit file starts a new entry.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ScheduleError(LoadwatchError):
    """The job cannot be installed, listed or removed (no crontab, systemctl failed...)."""


class UnsafeArgumentError(ScheduleError):
    """An argument of the job holds a control character, so it cannot be scheduled safely."""


def refuse_control_characters(what: str, value: str | Path) -> None:
    """Refuse a scheduled argument with a control character in it.

    A new line (or carriage return) in a crontab line or a unit file would start a new entry,
    a second command run every night; no folder, file or command needs one.

    Args:
        what: The argument, for the message (``"the folder"``, ``"--notify"``...).
        value: Its value.

    Raises:
        UnsafeArgumentError: When ``value`` holds a control character.
    """
    found = _CONTROL.search(str(value))
    if found is not None:
        raise UnsafeArgumentError(
            f"{what} holds a control character ({found.group()!r}); a nightly job cannot "
            "hold one safely (a new line would start a second command), so rename it or "
            "leave it out"
        )


@dataclasses.dataclass(frozen=True)
class Job:
    """One nightly job.

    Attributes:
        id: Short, stable name: the same folder and output folder always give the same id, so
            installing again replaces the job instead of adding a second one.
        hour: Hour of the day (0-23), local time of the machine.
        minute: Minute of the hour.
        argv: The command, absolute paths throughout.
        log: The log file the command appends to.
    """

    id: str
    hour: int
    minute: int
    argv: tuple[str, ...]
    log: Path

    def command(self) -> str:
        """The command as a POSIX shell line."""
        return shlex.join(self.argv)

    def cron_line(self) -> str:
        """The crontab line: ``MM HH * * * command  # loadwatch-job:ID``.

        ``%`` means "new line" to cron, so it is escaped in the command (see :func:`cron_escape`).

        Raises:
            UnsafeArgumentError: An argument holds a control character.
        """
        for arg in self.argv:
            refuse_control_characters("the command", arg)
        command = cron_escape(self.command())
        return f"{self.minute} {self.hour} * * * {command} {CRON_MARKER}{self.id}"

    def systemd_units(self) -> dict[str, str]:
        """The user service and timer files, by file name.

        Raises:
            UnsafeArgumentError: An argument holds a control character.
        """
        for arg in self.argv:
            refuse_control_characters("the command", arg)
        name = f"loadwatch-{self.id}"
        service = (
            "[Unit]\n"
            "Description=loadwatch: nightly analysis of a synced watch folder\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={systemd_quote(self.argv)}\n"
        )
        timer = (
            "[Unit]\n"
            f"Description=Run {name} every night\n\n"
            "[Timer]\n"
            f"OnCalendar=*-*-* {self.hour:02d}:{self.minute:02d}:00\n"
            "Persistent=true\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )
        return {f"{name}.service": service, f"{name}.timer": timer}


def refuse_unsafe_arguments(path: str | Path, out: str | Path, analyze_args: Sequence[str]) -> None:
    """Refuse a job whose folder, output folder or options hold a control character.

    Raises:
        UnsafeArgumentError: Naming the first such argument (see
            :func:`refuse_control_characters`).
    """
    refuse_control_characters("the folder", path)
    refuse_control_characters("--out", out)
    option = "an option"
    for arg in analyze_args:
        if arg.startswith("-"):
            option = shown(arg.partition("=")[0])
            refuse_control_characters(option, arg)
        else:
            refuse_control_characters(f"the value of {option}", arg)


def parse_at(text: str) -> tuple[int, int]:
    """``"02:30"`` -> ``(2, 30)``.

    Raises:
        ScheduleError: When the text is not a time of day.
    """
    match = _AT.match(text.strip())
    if match is None:
        raise ScheduleError(f"--at must be a time of day as HH:MM, such as 02:30, not {text!r}")
    return int(match.group(1)), int(match.group(2))


def build_job(path: str | Path, out: str | Path, at: str, analyze_args: list[str]) -> Job:
    """The nightly job for ``path``: ``python -m loadwatch analyze PATH --out OUT ...``.

    Args:
        path: The watched folder.
        out: Where the charts, ``latest.json`` and ``index.html`` go.
        at: Time of day, ``HH:MM``.
        analyze_args: Further ``loadwatch analyze`` options, as typed (checked by the caller).

    Raises:
        ScheduleError: A bad time, or a folder that does not exist or cannot be read.
        UnsafeArgumentError: An argument holds a control character (a new line, say).
    """
    refuse_unsafe_arguments(path, out, analyze_args)
    hour, minute = parse_at(at)
    root = Path(path).expanduser().resolve()
    if not root.exists():
        raise ScheduleError("no such file or folder", path=root)
    if not os.access(root, os.R_OK):  # the nightly run would fail on it every night
        raise ScheduleError("cannot be read; check its permissions", path=root)
    target = Path(out).expanduser().resolve()
    job_id = hashlib.sha256(f"{root}\0{target}".encode()).hexdigest()[:10]
    log = user_state_dir() / f"nightly-{job_id}.log"
    args = _absolute_paths(analyze_args)
    if not any(arg == "--settle" or arg.startswith("--settle=") for arg in args):
        args += ["--settle", str(NIGHTLY_SETTLE_S)]
    argv = (
        sys.executable,
        "-m",
        "loadwatch",
        "analyze",
        str(root),
        "--out",
        str(target),
        *args,
        "--quiet",
        "--log",
        str(log),
    )
    for arg in argv:  # the log folder and this Python too
        refuse_control_characters("the command", arg)
    return Job(job_id, hour, minute, argv, log)


def _absolute_paths(args: list[str]) -> list[str]:
    result: list[str] = []
    expect_path = False
    for arg in args:
        if expect_path:
            result.append(str(Path(arg).expanduser().resolve()))
            expect_path = False
            continue
        option, equals, value = arg.partition("=")
        if option in _PATH_OPTIONS and equals:
            result.append(f"{option}={Path(value).expanduser().resolve()}")
        else:
            result.append(arg)
            expect_path = arg in _PATH_OPTIONS
    return result


def analyses(words: list[str], path: Path) -> bool:
    """Whether a job's command words analyse ``path``."""
    root = str(path.expanduser().resolve())
    return any(words[i] == "analyze" and words[i + 1] == root for i in range(len(words) - 1))


def systemd_quote(argv: tuple[str, ...]) -> str:
    """Quote a command line for ExecStart: double quotes, and ``%%`` and ``$$`` for ``%`` and
    ``$``, which would otherwise start a specifier or an environment variable there."""
    parts = []
    for arg in argv:
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
        escaped = escaped.replace("%", "%%").replace("$", "$$")
        parts.append(f'"{escaped}"' if re.search(r'[\s"\'\\;]', arg) or not arg else escaped)
    return " ".join(parts)


def cron_escape(command: str) -> str:
    """A shell command as a crontab line's command field.

    Cron turns an unescaped ``%`` into a new line (the rest goes to the command's stdin) and
    ``\\%`` into ``%``; a backslash before anything else stays. So every ``%`` is written
    ``\\%``; and where the command itself has a backslash right before a ``%`` (only inside
    :func:`shlex.quote`'s single quotes), the quotes are closed and opened again between them
    (``\\''%``), for the shell joins the two parts back into ``\\%``.
    """
    return command.replace("\\%", "\\''%").replace("%", "\\%")


def cron_unescape(command: str) -> str:
    """What cron hands the shell for a crontab command field: its text up to the first
    unescaped ``%`` (the rest is stdin), with each ``\\%`` turned into ``%``.

    The rule of Debian's cron (``do_command.c``), so that listing and removing read a line as
    cron runs it.
    """
    result: list[str] = []
    escaped = False
    for char in command:
        if escaped:
            if char == "%":
                result[-1] = "%"
            else:
                result.append(char)
            escaped = False
        elif char == "%":
            break
        else:
            result.append(char)
            escaped = char == "\\"
    return "".join(result)
