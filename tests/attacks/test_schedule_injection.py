"""Hostile `loadwatch schedule` arguments: no second command in the crontab or the unit files.

A new line in any scheduled argument used to become a crontab line of its own (or a second
``ExecStart=``), and a ``\\%`` in a path cut the cron job short. Here every such argument is
refused (exit 2) before anything is installed, and what is allowed (``%``, ``\\``, ``$``, quotes,
``;``, back quotes) runs as exactly one command: through ``/bin/sh`` the way cron hands it over,
and, as root on CI, through a real ``cron -f`` run.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.nightly.job import cron_escape, cron_unescape
from loadwatch.nightly.schedule import CRON_MARKER, read_crontab

OTHER_ENTRY = "17 4 * * 1 /usr/bin/true # the user's own job, not ours"
#: Characters a folder name may hold that mean something to cron or the shell.
NASTY = "w \\% 100% $(touch canary1) `touch canary2` ';touch canary3;' \"q\" \\"


def _watch(folder: Path) -> Path:
    """A small synced folder, synced an hour ago (settled)."""
    folder.mkdir()
    start = datetime(2026, 6, 1, 7, tzinfo=UTC)
    for day in range(0, 6, 2):
        (folder / f"run{day}.gpx").write_text(gpx(start + timedelta(days=day), minutes=30))
    past = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (past, past))
    return folder


@pytest.fixture
def fake_crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``crontab`` first on PATH (its table in a file holding the user's own entry), and
    a fake ``systemctl``; returns the table."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    table = folder / "table"
    table.write_text(f"{OTHER_ENTRY}\n")
    cat = shutil.which("cat")
    scripts = {
        "crontab": f'#!/bin/sh\ncase "$1" in -l) {cat} "{table}";; -) {cat} > "{table}";; esac\n',
        "systemctl": "#!/bin/sh\nexit 0\n",
    }
    for name, text in scripts.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return table


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


HOSTILE = [
    pytest.param("--notify", "true\n* * * * * touch X #", id="newline-in-notify"),
    pytest.param("--notify", "true\r30 2 * * * touch X", id="carriage-return-in-notify"),
    pytest.param("--timezone", "UTC\n* * * * * touch X", id="newline-in-an-option"),
    pytest.param("--notify", "true\x1b]0;title\x07", id="escape-and-bell"),
]


@pytest.mark.parametrize(("option", "value"), HOSTILE)
@pytest.mark.parametrize("systemd", [False, True])
def test_control_characters_in_options_are_refused(
    fake_crontab: Path, tmp_path: Path, option: str, value: str, systemd: bool
) -> None:
    """A control character in any option is a usage error (exit 2), naming the option; the
    crontab and the systemd folder are left as they were."""
    watch = _watch(tmp_path / "watch")
    extra = ["--systemd"] if systemd else []
    out = str(tmp_path / "out")
    code, _, err = invoke("schedule", str(watch), "--out", out, option, value, *extra)
    assert code == 2, err
    assert f"{option} holds a control character" in err and "Traceback" not in err
    assert fake_crontab.read_text() == f"{OTHER_ENTRY}\n"
    assert not (Path(os.environ["XDG_CONFIG_HOME"]) / "systemd").exists()


@pytest.mark.parametrize("name", ["line\nbreak", "carriage\rreturn", "tab\there", "esc\x1b[2J"])
def test_control_characters_in_the_folder_or_out_are_refused(
    fake_crontab: Path, tmp_path: Path, name: str
) -> None:
    """A watched folder or an --out folder whose name holds a control character is refused
    (exit 2) with the character shown escaped, never installed."""
    watch = _watch(tmp_path / name)
    code, _, err = invoke("schedule", str(watch), "--out", str(tmp_path / "out"))
    assert code == 2 and "the folder holds a control character" in err
    plain = _watch(tmp_path / "plain")
    code, _, err = invoke("schedule", str(plain), "--out", str(tmp_path / name / "out"))
    assert code == 2 and "--out holds a control character" in err
    assert "\x1b" not in err and "\r" not in err
    assert fake_crontab.read_text() == f"{OTHER_ENTRY}\n"


def _installed_command(table: Path) -> str:
    """The command of loadwatch's one crontab line, without its time fields."""
    (line,) = [line for line in table.read_text().splitlines() if CRON_MARKER in line]
    return line.split(" ", 5)[5]


def _as_cron_runs_it(command: str) -> str:
    """What cron gives ``/bin/sh -c``: up to the first unescaped %, each \\% turned into %
    (Debian cron's do_command.c, written out here independently of loadwatch's own)."""
    out, i = "", 0
    while i < len(command):
        if command[i] == "\\" and i + 1 < len(command):
            out += "%" if command[i + 1] == "%" else command[i : i + 2]
            i += 2
        elif command[i] == "%":
            break
        else:
            out += command[i]
            i += 1
    return out


