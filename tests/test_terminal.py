"""The terminal answer: the newest week first, the last weeks, a legend only of new marks."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import loadwatch
from loadwatch.cli import cli
from loadwatch.render import answer as answer_module
from loadwatch.render import console
from loadwatch.render import table as table_module
from loadwatch.render.flags import note_mark
from loadwatch.render.risk_text import RISK_LABELS
from loadwatch.render.table import render_answer, render_table
from loadwatch.render.wrap import PIPE_WIDTH, message_width, width_of, wrapped
from loadwatch.settings.seen import SEEN_FILE, read_seen, remember_seen, seen_file
from loadwatch.vocab import FLAG_WORDS, RISK_WORDS, Flag, Note, RiskLevel, flag_words, plural

SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"


def _analyze(*args: str, path: Path = SAMPLE_DATA) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["analyze", str(path), "--no-cache", "--jobs", "1", *args], env={"NO_COLOR": "1"}
    )
    return result.exit_code, result.stdout, result.stderr


def _state() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "loadwatch" / SEEN_FILE


def test_the_answer_fits_a_80_by_24_screen_before_the_weeks() -> None:
    """On sample_data the newest week, its risk and the advice come first, in at most 12
    lines, so that the first 24 lines of 80 columns hold them; no line passes 80 columns."""
    code, out, _ = _analyze()
    assert code == 0
    lines = out.splitlines()
    answer = lines[: lines.index("")]
    assert 1 < len(answer) <= 12
    assert answer[0] == "Week of 14 Sep 2026: 4 runs, 29.5 km in 2:54; low risk."
    screen = "\n".join(lines[:24])
    assert "- Next week: up to 32.5 km" in screen and "See a physiotherapist" in screen
    assert lines[len(answer) + 1].startswith("Week of    Runs")
    assert max(len(line) for line in lines) <= 80


def test_the_table_shows_the_last_12_weeks_unless_told() -> None:
    """12 week lines by default; --weeks 3 shows 3, --all every one of sample_data's 16."""

    def weeks(out: str) -> list[str]:
        return [line[:10] for line in out.splitlines() if line[:4] == "2026" and line[4] == "-"]

    assert len(weeks(_analyze()[1])) == 12
    assert weeks(_analyze("--weeks", "3")[1]) == ["2026-08-31", "2026-09-07", "2026-09-14"]
    assert len(weeks(_analyze("--all")[1])) == 16
    code, _, err = _analyze("--weeks", "0")
    assert code == 2 and "--weeks" in err


def test_quiet_prints_the_answer_alone() -> None:
    """-q: the answer, no weeks, no legend, and nothing on stderr."""
    code, out, err = _analyze("-q")
    assert code == 0 and err == ""
    assert out.startswith("Week of 14 Sep 2026: 4 runs")
    assert "Next week:" in out
    assert "Week of    Runs" not in out and "loadwatch docs metrics" not in out


def test_the_legend_explains_a_mark_the_first_time_only() -> None:
    """The first run explains the marks shown (pointing to `loadwatch docs metrics`), the
    second explains none, --legend all of them again; marks not shown are never explained."""
    _, first, _ = _analyze()
    assert "road: 90% or more" in first and "DIST: distance grew" in first
    assert "`loadwatch docs metrics`" in first and "docs/metrics.md" not in first
    assert "SPIKE:" not in first  # the spikes of sample_data are older than 12 weeks
    assert {"road", "light", "distance", "columns"} <= {"road", "light", *read_seen(_state())}
    _, second, _ = _analyze()
    assert "road: 90% or more" not in second and "loadwatch docs metrics" not in second
    _, again, _ = _analyze("--all", "--legend")
    assert "SPIKE: a run more than 10% longer" in again and "road: 90% or more" in again
    _, after, _ = _analyze("--all")
    assert "SPIKE" in after and "SPIKE:" not in after  # explained once, with --legend


def test_a_damaged_state_file_brings_the_legend_back(tmp_path: Path) -> None:
    """A state file that cannot be read counts as empty; one that cannot be written is no
    error; remembered codes are kept in a JSON list, written whole."""
    path = seen_file(tmp_path)
    path.write_text("{not json", encoding="utf-8")
    assert read_seen(path) == frozenset()
    assert remember_seen(path, ["road", "distance"])
    assert json.loads(path.read_text(encoding="utf-8")) == {"seen": ["road", "distance"]}
    assert remember_seen(path, ["road"]) and read_seen(path) == {"road", "distance"}
    path.write_text('{"seen": "road"}', encoding="utf-8")
    assert read_seen(path) == frozenset()
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert remember_seen(blocked / SEEN_FILE, ["road"]) is False


