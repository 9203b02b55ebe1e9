"""A new user's first run: loadwatch init, config, docs, demo, and a --help that starts fast."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from loadwatch.cli import COMMANDS, cli
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.manual import PAGES, doc_page
from loadwatch.options import setting_origins
from loadwatch.settings.config import user_config_path
from loadwatch.settings.firstrun import Answers, config_text, write_config

ROOT = Path(__file__).resolve().parent.parent
#: The answers to init's questions: time zone, a rest HR asked again, a max HR asked again,
#: week start, two shoes, then Enter to end the shoes.
ANSWERS = "Europe/Paris\n300\n50\n45\n188\nsunday\nPegasus 40@2026-06-01\nOld pair\n\n"


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The sample folder, as `loadwatch demo` writes it."""
    folder = tmp_path / "demo"
    code, _, err = invoke("demo", str(folder))
    assert code == 0, err
    return folder


def test_help_imports_no_pandas() -> None:
    """`loadwatch --help` lists every command without importing pandas, numpy or matplotlib."""
    script = (
        "import sys\n"
        "from loadwatch.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='loadwatch')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert "HEAVY []" in done.stdout, done.stdout
    assert all(name in done.stdout for name in COMMANDS)


def test_each_command_is_listed_with_its_own_first_line() -> None:
    """The group's list of commands says what each command's own --help begins with."""
    assert isinstance(cli, click.Group)
    with click.Context(cli) as ctx:
        for name, (_, _, line) in COMMANDS.items():
            command = cli.get_command(ctx, name)
            assert command is not None and command.help is not None
            assert command.help.splitlines()[0] == line
        assert cli.get_command(ctx, "nonsense") is None


def test_init_asks_writes_and_config_reads_it_back(demo: Path) -> None:
    """init asks again after a bad answer, writes the user config; config and analyze use it."""
    code, out, err = invoke("init", input=ANSWERS)
    assert code == 0, err
    assert "must be a heart rate in bpm between 25 and 250, not 300" in out
    assert "must be higher than your resting heart rate (50)" in out
    written = tomllib.loads(user_config_path().read_text(encoding="utf-8"))
    assert written["timezone"] == "Europe/Paris" and written["week_start"] == "sunday"
    assert written["athlete"] == {"rest_hr": 50, "max_hr": 188}
    assert [shoe["name"] for shoe in written["shoes"]] == ["Pegasus 40", "Old pair"]
    code, out, _ = invoke("config")
    assert code == 0
    line = next(line for line in out.splitlines() if line.split()[:1] == ["athlete.max_hr"])
    assert "188" in line and str(user_config_path()) in line
    (demo / "loadwatch.toml").unlink()  # the demo's own config would win over the user's
    code, out, err = invoke("analyze", str(demo), "--format", "json", "--as-of", "2026-09-20")
    assert code == 0, err
    assert json.loads(out)["timezone"] == "Europe/Paris"


def test_init_threshold_pace_when_no_heart_rate() -> None:
    """Without heart rates init asks the threshold pace, checked as a config file's pace."""
    code, out, err = invoke("init", input="UTC\n\n\n9:99\n4:45\nmonday\n\n")
    assert code == 0, err
    assert "minutes:seconds per km" in out
    written = tomllib.loads(user_config_path().read_text(encoding="utf-8"))
    assert written["athlete"] == {"threshold_pace": "4:45"}


def test_init_never_replaces_a_config_silently() -> None:
    """An existing config is kept unless the user says yes, or gives --force."""
    path = user_config_path()
    path.parent.mkdir(parents=True)
    path.write_text("threshold = 0.2\n", encoding="utf-8")
    args = ("init", "--timezone", "UTC", "--max-hr", "190", "--week-start", "monday")
    code, _, err = invoke(*args, "--no-input")
    assert code == 1 and "kept" in err
    code, _, err = invoke(*args, input="\n\nn\n")  # no rest HR, no shoes; do not replace
    assert code == 1 and path.read_text(encoding="utf-8") == "threshold = 0.2\n"
    code, _, err = invoke(*args, input="\n\ny\n")
    assert code == 0, err
    assert "max_hr = 190" in path.read_text(encoding="utf-8")
    code, _, err = invoke(*args, "--rest-hr", "45", "--no-input", "--force")
    assert code == 0 and "rest_hr = 45" in path.read_text(encoding="utf-8")


def test_init_dry_run_shows_the_file_and_writes_nothing() -> None:
    """--dry-run prints the TOML it would write, and leaves no file."""
    code, out, _ = invoke("init", "--timezone", "Asia/Tokyo", "--no-input", "--dry-run")
    assert code == 0 and 'timezone = "Asia/Tokyo"' in out
    assert not user_config_path().exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--rest-hr", "300"), "'--rest-hr'"),
        (("--timezone", "Mars/Olympus"), "IANA time zone"),
        (("--rest-hr", "190", "--max-hr", "150"), "lower than"),
        (("--shoe", "@2026-01-01"), "needs a name"),
        (("--shoe", "Pegasus@soon"), "no date"),
        (("--threshold-pace", "fast"), "minutes:seconds"),
    ],
)
def test_init_bad_option_is_a_usage_error(args: tuple[str, ...], words: str) -> None:
    """A bad answer given as an option exits 2 with click's usage line, and writes nothing."""
    code, _, err = invoke("init", *args, "--no-input")
    assert code == 2 and "Usage:" in err and words in err
    assert not user_config_path().exists()


