"""`loadwatch schedule`: the nightly job in a real crontab, its dry run, list and removal."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.nightly.schedule import CRON_MARKER, build_job, parse_at, read_crontab

OTHER_ENTRY = "17 4 * * 1 /usr/bin/true # the user's own job, not ours"


@pytest.fixture
def watch(tmp_path: Path) -> Path:
    """A small synced folder, synced long enough ago to be settled."""
    folder = tmp_path / "watch folder"  # a space, to check the quoting
    folder.mkdir()
    start = datetime(2026, 6, 1, 7, tzinfo=UTC)
    for day in range(0, 14, 2):
        (folder / f"run{day}.gpx").write_text(gpx(start + timedelta(days=day), minutes=30))
    past = datetime.now().timestamp() - 3600
    for path in folder.iterdir():
        os.utime(path, (past, past))
    return folder


@pytest.fixture
def crontab() -> Iterator[None]:
    """The real crontab command, with the user's crontab saved and put back afterwards."""
    if shutil.which("crontab") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide the crontab command (Debian package cron)")
        pytest.skip("no crontab command on this machine")
    saved = read_crontab()
    subprocess.run(["crontab", "-"], input=f"{OTHER_ENTRY}\n", text=True, check=True)
    try:
        yield
    finally:
        text = "\n".join(saved) + "\n" if saved else ""
        if text:
            subprocess.run(["crontab", "-"], input=text, text=True, check=True)
        else:
            subprocess.run(["crontab", "-r"], capture_output=True, check=False)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_prints_the_cron_line(watch: Path, tmp_path: Path) -> None:
    """--dry-run prints the exact line, `30 2 * * *` for 02:30, with absolute paths; no change."""
    out = tmp_path / "report"
    code, stdout, err = invoke(
        "schedule", str(watch), "--at", "02:30", "--out", str(out), "--timezone", "UTC", "--dry-run"
    )
    assert code == 0, err
    line = stdout.strip()
    assert line.startswith("30 2 * * * ")
    words = shlex.split(line.split(CRON_MARKER)[0][len("30 2 * * * ") :])
    assert words[:5] == [sys.executable, "-m", "loadwatch", "analyze", str(watch)]
    assert words[words.index("--out") + 1] == str(out)
    assert words[words.index("--settle") + 1] == "120"
    assert words[words.index("--timezone") + 1] == "UTC"
    assert "--log" in words and "--quiet" in words


@pytest.mark.parametrize(("text", "expected"), [("02:30", (2, 30)), ("7:05", (7, 5))])
def test_at(text: str, expected: tuple[int, int]) -> None:
    """Times of day are HH:MM."""
    assert parse_at(text) == expected


def test_bad_arguments_are_refused_before_installing(watch: Path, tmp_path: Path) -> None:
    """A bad time, an unknown analyze option or a missing --out never reach the crontab."""
    out = str(tmp_path / "o")
    code, _, err = invoke("schedule", str(watch), "--at", "25:00", "--out", out, "--dry-run")
    assert code == 2 and "Usage:" in err and "'--at'" in err  # a usage error, as the README says
    code, _, err = invoke("schedule", str(watch), "--out", out, "--frobnicate", "--dry-run")
    assert code == 2 and "--frobnicate" in err
    code, _, err = invoke("schedule", str(watch), "--dry-run")
    assert code == 2 and "--out" in err
    code, _, err = invoke("schedule", str(watch), "--out", out, "--log", "x", "--dry-run")
    assert code == 2 and "set by `loadwatch schedule`" in err


def test_relative_config_paths_become_absolute(watch: Path, tmp_path: Path) -> None:
    """A --config given relative to the current folder still works from cron."""
    config = tmp_path / "mine.toml"
    config.write_text("timezone = 'UTC'\n")
    job = build_job(watch, tmp_path / "out", "03:00", ["--config", os.path.relpath(config)])
    assert job.argv[job.argv.index("--config") + 1] == str(config)