def test_stderr_is_wrapped_on_a_terminal_and_one_line_a_message_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a terminal the skipped files' reasons are wrapped to its width, each break at a
    space; piped or logged, each message is one line (a log is searched line by line)."""
    _, _, err = _analyze()
    assert "Skipped 2 files:\n" in err and "Left out 1 duplicate:\n" in err
    route = "strava-export/routes/3301234567890123456.gpx: holds a route"
    assert any(line.startswith(f"  {route}") and len(line) > 100 for line in err.splitlines())
    monkeypatch.setattr(console, "message_width", lambda _stream: 60)
    _, _, wrapped_err = _analyze()
    assert max(len(line) for line in wrapped_err.splitlines()) <= 60
    assert route in " ".join(wrapped_err.split())


def test_wrapped_keeps_words_and_paths_whole() -> None:
    """Lines break at spaces only: a hyphenated date or a long path is never cut."""
    text = "Skipped garmin/2026-08/2026-08-19-18-31-53.fit: the file breaks off before"
    lines = wrapped(text, 30)
    assert lines[0] == "Skipped garmin/2026-08/2026-08-19-18-31-53.fit:"  # past 30 anyway
    assert lines[1:] == ["  the file breaks off before"]
    dates = wrapped("2026-08-19-18-31-53 a-b-c-d-e-f", 20)
    assert dates == ["2026-08-19-18-31-53", "  a-b-c-d-e-f"]
    assert " ".join(" ".join(lines).split()) == text
    assert wrapped(f"Wrote {'/x' * 50}", 40) == [f"Wrote {'/x' * 50}"]  # too long anyway
    assert wrapped("", 40) == [""]
    assert wrapped("a b", 40, first="- ") == ["- a b"]


def test_the_width_is_the_terminal_s_or_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe gets 80 columns; a terminal its own width, 40 at the least."""

    class Tty:
        def isatty(self) -> bool:
            return True

    class Closed:
        def isatty(self) -> bool:
            raise ValueError("closed")

    assert width_of(Closed()) == PIPE_WIDTH  # type: ignore[arg-type]
    assert message_width(Closed()) is None  # type: ignore[arg-type]
    monkeypatch.setenv("COLUMNS", "120")
    assert width_of(Tty()) == 120 == message_width(Tty())  # type: ignore[arg-type]
    monkeypatch.setenv("COLUMNS", "20")
    assert width_of(Tty()) == 40  # type: ignore[arg-type]


def test_every_flag_and_note_has_words_and_marks_mean_one_thing() -> None:
    """flag_words gives each flag and note in words (no identifier); no table mark is also a
    risk word or a column's name (the old `hard` and `low`), and plurals are right."""
    for code in [*Flag, *Note]:
        assert "_" not in flag_words(code) and flag_words(code)
    assert flag_words("heat_stress") == "heat stress"
    marks = [note_mark(n) for n in Note] + [w.mark for w in FLAG_WORDS.values()]
    marks += [mark for mark, _ in RISK_LABELS.values()]
    assert len(set(marks)) == len(marks)
    assert not {"hard", "low", "Hard"} & set(marks)
    assert {RISK_WORDS[level] for level in RiskLevel} == {"low risk", "elevated risk", "high risk"}
    assert (plural(1, "run"), plural(2, "run")) == ("1 run", "2 runs")
    assert plural(1, "activity", "activities") == "1 activity"
    assert plural(0, "activity", "activities") == "0 activities"


def test_a_table_mark_is_never_a_raw_identifier() -> None:
    """The weeks' marks and the answer use words and marks, never flag or note codes."""
    _, out, _ = _analyze("--all")
    for code in [*Flag, *Note]:
        if "_" in code:
            assert code not in out


def test_advice_that_does_not_fit_follows_the_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Advice past the answer's lines is said after the weeks, never dropped; the answer
    alone (-q) says it all; a table with no weeks says there are none."""
    analysis = loadwatch.analyze(SAMPLE_DATA, cache=None)
    monkeypatch.setattr(answer_module, "ANSWER_LINES", 2)
    said = answer_module.answer(analysis)
    assert len(said.first) <= 2 and any("Next week" in line for line in said.more)
    table = render_table(analysis, legend=())
    assert table.index("Week of    Runs") < table.index("- Next week")
    assert "loadwatch docs metrics" not in table  # no legend asked for
    assert "- Next week" in render_answer(analysis)
    empty = dataclasses.replace(analysis, weeks=analysis.weeks.iloc[0:0])
    assert render_answer(empty).startswith("No runs found")
    assert "(no runs found)" in render_table(empty)


def test_a_red_flag_heads_the_answer_in_the_flag_s_style() -> None:
    """The body log's red flag is the answer's first line, styled as a flag on a terminal."""
    lines = ["RED FLAG since 2026-09-01: a pain", "  of 7.", "Week of 14 Sep 2026: ..."]
    styled = table_module._styled_flags(lines, lambda text, kind: f"<{kind}>{text}")
    assert styled == ["<flag>RED FLAG since 2026-09-01: a pain", "  of 7.", lines[2]]
