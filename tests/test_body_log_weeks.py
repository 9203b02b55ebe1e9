"""The body log in the analysis: each week's pain, check-in, strength and sRPE fields, and each
run's effort, in the frames and the JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import loadwatch
from loadwatch.body.entries import make_entry
from loadwatch.body.store import append
from loadwatch.render.data import to_csv, to_json
from tests.factories import gpx

TODAY = date(2026, 3, 31)


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Runs on 2, 3 and 10 March 2026 (30 minutes each), and a strength session on 4 March."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in (2, 3, 10):
        start = datetime(2026, 3, day, 6, 0, tzinfo=UTC)
        (folder / f"{day}.gpx").write_text(gpx(start, minutes=30), encoding="utf-8")
    gym = gpx(datetime(2026, 3, 4, 17, 0, tzinfo=UTC), minutes=30, type_="strength_training")
    (folder / "gym.gpx").write_text(gym, encoding="utf-8")
    return folder


def _log(path: Path, *rows: tuple[str, dict[str, object]]) -> Path:
    append(path, [make_entry(kind, values, TODAY) for kind, values in rows])
    return path


def _analyze(folder: Path, log: Path | None = None) -> loadwatch.Analysis:
    return loadwatch.analyze(
        folder, body_log=log, timezone="Europe/Berlin", as_of="2026-03-15", jobs=1
    )


def test_weekly_pain_checkin_strength_and_srpe(runs: Path, tmp_path: Path) -> None:
    """Each week's fields follow the log: pain, days, regions, OSTRC, strength and sRPE."""
    log = _log(
        tmp_path / "body.jsonl",
        ("pain", {"date": "2026-03-02", "level": 3, "where": "knee", "when": "after"}),
        ("pain", {"date": "2026-03-03", "level": 5, "where": "lower-back", "when": "during"}),
        ("pain", {"date": "2026-03-03", "level": 0, "where": "hip", "when": "rest"}),
        ("check-in", {"date": "2026-03-08", "answers": [1, 1, 0, 1]}),
        ("strength", {"date": "2026-03-04", "minutes": 30, "rpe": 5}),  # the recorded one
        ("strength", {"date": "2026-03-06", "minutes": 20}),
        ("rpe", {"date": "2026-03-02", "rpe": 6}),
        ("pain", {"date": "2026-03-20", "level": 9, "where": "foot", "when": "after"}),
    )
    weeks = _analyze(runs, log).weeks
    first, second = weeks.loc["2026-03-02"], weeks.loc["2026-03-09"]
    assert first["pain_max"] == 5 and first["pain_days"] == 2
    assert first["pain_regions"] == ("lower-back", "knee")
    assert first["ostrc_severity"] == 8 + 6 + 0 + 8
    assert first["strength_sessions"] == 2  # 4 March recorded and logged, 6 March logged
    assert first["srpe_load"] == pytest.approx(6 * 30 + 5 * 30, abs=0.5)
    assert second["pain_days"] == 0 and second["pain_regions"] == ()
    assert all(second[c] != second[c] for c in ("pain_max", "ostrc_severity", "srpe_load"))
    assert "2026-03-16" not in weeks.index  # the 20 March pain is after as_of


def test_without_a_log_the_fields_are_empty_and_strength_is_recorded(runs: Path) -> None:
    """No log: no pain, null check-in and sRPE, strength as recorded; runs have no effort."""
    result = _analyze(runs)
    assert result.body is None
    first = result.weeks.loc["2026-03-02"]
    assert first["pain_days"] == 0 and first["strength_sessions"] == 1
    assert result.timeline["rpe"].isna().all()
    report = json.loads(to_json(result))
    assert report["weeks"][0]["pain_max"] is None and report["weeks"][0]["pain_regions"] == []
    assert report["activities"][0]["rpe"] is None


def test_effort_goes_to_the_named_run_and_into_json_and_csv(runs: Path, tmp_path: Path) -> None:
    """An effort with a start attaches to that run; the JSON and CSV carry the fields."""
    log = _log(
        tmp_path / "body.jsonl",
        ("rpe", {"date": "2026-03-03", "rpe": 8, "run": "2026-03-03T07:00:00+01:00"}),
        ("pain", {"date": "2026-03-10", "level": 2, "where": "calf", "when": "after"}),
    )
    result = _analyze(runs, log)
    report = json.loads(to_json(result))
    efforts = {a["start"][:10]: a["rpe"] for a in report["activities"] if a["sport"] == "running"}
    assert efforts == {"2026-03-02": None, "2026-03-03": 8.0, "2026-03-10": None}
    assert report["weeks"][1]["pain_regions"] == ["calf"] and report["weeks"][1]["pain_max"] == 2
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert rows[0]["srpe_load"] == "240.0" and rows[1]["pain_regions"] == "calf"


def test_a_body_log_csv_in_the_folder_is_read_and_left_alone(runs: Path) -> None:
    """body-log.csv in the analysed folder is read (bad rows are warnings), never written."""
    sheet = runs / "body-log.csv"
    sheet.write_text(
        "date,level,where,when\n2026-03-10,4,shin,after\n2026-03-11,12,shin,after\n",
        encoding="utf-8",
    )
    before = sheet.read_bytes()
    result = _analyze(runs)
    assert result.weeks.loc["2026-03-09", "pain_max"] == 4
    assert any("line 3: left out" in w.message for w in result.warnings)
    assert sheet.read_bytes() == before


def test_srpe_is_a_load_basis(runs: Path, tmp_path: Path) -> None:
    """load = "srpe": the weeks' basis load is effort × minutes of the runs, in sRPE units."""
    log = _log(
        tmp_path / "body.jsonl",
        ("rpe", {"date": "2026-03-02", "rpe": 6}),
        ("rpe", {"date": "2026-03-10", "rpe": 4}),
    )
    result = loadwatch.analyze(
        runs, body_log=log, timezone="Europe/Berlin", as_of="2026-03-15", jobs=1, load="srpe"
    )
    assert list(result.weeks["basis_load"]) == pytest.approx([6 * 30, 4 * 30], abs=0.5)
    assert json.loads(to_json(result))["risk_settings"]["load_unit"] == "sRPE"
    without = loadwatch.analyze(
        runs, timezone="Europe/Berlin", as_of="2026-03-15", jobs=1, load="srpe"
    )
    assert list(without.weeks["basis_load"]) == [0.0, 0.0]