def test_round_trip_with_the_real_crontab(crontab: None, watch: Path, tmp_path: Path) -> None:
    """Install, list, run the installed command once, remove: other entries stay as they were."""
    out = tmp_path / "report"
    cache = tmp_path / "cache.sqlite3"
    args = ["schedule", str(watch), "--at", "02:30", "--out", str(out), "--cache", str(cache)]
    for _ in range(2):  # installing twice replaces, never duplicates
        code, _, err = invoke(*args, "--timezone", "UTC")
        assert code == 0, err
    lines = read_crontab()
    ours = [line for line in lines if CRON_MARKER in line]
    assert len(ours) == 1 and ours[0].startswith("30 2 * * * ")
    assert OTHER_ENTRY in lines

    code, listed, _ = invoke("schedule", "--list")
    assert code == 0 and ours[0] in listed

    # Run the exact command cron would run, as cron would: through /bin/sh.
    command = ours[0][len("30 2 * * * ") :].split(CRON_MARKER)[0].replace("\\%", "%")
    finished = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    report = json.loads((out / "latest.json").read_text())
    assert len(report["activities"]) == 7
    assert (out / "index.html").exists() and (out / "weekly-risk.png").exists()
    log = Path(shlex.split(command)[-1])
    assert "See a physiotherapist" in log.read_text()  # the answer (the job runs with -q)

    code, _, err = invoke("schedule", str(watch), "--remove")
    assert code == 0 and "Removed" in err
    assert read_crontab() == [OTHER_ENTRY]


