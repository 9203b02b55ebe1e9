"""The nightly job as a systemd user timer and service, through ``systemctl --user``.

The units are named ``loadwatch-<id>``, so that listing and removing touch only loadwatch's own.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from loadwatch.atomic import write_atomically
from loadwatch.nightly.job import Job, ScheduleError, analyses


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

    Undoes :func:`loadwatch.nightly.job.systemd_quote`: its double quotes and backslashes,
    ``%%`` for ``%`` and ``$$`` for ``$``.
    """
    if path is None:
        return True
    try:
        words = shlex.split(exec_start)
    except ValueError:
        return False
    return analyses([word.replace("%%", "%").replace("$$", "$") for word in words], path)


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
