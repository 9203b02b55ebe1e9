"""``loadwatch log`` as a runner meets it: every command's bad input gets a clear error and
writes nothing, the analysed folder stays byte-identical, a killed write is never read back."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from loadwatch.cli import cli
from tests.factories import gpx

TODAY = "2026-03-05"


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """A folder with a run on 2 March and two on 3 March, and a user config in Berlin time."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for name, start in (
        ("a.gpx", datetime(2026, 3, 2, 6, 0, tzinfo=UTC)),
        ("b.gpx", datetime(2026, 3, 3, 6, 0, tzinfo=UTC)),
        ("c.gpx", datetime(2026, 3, 3, 17, 30, tzinfo=UTC)),
    ):
        (folder / name).write_text(gpx(start, minutes=20), encoding="utf-8")
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "loadwatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def log(*args: str, input: str | None = None) -> Result:
    """``loadwatch log ARGS``."""
    return CliRunner().invoke(cli, ["log", *args], input=input, catch_exceptions=False)


def test_pain_is_logged_in_the_data_folder_and_listed(runs: Path) -> None:
    """Without a [body] log the log is body-log.jsonl in the data folder; list shows it."""
    before = snapshot(runs)
    result = log("pain", "4", "--where", "lower-back", "--when", "after", "--as-of", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output == "logged #1: Thu 5 Mar 2026  pain 4/10, lower back, after a run\n"
    path = Path(os.environ["XDG_DATA_HOME"]) / "loadwatch" / "body-log.jsonl"
    assert path.read_text(encoding="utf-8") == (
        '{"version": 1, "id": 1, "kind": "pain", "date": "2026-03-05", "level": 4, '
        '"where": "lower-back", "when": "after"}\n'
    )
    listed = log("list")
    assert listed.output == "#1    Thu 5 Mar 2026  pain 4/10, lower back, after a run\n"
    assert snapshot(runs) == before


BAD = [
    (["pain", "11", "--where", "knee", "--when", "after"], "not '11'"),
    (["pain", "3", "--where", "neck", "--when", "after"],
     "unknown region 'neck': choose one of lower-back, upper-back, hip, glute, hamstring"),
    (["pain", "3", "--where", "knee", "--when", "lunch"], "unknown time 'lunch'"),
    (["pain", "3", "--where", "knee", "--when", "after", "--date", "2026-03-06"],
     "2026-03-06 is in the future (today is 2026-03-05)"),
    (["pain", "3", "--where", "knee", "--when", "after", "--date", "yesterday"],
     "a day such as 2026-03-02"),
    (["strength", "--minutes", "0"], "the minutes must be a number above 0"),
    (["strength", "--minutes", "30", "--rpe", "12"], "from 0 (rest) to 10 (maximal)"),
    (["rpe", "7", "--date", "2026-03-02"], "it needs the folder you analyse: add --folder PATH"),
    (["rpe", "7", "--folder", "{runs}", "--date", "2026-03-04"],
     "no run on 2026-03-04 in the analysed folder; check --date, or name the run with --run"),
    (["rpe", "7", "--folder", "{runs}", "--date", "2026-03-03"],
     "2 runs on 2026-03-03 (at 07:00, 18:30); choose one with --run HH:MM"),
    (["rpe", "7", "--folder", "{runs}", "--date", "2026-03-03", "--run", "09:00"],
     "no run started at 2026-03-03 09:00 in the analysed folder (runs that day: 07:00, 18:30)"),
    (["rpe", "7", "--folder", "{runs}", "--date", "2026-03-03", "--run", "soon"],
     "--run must be a start such as 07:30"),
    (["rpe", "11", "--folder", "{runs}", "--date", "2026-03-02"], "on the CR-10 scale"),
    (["check-in", "--participation", "0", "--volume", "9", "--performance", "0",
      "--symptoms", "0"], "'--volume': 9 is not in the range 0<=x<=4"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a[:2]) for a, _ in BAD])
