"""``loadwatch schedule``: install, list and remove the nightly ``loadwatch analyze`` job.

The job is the same ``loadwatch analyze`` a user runs by hand, with absolute paths and the same
Python environment, its output appended to a rotated log in the user state folder. It goes into
the user's crontab (through the ``crontab`` command) or, with ``--systemd``, a user timer and
service. Every entry loadwatch writes carries a marker naming it, so that listing and removing
touch only loadwatch's own entries, never the user's others.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from loadwatch.errors import LoadwatchError
from loadwatch.settings.dirs import user_state_dir

#: Ends every crontab line loadwatch installs, followed by the job's id.
CRON_MARKER = "# loadwatch-job:"
#: Files still syncing are left for the next night (seconds); see ``--settle``.
NIGHTLY_SETTLE_S = 120
#: Options of ``analyze`` whose value is a path, made absolute in the installed command.
_PATH_OPTIONS = ("--config", "--cache", "--osm")
_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(LoadwatchError):
    """The job cannot be installed, listed or removed (no crontab, systemctl failed...)."""


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

        ``%`` means "new line" to cron, so it is escaped in the command.
        """
        command = self.command().replace("%", "\\%")
        return f"{self.minute} {self.hour} * * * {command} {CRON_MARKER}{self.id}"

    def systemd_units(self) -> dict[str, str]:
        """The user service and timer files, by file name."""
        name = f"loadwatch-{self.id}"
        service = (
            "[Unit]\n"
            "Description=loadwatch: nightly analysis of a synced watch folder\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={_systemd_quote(self.argv)}\n"
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


def parse_at(text: str) -> tuple[int, int]:
    """``"02:30"`` -> ``(2, 30)``.

    Raises:
        ScheduleError: When the text is not a time of day.
    """
    match = _AT.match(text.strip())
    if match is None:
        raise ScheduleError(f"--at must be a time of day as HH:MM, such as 02:30, not {text!r}")
    return int(match.group(1)), int(match.group(2))


def state_dir() -> Path:
    """Where the nightly logs go: the platform's user state (or log) folder."""
    return user_state_dir()


def build_job(path: str | Path, out: str | Path, at: str, analyze_args: list[str]) -> Job:
    """The nightly job for ``path``: ``python -m loadwatch analyze PATH --out OUT ...``.

    Args:
        path: The watched folder.
        out: Where the charts, ``latest.json`` and ``index.html`` go.
        at: Time of day, ``HH:MM``.
        analyze_args: Further ``loadwatch analyze`` options, as typed (checked by the caller).

    Raises:
        ScheduleError: A bad time, or a folder that does not exist or cannot be read.
    """
    hour, minute = parse_at(at)
    root = Path(path).expanduser().resolve()
    if not root.exists():
        raise ScheduleError("no such file or folder", path=root)
    if not os.access(root, os.R_OK):  # the nightly run would fail on it every night
        raise ScheduleError("cannot be read; check its permissions", path=root)
    target = Path(out).expanduser().resolve()
    job_id = hashlib.sha256(f"{root}\0{target}".encode()).hexdigest()[:10]
    log = state_dir() / f"nightly-{job_id}.log"
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


# -- crontab -------------------------------------------------------------------------------


def _crontab_command() -> str:
    found = shutil.which("crontab")
    if found is None:
        raise ScheduleError(
            "the crontab command is not available on this computer; install cron "
            "(on Debian or Ubuntu: sudo apt install cron) or use --systemd"
        )
    return found


def read_crontab() -> list[str]:
    """The user's crontab lines (empty when they have none yet)."""
    result = subprocess.run([_crontab_command(), "-l"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        if "no crontab" in result.stderr.lower():
            return []
        raise ScheduleError(f"crontab -l failed: {result.stderr.strip()}")
    return result.stdout.splitlines()


def _write_crontab(lines: list[str]) -> None:
    text = "\n".join(lines).strip("\n")
    text = text + "\n" if text else ""
    result = subprocess.run(
        [_crontab_command(), "-"], input=text, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ScheduleError(f"crontab could not be written: {result.stderr.strip()}")


def cron_jobs(lines: list[str] | None = None) -> list[str]:
    """loadwatch's own lines in the crontab."""
    return [line for line in (read_crontab() if lines is None else lines) if CRON_MARKER in line]


def install_cron(job: Job) -> None:
    """Add the job to the crontab, replacing an earlier one with the same id."""
    lines = read_crontab()
    kept = [line for line in lines if not line.endswith(f"{CRON_MARKER}{job.id}")]
    _write_crontab([*kept, job.cron_line()])


def remove_cron(path: Path | None) -> list[str]:
    """Remove loadwatch's lines (all of them, or those analysing ``path``); return them."""
    lines = read_crontab()
    gone = [line for line in cron_jobs(lines) if job_is_for(line, path)]
    if gone:
        _write_crontab([line for line in lines if line not in gone])
    return gone


def installed_cron_jobs(path: Path | None = None) -> list[str]:
    """loadwatch's crontab lines analysing ``path`` (all of them when None); none where there
    is no crontab command, so that listing works without one."""
    lines = cron_jobs() if shutil.which("crontab") else []
    return [line for line in lines if job_is_for(line, path)]


def job_is_for(command_line: str, path: Path | None) -> bool:
    """Whether an installed crontab line's command analyses ``path`` (any job when ``path`` is
    None). Its ``\\%`` is cron's escape of ``%`` (see :meth:`Job.cron_line`)."""
    if path is None:
        return True
    try:
        words = shlex.split(command_line.split(CRON_MARKER)[0].replace("\\%", "%"))
    except ValueError:
        return False
    return _analyses(words, path)


def _analyses(words: list[str], path: Path) -> bool:
    """Whether a job's command words analyse ``path``."""
    root = str(path.expanduser().resolve())
    return any(words[i] == "analyze" and words[i + 1] == root for i in range(len(words) - 1))


# -- systemd -------------------------------------------------------------------------------


def systemd_dir() -> Path:
    """The user's systemd unit folder."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "systemd" / "user"


def _systemctl(*args: str) -> None:
    command = shutil.which("systemctl")
    if command is None:
        raise ScheduleError(
            "systemctl is not available on this computer; leave out --systemd to use cron"
        )
    result = subprocess.run([command, "--user", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ScheduleError(f"systemctl --user {' '.join(args)} failed: {result.stderr.strip()}")


def install_systemd(job: Job) -> list[Path]:
    """Write the user service and timer, reload systemd and enable the timer."""
    from loadwatch.atomic import write_atomically

    folder = systemd_dir()
    written = []
    for name, text in job.systemd_units().items():
        write_atomically(folder / name, text.encode())
        written.append(folder / name)
    _systemctl("daemon-reload")
    _systemctl("enable", "--now", f"loadwatch-{job.id}.timer")
    return written


def systemd_jobs() -> list[Path]:
    """loadwatch's timer files in the user's systemd folder."""
    folder = systemd_dir()
    return sorted(folder.glob("loadwatch-*.timer")) if folder.is_dir() else []


def systemd_units_for(path: Path | None) -> list[tuple[Path, Path | None]]:
    """loadwatch's timers analysing ``path`` (all of them when None), each with its service
    file (None when that is gone)."""
    found: list[tuple[Path, Path | None]] = []
    for timer in systemd_jobs():
        service = timer.with_suffix(".service")
        try:
            text = service.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        exec_line = next((ln for ln in text.splitlines() if ln.startswith("ExecStart=")), "")
        if exec_start_is_for(exec_line.removeprefix("ExecStart="), path):
            found.append((timer, service if service.exists() else None))
    return found


def exec_start_is_for(exec_start: str, path: Path | None) -> bool:
    """Whether a service's ``ExecStart`` analyses ``path`` (any job when ``path`` is None).

    Undoes :func:`_systemd_quote`: its double quotes and backslashes, ``%%`` for ``%`` and
    ``$$`` for ``$``.
    """
    if path is None:
        return True
    try:
        words = shlex.split(exec_start)
    except ValueError:
        return False
    return _analyses([word.replace("%%", "%").replace("$$", "$") for word in words], path)


def remove_systemd(path: Path | None) -> list[Path]:
    """Disable and delete loadwatch's timers (all, or those analysing ``path``).

    Raises:
        ScheduleError: Before anything changes, when systemctl is missing or the unit folder
            cannot be changed; or when disabling a timer fails, after reloading systemd for the
            units already deleted.
    """
    return _remove_units(_removable_units(path))


def _removable_units(path: Path | None) -> list[tuple[Path, Path | None]]:
    """The timers :func:`remove_systemd` would remove, once it is clear it can."""
    units = systemd_units_for(path)
    if not units:
        return units
    names = ", ".join(timer.name for timer, _ in units)
    if shutil.which("systemctl") is None:
        raise ScheduleError(
            f"systemctl is not available on this computer, so the systemd timers ({names}) "
            "cannot be disabled; nothing was removed. Remove them where systemd runs"
        )
    folder = systemd_dir()
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ScheduleError(
            f"its timers ({names}) cannot be deleted; check its permissions. Nothing was removed",
            path=folder,
        )
    return units


def _remove_units(units: list[tuple[Path, Path | None]]) -> list[Path]:
    removed: list[Path] = []
    try:
        for timer, service in units:
            _systemctl("disable", "--now", timer.name)
            for unit in (timer, service):
                if unit is not None:
                    try:
                        unit.unlink(missing_ok=True)
                    except OSError as error:
                        raise ScheduleError(
                            f"cannot be deleted: {error.strerror}", path=unit
                        ) from error
                    removed.append(unit)
    except ScheduleError as error:
        if not removed:
            raise
        # Deleted units stay loaded until systemd reloads: reload, then say what went.
        gone = ", ".join(str(unit) for unit in removed)
        try:
            _systemctl("daemon-reload")
        except ScheduleError as reload_error:
            raise ScheduleError(
                f"{error}; removed before it: {gone}, but {reload_error}"
            ) from error
        raise ScheduleError(f"{error}; removed before it: {gone}") from error
    if removed:
        _systemctl("daemon-reload")
    return removed


def jobs_to_remove(path: Path | None, *, systemd: bool) -> list[str]:
    """What :func:`remove_jobs` would remove, in the words it reports them; nothing changes.

    Args:
        path: Only the jobs analysing this folder; all of loadwatch's jobs when None.
        systemd: Only the systemd units; without it, the crontab lines and the systemd units.
    """
    found = [] if systemd else installed_cron_jobs(path)
    for timer, service in systemd_units_for(path):
        found += [str(unit) for unit in (timer, service) if unit is not None]
    return found


def remove_jobs(path: Path | None, *, systemd: bool) -> list[str]:
    """Remove loadwatch's jobs analysing ``path`` (all of them when None): its systemd units,
    and without ``systemd`` its crontab lines too (none where there is no crontab command).

    Everything that can be checked is checked before anything changes (the crontab can be read,
    systemctl is there when there are timers to disable). The timers go first, since disabling
    one can still fail (no user session, say): the crontab is then left as it was.

    Returns:
        What was removed: crontab lines, then unit files.

    Raises:
        ScheduleError: The crontab cannot be read or rewritten, or a timer cannot be disabled.
    """
    lines = [] if systemd or not shutil.which("crontab") else read_crontab()
    gone = [line for line in cron_jobs(lines) if job_is_for(line, path)]
    units = _remove_units(_removable_units(path))
    if gone:
        _write_crontab([line for line in lines if line not in gone])
    return gone + [str(unit) for unit in units]


def _systemd_quote(argv: tuple[str, ...]) -> str:
    """Quote a command line for ExecStart: double quotes, and ``%%`` and ``$$`` for ``%`` and
    ``$``, which would otherwise start a specifier or an environment variable there."""
    parts = []
    for arg in argv:
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
        escaped = escaped.replace("%", "%%").replace("$", "$$")
        parts.append(f'"{escaped}"' if re.search(r'[\s"\'\\;]', arg) or not arg else escaped)
    return " ".join(parts)
