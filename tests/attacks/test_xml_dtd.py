"""XML with a DTD: refused whatever hides it, and said so by name.

gpxpy deletes the first ``xmlns="..."`` it finds before parsing, wherever it is: a DTD hidden
from the bytes' check by it (inside a comment that the deletion opens) used to be parsed and its
entities expanded. And a DOCTYPE with an internal subset was called "XML, but neither GPX nor
TCX" instead of being refused for its DTD.
"""

from __future__ import annotations

import gzip
import inspect
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import gpxpy.parser
import pytest
from click.testing import CliRunner
from factories import gpx

from loadwatch.cli import cli
from loadwatch.errors import CorruptFileError
from loadwatch.ingest.readers.gpx import GPXPY_DEFAULT_NAMESPACE, read_gpx

#: What an entity expands to: long enough to be seen if it ever reaches the report.
PAYLOAD = "A" * 300_000
REFUSED = "declares a DTD; loadwatch does not read DTDs for safety"


def _body(name: str = "&n;") -> str:
    """A good GPX document without its XML declaration, its track named ``name``."""
    document = gpx(datetime(2026, 6, 1, 7, tzinfo=UTC), minutes=20, name="NAME")
    return document.split("\n", 1)[1].replace("<name>NAME</name>", f"<name>{name}</name>")


def _hidden_by_gpxpy() -> str:
    """A DTD that expat sees inside a comment, until gpxpy deletes the comment's opening."""
    subset = f'<!ENTITY n "{PAYLOAD}"><!ENTITY z "--><gpx>">'
    return f'<?x xmlns="?><!--"?><!DOCTYPE gpx [{subset}]>{_body()}'


def _after_a_comment() -> str:
    """The issue's form: an ``xmlns`` in a comment before the DTD."""
    return f'<!-- xmlns="a"--> <!DOCTYPE gpx [<!ENTITY n "{PAYLOAD}">]>{_body()}'


def _long_subset() -> str:
    """A DTD whose internal subset runs past the bytes the format sniffing sees."""
    padding = "".join(f'<!ENTITY p{i} "{i}">' for i in range(2000))
    return f'<!DOCTYPE gpx [{padding}<!ENTITY n "{PAYLOAD}">]>{_body()}'


TCX = (
    '<?xml version="1.0"?><!DOCTYPE TrainingCenterDatabase [<!ENTITY n "'
    + PAYLOAD
    + '">]><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
    'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>&n;</Id>'
    "</Activity></Activities></TrainingCenterDatabase>"
)

HOSTILE = {
    "hidden-by-gpxpy.gpx": _hidden_by_gpxpy(),
    "comment-first.gpx": _after_a_comment(),
    "long-subset.gpx": _long_subset(),
    "internal-subset.tcx": TCX,
}


def test_the_hidden_dtd_is_refused_by_the_reader() -> None:
    """The reader refuses the DTD that only appears once gpxpy has changed the text."""
    with pytest.raises(CorruptFileError, match=REFUSED):
        read_gpx(_hidden_by_gpxpy().encode(), "hidden.gpx")


def test_gpxpy_still_deletes_what_we_check_for() -> None:
    """loadwatch checks the text gpxpy parses by deleting what gpxpy deletes: gpxpy's own
    source must still hold that same pattern (a new gpxpy that changes it fails here)."""
    source = inspect.getsource(gpxpy.parser.GPXParser.parse)
    assert GPXPY_DEFAULT_NAMESPACE.pattern in source
    assert "count=1" in source


def _packed(name: str, text: str) -> dict[str, bytes]:
    """The document plain, gzipped and zipped."""
    data = text.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return {name: data, f"{name}.gz": gzip.compress(data), f"{name}.zip": buffer.getvalue()}


def test_every_dtd_is_refused_by_name(tmp_path: Path) -> None:
    """Each hostile document, plain, .gz and .zip, is skipped because it declares a DTD; the
    entity never reaches the report; the good run beside them is read; the folder unchanged."""
    folder = tmp_path / "watch"
    folder.mkdir()
    (folder / "good.gpx").write_text(_body("Morning run").join(["<?xml version='1.0'?>", ""]))
    for name, text in HOSTILE.items():
        for packed, data in _packed(name, text).items():
            (folder / packed).write_bytes(data)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = CliRunner().invoke(cli, ["analyze", str(folder), "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and PAYLOAD[:100] not in result.output
    report = json.loads(result.stdout)
    assert len(report["activities"]) == 1
    refused = [line for line in result.stderr.splitlines() if REFUSED in line]
    assert len(refused) == 3 * len(HOSTILE), result.stderr
    assert "neither GPX nor TCX" not in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