def test_bad_input_is_refused_clearly_and_writes_nothing(
    runs: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    """Each bad value is a usage error saying what is wrong; no log appears, the folder stays."""
    before = snapshot(runs)
    body = tmp_path / "body.jsonl"
    given = [arg.format(runs=runs) for arg in args]
    result = log(*given, "--body-log", str(body), "--as-of", TODAY)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not body.exists()
    assert snapshot(runs) == before


def test_dry_run_shows_the_entry_and_writes_nothing(tmp_path: Path) -> None:
    """--dry-run prints what would be logged, and the log is not created."""
    body = tmp_path / "body.jsonl"
    result = log("strength", "--minutes", "30", "--note", "glute bridges, planks",
                 "--body-log", str(body), "--as-of", TODAY, "--dry-run")  # fmt: skip
    assert result.exit_code == 0
    assert result.output.startswith(
        "would log: Thu 5 Mar 2026  strength, 30 min  (glute bridges, planks)\n(dry run:"
    )
    assert not body.exists()


def test_rpe_attaches_to_the_run_of_the_day_or_the_one_named(runs: Path, tmp_path: Path) -> None:
    """The run of a day with one run; --run picks among several; the folder is only read."""
    before = snapshot(runs)
    body = tmp_path / "body.jsonl"
    one = log("rpe", "7", "--folder", str(runs), "--date", "2026-03-02",
              "--body-log", str(body), "--as-of", TODAY)  # fmt: skip
    assert one.output == "logged #1: Mon 2 Mar 2026  effort 7/10 (CR-10) for the run at 07:00\n"
    two = log("rpe", "4.5", "--folder", str(runs), "--date", "2026-03-03", "--run", "18:30",
              "--body-log", str(body), "--as-of", TODAY)  # fmt: skip
    assert two.exit_code == 0 and "effort 4.5/10 (CR-10) for the run at 18:30" in two.output
    assert '"run": "2026-03-03T18:30:00+01:00"' in body.read_text(encoding="utf-8")
    assert snapshot(runs) == before


def test_a_log_inside_the_analysed_folder_is_refused(runs: Path) -> None:
    """--body-log (or the config's) inside the analysed folder: an error, nothing written."""
    before = snapshot(runs)
    result = log("rpe", "7", "--folder", str(runs), "--date", "2026-03-02",
                 "--body-log", str(runs / "body.jsonl"), "--as-of", TODAY)  # fmt: skip
    assert result.exit_code == 1
    assert "is inside the analysed folder" in result.output
    assert snapshot(runs) == before


def test_the_config_names_the_log(runs: Path, tmp_path: Path) -> None:
    """[body] log in the user config is where entries go."""
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "loadwatch" / "config.toml"
    config.write_text(f'[body]\nlog = "{tmp_path / "mine.jsonl"}"\n', encoding="utf-8")
    result = log("pain", "2", "--where", "knee", "--when", "rest", "--as-of", TODAY)
    assert result.exit_code == 0
    assert (tmp_path / "mine.jsonl").exists()


def test_check_in_asks_the_four_questions_and_scores_them(tmp_path: Path) -> None:
    """Questions not given as options are asked; the score is OSTRC-O2's."""
    body = tmp_path / "body.jsonl"
    result = log("check-in", "--participation", "1", "--body-log", str(body),
                 "--as-of", TODAY, input="2\n1\n0\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "how much have you cut down your training" in result.output
    assert "check-in, OSTRC severity 27/100" in result.output  # 8 + 13 + 6 + 0
    assert "substantial problem" in result.output


def test_remove_appends_a_tombstone_and_list_leaves_it_out(tmp_path: Path) -> None:
    """remove ID keeps the file's lines and adds one; list no longer shows the entry."""
    body = tmp_path / "body.jsonl"
    common = ["--body-log", str(body), "--as-of", TODAY]
    log("pain", "3", "--where", "knee", "--when", "after", "--date", "2026-03-01", *common)
    log("pain", "5", "--where", "knee", "--when", "after", *common)
    written = body.read_bytes()
    assert log("remove", "1", "--body-log", str(body), "--dry-run").output.startswith(
        "would remove #1: Sun 1 Mar 2026  pain 3/10"
    )
    assert body.read_bytes() == written
    gone = log("remove", "1", "--body-log", str(body))
    assert gone.output == "removed #1: Sun 1 Mar 2026  pain 3/10, knee, after a run\n"
    assert body.read_bytes().startswith(written)
    assert [line.split()[0] for line in log("list", "--body-log", str(body)).output.splitlines()
            ] == ["#2"]  # fmt: skip
    again = log("remove", "1", "--body-log", str(body))
    assert again.exit_code == 1 and "no entry 1 in the body log" in again.output
    dry = log("remove", "7", "--body-log", str(body), "--dry-run")
    assert dry.exit_code == 1 and "no entry 7" in dry.output


def test_list_since_and_an_empty_log(tmp_path: Path) -> None:
    """--since leaves out older entries; an empty log says so."""
    body = tmp_path / "body.jsonl"
    assert log("list", "--body-log", str(body)).output.startswith("nothing logged in")
    common = ["--body-log", str(body), "--as-of", TODAY]
    log("pain", "3", "--where", "knee", "--when", "after", "--date", "2026-02-01", *common)
    log("strength", "--minutes", "25", "--rpe", "6", "--date", "2026-03-01", *common)
    listed = log("list", "--since", "2026-02-15", "--body-log", str(body))
    assert listed.output == "#2    Sun 1 Mar 2026  strength, 25 min, effort 6/10\n"
    assert log("list", "--since", "2026-03-04", "--body-log", str(body)).output.startswith(
        "nothing logged since then"
    )


def test_a_killed_write_is_not_read_as_an_entry(tmp_path: Path) -> None:
    """A cut-off last line is left out with a warning, and the next entry is read whole."""
    body = tmp_path / "body.jsonl"
    common = ["--body-log", str(body), "--as-of", TODAY]
    log("pain", "3", "--where", "knee", "--when", "after", *common)
    with body.open("ab") as handle:
        handle.write(b'{"version": 1, "id": 2, "kind": "pain", "date": "2026-03-05", "lev')
    listed = log("list", "--body-log", str(body))
    assert listed.stdout == "#1    Thu 5 Mar 2026  pain 3/10, knee, after a run\n"
    assert "line 2: left out: it was cut off" in listed.stderr
    log("pain", "6", "--where", "knee", "--when", "after", *common)
    assert log("list", "--body-log", str(body)).stdout.splitlines()[-1].startswith("#2    ")


def test_import_keeps_good_rows_and_names_each_bad_one(tmp_path: Path) -> None:
    """Each bad row is named by its line on standard error; the rest are logged."""
    sheet = tmp_path / "pains.csv"
    sheet.write_text(
        "date,level,where,when\n2026-03-01,3,knee,after\n2026-03-02,11,knee,after\n"
        "2026-03-03,2,neck,rest\n2026-03-04,4,lower back,next morning\n",
        encoding="utf-8",
    )
    body = tmp_path / "body.jsonl"
    dry = log("import", str(sheet), "--body-log", str(body), "--as-of", TODAY, "--dry-run")
    assert dry.exit_code == 0 and not body.exists()
    result = log("import", str(sheet), "--body-log", str(body), "--as-of", TODAY)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "line 3: left out: the pain level must be a whole number from 0 (no pain) to 10 (the "
        "worst imaginable), not '11'",
        "line 4: left out: unknown region 'neck': choose one of lower-back, upper-back, hip, "
        "glute, hamstring, thigh, knee, shin, calf, achilles, ankle, foot, other",
        "2 rows left out (see above)",
    ]
    assert result.stdout.splitlines() == [
        "logged #1: Sun 1 Mar 2026  pain 3/10, knee, after a run",
        "logged #2: Wed 4 Mar 2026  pain 4/10, lower back, the next morning",
    ]


def test_import_of_nothing_usable_writes_nothing(tmp_path: Path) -> None:
    """A sheet with no good row, or no date column, is an error and the log is not made."""
    body = tmp_path / "body.jsonl"
    sheet = tmp_path / "bad.csv"
    sheet.write_text("date,level,where,when\n2026-03-02,11,knee,after\n", encoding="utf-8")
    result = log("import", str(sheet), "--body-log", str(body), "--as-of", TODAY)
    assert result.exit_code == 1 and "no entry to import; nothing written" in result.output
    sheet.write_text("when,level\nafter,3\n", encoding="utf-8")
    result = log("import", str(sheet), "--body-log", str(body), "--as-of", TODAY)
    assert result.exit_code == 1 and "has no date column" in result.output
    assert not body.exists()


def test_a_file_that_is_not_a_body_log_is_never_appended_to(tmp_path: Path) -> None:
    """--body-log naming a spreadsheet or an activity file: an error, the file unchanged."""
    for name, content in (("pains.csv", b"date,level\n2026-03-01,3\n"), ("run.fit", b"\x0e\x10")):
        other = tmp_path / name
        other.write_bytes(content)
        result = log("pain", "3", "--where", "knee", "--when", "after",
                     "--body-log", str(other), "--as-of", TODAY)  # fmt: skip
        assert result.exit_code == 1 and "is not a body log" in result.output
        assert other.read_bytes() == content


def test_files_that_cannot_be_read_or_written_are_errors(runs: Path, tmp_path: Path) -> None:
    """A log under a file, a missing sheet, a missing folder: exit 1 with the reason."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    result = log("pain", "3", "--where", "knee", "--when", "after",
                 "--body-log", str(blocker / "log.jsonl"), "--as-of", TODAY)  # fmt: skip
    assert result.exit_code == 1 and "cannot be read" in result.output
    body = tmp_path / "body.jsonl"
    missing = log("import", str(tmp_path / "none.csv"), "--body-log", str(body), "--as-of", TODAY)
    assert missing.exit_code == 1 and "cannot be read" in missing.output
    gone = log("rpe", "5", "--folder", str(tmp_path / "nowhere"), "--body-log", str(body),
               "--as-of", TODAY)  # fmt: skip
    assert gone.exit_code == 1 and not body.exists()