def test_nasty_folder_names_run_one_command(fake_crontab: Path, tmp_path: Path) -> None:
    """A folder named with \\%, %, $(...), back quotes, quotes and ; is analysed, through
    /bin/sh as cron runs the line; nothing else runs, and --remove leaves the user's line."""
    watch = _watch(tmp_path / NASTY)
    before = sorted(p.name for p in watch.iterdir())
    out = tmp_path / "out"
    code, _, err = invoke("schedule", str(watch), "--out", str(out), "--no-cache")
    assert code == 0, err
    command = _as_cron_runs_it(_installed_command(fake_crontab))
    ran = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert len(json.loads((out / "latest.json").read_text())["activities"]) == 3
    assert not list(tmp_path.glob("canary*")) and not list(watch.glob("canary*"))
    assert sorted(p.name for p in watch.iterdir()) == before
    code, _, err = invoke("schedule", str(watch), "--remove")
    assert code == 0, err
    assert fake_crontab.read_text() == f"{OTHER_ENTRY}\n"


@pytest.mark.parametrize("text", ["a%b", "a\\%b", "a\\\\%b", "it's 100%", "\\%\\%%", "end\\"])
def test_cron_escape_round_trips(text: str) -> None:
    """Escaped for cron, a quoted word comes back to the shell as it was (\\% included)."""
    command = shlex.join(["printf", "%s", text])
    escaped = cron_escape(command)
    assert cron_unescape(escaped) == _as_cron_runs_it(escaped)
    assert shlex.split(cron_unescape(escaped)) == ["printf", "%s", text]
    shown = subprocess.run(["/bin/sh", "-c", _as_cron_runs_it(escaped)], capture_output=True)
    assert shown.stdout.decode() == text


def test_remove_takes_both_halves_of_a_split_line(fake_crontab: Path, tmp_path: Path) -> None:
    """A job an older loadwatch let a new line split in two is removed whole, never half."""
    watch = _watch(tmp_path / "watch")
    code, _, err = invoke("schedule", str(watch), "--out", str(tmp_path / "out"))
    assert code == 0, err
    lines = fake_crontab.read_text().splitlines()
    job = next(line for line in lines if CRON_MARKER in line)
    head, tail = job.split(" --settle ", 1)
    split = [OTHER_ENTRY, f"{head} --notify 'true", f"* * * * * touch X #' --settle {tail}"]
    fake_crontab.write_text("\n".join(split) + "\n")
    code, listed, _ = invoke("schedule", "--remove", "--dry-run")
    assert code == 0 and listed.count("would remove:") == 1
    code, _, err = invoke("schedule", str(watch), "--remove")
    assert code == 0, err
    assert fake_crontab.read_text() == f"{OTHER_ENTRY}\n"


# -- a real cron run -------------------------------------------------------------------------


@pytest.fixture
def real_cron(tmp_path: Path) -> Iterator[Path]:
    """A real ``cron -f`` (root only; on CI, or with LOADWATCH_REAL_CRON=1), with root's
    crontab saved and put back; yields a HOME folder for the crontab's jobs."""
    if not (os.environ.get("CI") or os.environ.get("LOADWATCH_REAL_CRON")):
        pytest.skip("a real cron run waits for the next minute: on CI or LOADWATCH_REAL_CRON=1")
    cron = shutil.which("cron") or ("/usr/sbin/cron" if Path("/usr/sbin/cron").exists() else None)
    if os.geteuid() != 0 or cron is None or shutil.which("crontab") is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root with Debian's cron installed")
        pytest.skip("needs root and Debian's cron")
    saved = read_crontab()
    home = tmp_path / "home"
    home.mkdir()
    environment = f"HOME={home}\nXDG_CACHE_HOME={home}/cache\n"
    subprocess.run(["crontab", "-"], input=environment, text=True, check=True)
    daemon = subprocess.Popen([cron, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        if daemon.poll() is not None:
            pytest.skip("cron -f did not start (another cron runs?)")
        yield home
    finally:
        if daemon.poll() is None:
            os.kill(daemon.pid, signal.SIGTERM)
            daemon.wait(10)
        text = "\n".join(saved) + "\n" if saved else ""
        subprocess.run(["crontab", "-"], input=text, text=True, check=True)


def test_a_real_cron_run_runs_one_command(real_cron: Path, tmp_path: Path) -> None:
    """Installed for the next minute, the job for a nastily named folder runs under a real cron:
    the report is written, and no quote, %, $ or back quote runs anything else."""
    watch = _watch(tmp_path / NASTY)
    out = tmp_path / "out"
    now = datetime.now()
    at = now + timedelta(minutes=1 if now.second < 50 else 2)
    code, _, err = invoke(
        "schedule", str(watch), "--out", str(out), "--at", at.strftime("%H:%M"), "--no-cache"
    )
    assert code == 0, err
    deadline = time.monotonic() + 200
    while not (out / "latest.json").exists() and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(2)  # the job's last writes
    assert (out / "latest.json").exists(), "cron did not run the job"
    assert len(json.loads((out / "latest.json").read_text())["activities"]) == 3
    assert not list(real_cron.rglob("canary*")) and not list(tmp_path.glob("canary*"))
    assert not list(watch.glob("canary*"))
