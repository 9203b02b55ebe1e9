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

from loadwatch.nightly.job import CRON_MARKER, Job, ScheduleError, analyses, cron_unescape

#: What every loadwatch job's command holds: how the first half of a line split by a new line
#: (installed by loadwatch 0.x, before control characters were refused) is recognised.
_JOB_COMMAND = " -m loadwatch analyze "


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
    """loadwatch's own entries in the crontab, each as its text (a new line inside an entry an
    older loadwatch split in two: see :func:`cron_entries`)."""
    table = read_crontab() if lines is None else lines
    return ["\n".join(table[i] for i in entry) for entry in cron_entries(table)]


def cron_entries(lines: list[str]) -> list[range]:
    """Which crontab lines make each of loadwatch's entries: the line with the marker, and
    before it, when it is the second half of a job split by a new line in an argument, the
    lines back to the job's first half. Removing an entry removes all of them, never half."""
    entries: list[range] = []
    start = 0
    for index, line in enumerate(lines):
        if CRON_MARKER not in line:
            continue
        first = index
        if _JOB_COMMAND not in line:
            first = next(
                (i for i in range(index - 1, start - 1, -1) if _JOB_COMMAND in lines[i]), index
            )
        entries.append(range(first, index + 1))
        start = index + 1
    return entries


def without_entries(lines: list[str], entries: list[range]) -> list[str]:
    """The crontab ``lines`` less the lines of ``entries``."""
    gone = {index for entry in entries for index in entry}
    return [line for index, line in enumerate(lines) if index not in gone]


def install_cron(job: Job) -> None:
    """Add the job to the crontab, replacing an earlier one with the same id."""
    lines = read_crontab()
    same = [e for e in cron_entries(lines) if lines[e[-1]].endswith(f"{CRON_MARKER}{job.id}")]
    write_crontab([*without_entries(lines, same), job.cron_line()])


def installed_cron_jobs(path: Path | None = None) -> list[str]:
    """loadwatch's crontab lines analysing ``path`` (all of them when None); none where there
    is no crontab command, so that listing works without one."""
    lines = cron_jobs() if shutil.which("crontab") else []
    return [line for line in lines if job_is_for(line, path)]


def job_is_for(command_line: str, path: Path | None) -> bool:
    """Whether an installed crontab line's command analyses ``path`` (any job when ``path`` is
    None), read as cron hands it to the shell (see :func:`~loadwatch.nightly.job.cron_unescape`)."""
    if path is None:
        return True
    try:
        words = shlex.split(cron_unescape(command_line.split(CRON_MARKER)[0]))
    except ValueError:
        return False
    return analyses(words, path)