def test_config_says_where_each_setting_came_from(tmp_path: Path) -> None:
    """config names the option, the --config file, the folder's file, or the default."""
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "loadwatch.toml").write_text("threshold = 0.2\n", encoding="utf-8")
    coach = tmp_path / "coach.toml"
    coach.write_text("[athlete]\nmax_hr = 180\n", encoding="utf-8")
    code, out, err = invoke("config", str(folder), "--config", str(coach), "--rest-hr", "50")
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert rows["threshold"].endswith(str(folder / "loadwatch.toml"))
    assert rows["athlete.max_hr"].endswith(str(coach))
    assert rows["athlete.rest_hr"].endswith("option")
    assert rows["risk.acwr_limit"].endswith("default")
    assert "none yet" in out.splitlines()[0]
    code, _, err = invoke("config", str(folder), "--rest-hr", "190", "--max-hr", "150")
    assert code == 2 and "Usage:" in err
    coach.write_text("thresold = 1\n", encoding="utf-8")
    code, _, err = invoke("config", "--config", str(coach))
    assert code == 1 and "thresold" in err


def test_setting_origins_in_python(tmp_path: Path) -> None:
    """The library says each origin too: a keyword, a Config, a shoe's file."""
    from loadwatch import Athlete, load_config

    config = tmp_path / "mine.toml"
    config.write_text('[[shoes]]\nname = "Pegasus"\n', encoding="utf-8")
    origins = {o.name: o for o in setting_origins(None, config=config, threshold=0.3)}
    assert origins["threshold"].origin == "option" and origins["threshold"].value == 0.3
    assert origins["shoes"].value == "Pegasus" and origins["shoes"].origin == config
    given = setting_origins(None, config=load_config(None, config), athlete=Athlete(max_hr=170))
    assert {o.name: o.origin for o in given}["athlete.max_hr"] == "option"
    assert {o.name: o.origin for o in given}["shoes"] == "the given Config"


def test_config_text_checks_every_answer(tmp_path: Path) -> None:
    """The TOML is read back through the config file's checks; write_config never overwrites."""
    with pytest.raises(ConfigError, match="timezone"):
        config_text(Answers(timezone="Nowhere/Land"))
    text = config_text(Answers(shoes=(('Say "hi"', None),)))
    assert tomllib.loads(text)["shoes"] == [{"name": 'Say "hi"'}]
    path = write_config(text, tmp_path / "a" / "config.toml")
    with pytest.raises(ConfigError, match="already exists"):
        write_config("", path)
    assert write_config("", path, force=True).read_text(encoding="utf-8") == ""


def test_docs_lists_and_prints_the_shipped_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs lists the pages and prints one; a page this copy lacks is an error (exit 1)."""
    code, out, _ = invoke("docs")
    assert code == 0 and all(name in out for name in PAGES)
    code, out, _ = invoke("docs", "metrics")
    assert code == 0
    assert out == (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert invoke("docs", "recipes")[0] == 2
    monkeypatch.setitem(PAGES, "metrics", ("no-such-page.md", "nothing"))
    code, _, err = invoke("docs", "metrics")
    assert code == 1 and "not in this version" in err
    with pytest.raises(LoadwatchError, match="no page"):
        doc_page("recipes")


def test_the_built_package_ships_the_docs(tmp_path: Path) -> None:
    """The build puts docs/*.md in the package (loadwatch/docs/), as files, not a link."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "loadwatch", source / "loadwatch", symlinks=True)
    shutil.copytree(ROOT / "docs", source / "docs")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = tmp_path / "build"
    setup = ["-c", "from setuptools import setup; setup()", "-q", "build_py"]
    subprocess.run(
        [sys.executable, *setup, "--build-lib", str(build)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    shipped = build / "loadwatch" / "docs"
    assert not shipped.is_symlink()
    for file, _ in PAGES.values():
        if (ROOT / "docs" / file).exists():
            assert (shipped / file).read_bytes() == (ROOT / "docs" / file).read_bytes()


def test_demo_then_analyze(demo: Path, tmp_path: Path) -> None:
    """demo writes the samples; analyze reads them; demo refuses a folder with files in it."""
    assert (demo / "README.txt").is_file()
    code, out, err = invoke("analyze", str(demo), "--format", "json", "--jobs", "1")
    assert code == 0, err
    assert len(json.loads(out)["weeks"]) >= 16
    code, _, err = invoke("demo", str(demo))
    assert code == 1 and "not empty" in err
    assert invoke("demo", str(demo), "--force")[0] == 0
    afile = tmp_path / "a-file"
    afile.write_text("x", encoding="utf-8")
    from loadwatch.samples import write_demo

    with pytest.raises(LoadwatchError, match="is a file"):
        write_demo(afile)


def test_a_maximum_heart_rate_below_the_assumed_resting_one_is_refused(tmp_path: Path) -> None:
    """init --max-hr 50 without --rest-hr: exit 2, naming the resting rate assumed; no file."""
    result = CliRunner().invoke(
        cli,
        ["init", "--no-input", "--max-hr", "50", "--timezone", "UTC"],
        env={"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)},
    )
    assert result.exit_code == 2
    assert "--max-hr 50 must be above the resting heart rate" in result.output
    assert not (tmp_path / "config").exists() or not any((tmp_path / "config").rglob("*.toml"))


def test_config_refuses_a_path_or_config_file_that_is_not_there(tmp_path: Path) -> None:
    """loadwatch config PATH or --config FILE named but missing: exit 2 with the reason, not
    the defaults as if they were that file's settings."""
    code, out, err = invoke("config", str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or folder" in err and "default" not in out
    code, _, err = invoke("config", "--config", str(tmp_path / "coach.toml"))
    assert code == 2 and "no such config file" in err and "--config" in err
