"""``loadwatch schedule``: install, list and remove the nightly ``loadwatch analyze`` job.

The job (:mod:`loadwatch.nightly.job`) goes into the user's crontab
(:mod:`loadwatch.nightly.cron`) or, with ``--systemd``, a user timer and service
(:mod:`loadwatch.nightly.systemd`). Every entry loadwatch writes carries a marker naming it, so
that listing and removing touch only loadwatch's own entries, never the user's others. This
module removes both kinds at once, and names what the CLI uses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from loadwatch.nightly.cron import (
    cron_entries,
    install_cron,
    installed_cron_jobs,
    job_is_for,
    read_crontab,
    without_entries,
    write_crontab,
)
from loadwatch.nightly.job import (
    CRON_MARKER,
    Job,
    ScheduleError,
    UnsafeArgumentError,
    build_job,
    parse_at,
    refuse_unsafe_arguments,
)
from loadwatch.nightly.systemd import (
    install_systemd,
    remove_systemd,
    systemd_dir,
    systemd_jobs,
    systemd_units_for,
)

__all__ = [
    "CRON_MARKER",
    "Job",
    "ScheduleError",
    "UnsafeArgumentError",
    "build_job",
    "install_cron",
    "install_systemd",
    "installed_cron_jobs",
    "jobs_to_remove",
    "parse_at",
    "read_crontab",
    "refuse_unsafe_arguments",
    "remove_jobs",
    "systemd_dir",
    "systemd_jobs",
]


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
    entries = [e for e in cron_entries(lines) if job_is_for(_entry_text(lines, e), path)]
    units = remove_systemd(path)
    if entries:
        write_crontab(without_entries(lines, entries))
    return [_entry_text(lines, entry) for entry in entries] + [str(unit) for unit in units]


def _entry_text(lines: list[str], entry: range) -> str:
    return "\n".join(lines[index] for index in entry)
