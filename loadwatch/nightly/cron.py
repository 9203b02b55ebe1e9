"""The nightly job in the user's crontab, through the ``crontab`` command.

Every line loadwatch writes ends with :data:`~loadwatch.nightly.job.CRON_MARKER` and the job's
id, so that listing and removing touch only loadwatch's own lines: the user's others are written
back exactly as ``crontab -l`` gave them. That is why this is not python-crontab (well kept as
it is): it parses every line and writes the table back from what it parsed, commenting out
(``# DISABLED LINE``) any line it cannot parse, one of the user's own jobs included.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

from loadwatch.nightly.job import CRON_MARKER, Job, ScheduleError, analyses


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


def write_crontab(lines: list[str]) -> None:
    """Replace the user's crontab with ``lines``."""
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
    write_crontab([*kept, job.cron_line()])


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
    return analyses(words, path)