def test_systemd_units(watch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--systemd writes a user service and timer and enables the timer; --remove undoes it."""
    calls = tmp_path / "systemctl-calls"
    fake = tmp_path / "bin" / "systemctl"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "report"
    code, _, err = invoke("schedule", str(watch), "--at", "05:45", "--out", str(out), "--systemd")
    assert code == 0, err
    units = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    (timer,) = units.glob("loadwatch-*.timer")
    assert "OnCalendar=*-*-* 05:45:00" in timer.read_text()
    service = timer.with_suffix(".service").read_text()
    assert f'"{watch}"' in service  # the space in the path is quoted
    assert f"--user enable --now {timer.name}" in calls.read_text()
    code, _, err = invoke("schedule", str(watch), "--remove", "--systemd")
    assert code == 0
    assert list(units.glob("loadwatch-*")) == []
    assert f"--user disable --now {timer.name}" in calls.read_text()


def test_no_crontab_is_a_clear_error(
    watch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without cron, the message says what to install or use instead."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = invoke("schedule", str(watch), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "install cron" in err and "--systemd" in err


def test_what_the_nightly_run_would_refuse_is_refused_now(watch: Path, tmp_path: Path) -> None:
    """Outputs inside the watched folder or a bad value fail at install time, not every night."""
    code, _, err = invoke("schedule", str(watch), "--out", str(watch / "report"), "--dry-run")
    assert code == 1 and "inside the analysed folder" in err
    args = ["schedule", str(watch), "--out", str(tmp_path / "o"), "--timezone", "Mars/Base"]
    code, _, err = invoke(*args, "--dry-run")
    assert code == 2 and "IANA time zone" in err


@pytest.fixture
def fake_schedulers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``crontab`` (its table in a file, holding the user's own entry) and a fake
    ``systemctl`` (its calls in a file), first on PATH; returns their folder."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    table = folder / "table"
    cat = shutil.which("cat")  # by its full path: a test may leave only this folder on PATH
    table.write_text(f"{OTHER_ENTRY}\n")
    scripts = {
        "crontab": (
            "#!/bin/sh\n"
            f'case "$1" in -l) {cat} "{table}";; -) {cat} > "{table}";; -r) : > "{table}";; esac\n'
        ),
        "systemctl": f'#!/bin/sh\necho "$@" >> "{folder / "systemctl-calls"}"\n',
    }
    for name, text in scripts.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def test_remove_covers_cron_and_systemd(fake_schedulers: Path, watch: Path, tmp_path: Path) -> None:
    """--remove removes both kinds of job, --systemd only the timers, and --dry-run lists
    exactly what would go."""
    for extra in ([], ["--systemd"]):
        code, _, err = invoke("schedule", str(watch), "--out", str(tmp_path / "o"), *extra)
        assert code == 0, err
    (cron_line,) = [line for line in read_crontab() if CRON_MARKER in line]
    units = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    (timer,) = units.glob("loadwatch-*.timer")
    unit_files = {str(timer), str(timer.with_suffix(".service"))}

    code, listed, _ = invoke("schedule", "--list", "--systemd")
    assert code == 0 and str(timer) in listed and cron_line not in listed
    code, listed, _ = invoke("schedule", str(watch), "--remove", "--dry-run", "--systemd")
    assert code == 0
    assert set(listed.splitlines()) == {f"would remove: {unit}" for unit in unit_files}
    code, listed, _ = invoke("schedule", "--remove", "--dry-run")
    assert code == 0
    assert set(listed.splitlines()) == {
        f"would remove: {item}" for item in {cron_line, *unit_files}
    }
    assert timer.exists() and cron_line in read_crontab()  # a dry run changes nothing

    code, _, err = invoke("schedule", str(watch), "--remove")
    assert code == 0, err
    assert read_crontab() == [OTHER_ENTRY]
    assert list(units.glob("loadwatch-*")) == []
    assert f"--user disable --now {timer.name}" in (fake_schedulers / "systemctl-calls").read_text()
    code, listed, err = invoke("schedule", "--remove", "--dry-run")
    assert code == 0 and listed == "" and "No nightly loadwatch job" in err


@pytest.fixture
def odd_folder(watch: Path) -> Path:
    """A synced folder whose name has a space, a ``%`` and a ``$``."""
    folder = watch.parent / "100% of $HOME runs"
    watch.rename(folder)
    return folder


def test_odd_folder_names_round_trip(
    fake_schedulers: Path, odd_folder: Path, tmp_path: Path
) -> None:
    """A folder named with a space, % and $: install, --list and --remove PATH, cron and systemd."""
    out = tmp_path / "o"
    for extra in ([], ["--systemd"]):
        code, _, err = invoke("schedule", str(odd_folder), "--out", str(out), *extra)
        assert code == 0, err
    (cron_line,) = [line for line in read_crontab() if CRON_MARKER in line]
    assert "100\\% of $HOME runs" in cron_line  # cron's escape; the shell quotes the $
    units = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    (timer,) = units.glob("loadwatch-*.timer")
    service = timer.with_suffix(".service").read_text()
    assert '100%% of $$HOME runs"' in service  # systemd's escapes: no specifier, no variable

    code, listed, _ = invoke("schedule", "--list")
    assert code == 0
    assert set(listed.splitlines()) == {f"cron: {cron_line}", f"systemd: {timer}"}
    code, _, err = invoke("schedule", str(odd_folder), "--remove")
    assert code == 0, err
    assert read_crontab() == [OTHER_ENTRY]
    assert list(units.glob("loadwatch-*")) == []
    calls = (fake_schedulers / "systemctl-calls").read_text()
    assert f"--user disable --now {timer.name}" in calls


def test_no_systemctl_removes_nothing(
    fake_schedulers: Path, watch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timers to remove but no systemctl: a clear error, and the crontab is left as it was."""
    for extra in ([], ["--systemd"]):
        code, _, err = invoke("schedule", str(watch), "--out", str(tmp_path / "o"), *extra)
        assert code == 0, err
    before = read_crontab()
    units = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    unit_files = sorted(units.glob("loadwatch-*"))
    (fake_schedulers / "systemctl").unlink()
    monkeypatch.setenv("PATH", str(fake_schedulers))  # the real systemctl out of reach too
    code, _, err = invoke("schedule", str(watch), "--remove")
    assert code == 1
    assert "systemctl is not available" in err and "nothing was removed" in err
    assert read_crontab() == before and len(before) == 2
    assert sorted(units.glob("loadwatch-*")) == unit_files


def test_a_timer_failing_to_disable_leaves_systemd_reloaded(
    fake_schedulers: Path, watch: Path, tmp_path: Path
) -> None:
    """The second of two timers cannot be disabled: the first is gone and systemd reloaded,
    the second and the crontab stay, and the error says what went."""
    for out in ("o1", "o2"):
        for extra in ([], ["--systemd"]):
            code, _, err = invoke("schedule", str(watch), "--out", str(tmp_path / out), *extra)
            assert code == 0, err
    before = read_crontab()
    calls = fake_schedulers / "systemctl-calls"
    disabled = fake_schedulers / "disabled-one"
    (fake_schedulers / "systemctl").write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{calls}"\n'
        f'if [ "$2" = disable ]; then [ -e "{disabled}" ] &&'
        ' { echo "Failed to connect to bus" >&2; exit 1; }\n'
        f': > "{disabled}"; fi\n'
    )
    calls.write_text("")
    code, _, err = invoke("schedule", str(watch), "--remove")
    assert code == 1
    assert "Failed to connect to bus" in err and "removed before it" in err
    units = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    assert len(list(units.glob("loadwatch-*.timer"))) == 1
    assert len(list(units.glob("loadwatch-*.service"))) == 1
    assert calls.read_text().splitlines()[-1] == "--user daemon-reload"
    assert read_crontab() == before and len(before) == 3


def test_every_further_path_is_made_absolute(watch: Path, tmp_path: Path) -> None:
    """schedule A B: the job analyses both by absolute paths, run from any folder; an
    option's value is left to that option."""
    other = tmp_path / "export"
    other.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code, out, err = invoke(
            "schedule", str(watch), "export", "--units", "mi", "--out", "o", "--dry-run"
        )
    assert code == 0, err
    words = shlex.split(out.split("#")[0])
    assert str(other.resolve()) in words and "export" not in words
    assert words[words.index("--units") + 1] == "mi"
