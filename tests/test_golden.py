"""Restructuring guard: what ``loadwatch analyze`` prints stays what it printed before the move.

The files in ``tests/golden/`` were recorded before the code was regrouped into stage packages
(issue 10) with ``loadwatch analyze PATH --format json --timezone UTC --no-cache -q`` on
``sample_data``, the shared corpus and the shared exports, plus the CSV and the table for
``sample_data``. The output must stay identical, except that later versions may add JSON keys
(the README promises that keys are added, never renamed or removed).

Re-record only when a change of output is intended, and say so in the commit: they were
re-recorded once since, for issue 11's intended changes (fragments skipped, the risk level from
the evidence, as-of and the week in progress), with ``--as-of 2026-12-01`` for the corpus and
the exports so that nothing here depends on the day the tests run (``sample_data`` sets its own
``as_of``). To re-record: ``LOADWATCH_UPDATE_GOLDEN=1 LOADWATCH_CORPUS=../shared/corpus python
-m pytest tests/test_golden.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli

GOLDEN = Path(__file__).parent / "golden"
SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"


#: The day the shared folders are analysed as of (sample_data's loadwatch.toml sets its own).
AS_OF = "2026-12-01"


def _run(path: Path, *args: str, quiet: str = "-q") -> str:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["analyze", str(path), "--timezone", "UTC", "--no-cache", quiet, "--jobs", "1", *args],
        env={"COLUMNS": "80", "NO_COLOR": "1"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _recorded(name: str, now: str) -> str:
    """The recorded output ``name``; with LOADWATCH_UPDATE_GOLDEN set, ``now`` is recorded."""
    path = GOLDEN / name
    if os.environ.get("LOADWATCH_UPDATE_GOLDEN"):
        path.write_text(now)
    return path.read_text()


def _contains(recorded: Any, now: Any, where: str = "$") -> None:
    """``now`` holds everything ``recorded`` holds (dicts may have gained keys)."""
    if isinstance(recorded, dict):
        assert isinstance(now, dict), where
        for key, value in recorded.items():
            assert key in now, f"{where}.{key} is gone"
            _contains(value, now[key], f"{where}.{key}")
    elif isinstance(recorded, list):
        assert isinstance(now, list), where
        assert len(now) == len(recorded), f"{where}: {len(now)} items, {len(recorded)} recorded"
        for index, (old, new) in enumerate(zip(recorded, now, strict=True)):
            _contains(old, new, f"{where}[{index}]")
    else:
        assert now == recorded, f"{where}: {now!r}, recorded {recorded!r}"


def _exports(corpus: Path) -> Path:
    path = Path(os.environ.get("LOADWATCH_EXPORTS", corpus.parent / "corpus-exports"))
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the shared exports are missing at {path}")
        pytest.skip("the shared exports (corpus-exports) are not beside the corpus")
    return path


def test_sample_data_json_is_as_recorded() -> None:
    now = _run(SAMPLE_DATA, "--format", "json")
    _contains(json.loads(_recorded("sample_data.json", now)), json.loads(now))


def test_sample_data_csv_is_as_recorded() -> None:
    now = _run(SAMPLE_DATA, "--format", "csv")
    recorded = _recorded("sample_data.csv", now)
    # New columns may follow the recorded ones; those recorded keep their order and values.
    for old, new in zip(recorded.splitlines(), now.splitlines(), strict=True):
        assert new.startswith(old), (old, new)


def test_sample_data_table_is_as_recorded() -> None:
    # Every week, and the legend of every mark (-q would print the answer alone).
    now = _run(SAMPLE_DATA, "--all", "--legend", quiet="--no-cache")
    assert now == _recorded("sample_data.txt", now)


@pytest.mark.corpus
def test_corpus_json_is_as_recorded(corpus: Path) -> None:
    now = _run(corpus, "--format", "json", "--as-of", AS_OF)
    _contains(json.loads(_recorded("corpus.json", now)), json.loads(now))


@pytest.mark.corpus
def test_exports_json_is_as_recorded(corpus: Path) -> None:
    now = _run(_exports(corpus), "--format", "json", "--as-of", AS_OF)
    _contains(json.loads(_recorded("corpus-exports.json", now)), json.loads(now))
