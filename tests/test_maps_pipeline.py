"""Surfaces from a map through the whole pipeline: --osm, the JSON, weeks, precedence."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from osm_factory import OsmMap, run_along

from loadwatch import analyze
from loadwatch.cli import cli
from loadwatch.errors import ConfigError
from loadwatch.ingest.geo import cumulative_distance_m
from loadwatch.settings.config import SURFACES

if os.environ.get("CI"):
    import osmium  # noqa: F401  (on CI the maps extra must be installed: fail, do not skip)
else:
    pytest.importorskip(
        "osmium", reason="pyosmium is not installed (pip install 'loadwatch[maps]')"
    )

START = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def gpx_along(lat: np.ndarray, lon: np.ndarray, start: datetime, name: str = "Run") -> str:
    """A timed GPX track through the given points, at a running pace of 3 m/s."""
    seconds = np.round(cumulative_distance_m(lat, lon) / 3.0).astype(int).tolist()
    points = "".join(
        f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><time>'
        f"{(start + timedelta(seconds=s)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for s, la, lo in zip(seconds, lat.tolist(), lon.tolist(), strict=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{name}</name><type>running</type><trkseg>{points}</trkseg></trk></gpx>"
    )


@pytest.fixture
def town(tmp_path: Path) -> Path:
    """An asphalt road east for 1 km, then a dirt path on for another 1 km."""
    osm = OsmMap()
    osm.way([(0.0, 0.0), (1000.0, 0.0)], highway="residential", surface="asphalt")
    osm.way([(1000.0, 0.0), (2000.0, 0.0)], highway="path", surface="dirt")
    return osm.write(tmp_path / "town.osm")


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Two runs: road then trail (2 km), and one whose name a config rule claims."""
    folder = tmp_path / "runs"
    folder.mkdir()
    lat, lon = run_along([(0.0, 0.0), (2000.0, 0.0)])
    (folder / "mixed.gpx").write_text(gpx_along(lat, lon, START))
    (folder / "parkrun.gpx").write_text(gpx_along(lat, lon, START + timedelta(days=2), "parkrun"))
    return folder


def test_map_splits_a_run_over_its_surfaces(runs: Path, town: Path, tmp_path: Path) -> None:
    """A run half on asphalt, half on dirt: about 1 km road and 1 km trail, source "map"."""
    result = analyze(runs, osm=town, timezone="UTC")
    mixed = result.timeline.set_index("source").loc["mixed.gpx"]
    assert mixed["surface_source"] == "map"
    assert mixed["surface_km_road"] == pytest.approx(1.0, abs=0.1)
    assert mixed["surface_km_trail"] == pytest.approx(1.0, abs=0.1)
    total = sum(mixed[f"surface_km_{s}"] for s in SURFACES)
    assert total == pytest.approx(mixed["distance_km"])
    week = result.weeks.iloc[0]
    assert week["surface_km_trail"] == pytest.approx(2.0, abs=0.2)  # both runs, from the map
    assert result.surface_map == town


def test_without_a_map_everything_is_as_before(runs: Path) -> None:
    """No map: the plain running type says nothing, so the runs stay unknown."""
    result = analyze(runs, timezone="UTC")
    assert set(result.timeline["surface"]) == {"unknown"}
    assert set(result.timeline["surface_source"]) == {"none"}
    assert result.surface_map is None


def test_config_rules_win_over_the_map(runs: Path, town: Path, tmp_path: Path) -> None:
    """A rule from the config decides first; the map fills in the rest."""
    (runs / "loadwatch.toml").write_text(
        f'[surfaces]\nosm = "{town}"\n\n[[surfaces.rules]]\nname = "parkrun"\nsurface = "track"\n'
    )
    result = analyze(runs, timezone="UTC")
    by_source = result.timeline.set_index("source")
    assert by_source.loc["parkrun.gpx", "surface_source"] == "rule"
    assert by_source.loc["parkrun.gpx", "surface"] == "track"
    assert by_source.loc["mixed.gpx", "surface_source"] == "map"


def test_cli_json_and_attribution(runs: Path, town: Path, tmp_path: Path) -> None:
    """--osm adds each run's surface_km and surface_source, credits OpenStreetMap everywhere."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["analyze", str(runs), "--osm", str(town), "--format", "json", "--out", str(out)],
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    mixed = next(a for a in report["activities"] if a["source"] == "mixed.gpx")
    assert mixed["surface_source"] == "map"
    assert set(mixed["surface_km"]) == {"road", "trail", "track", "treadmill", "unknown"}
    assert report["surface_map"]["attribution"].startswith("Map data © OpenStreetMap")
    assert "OpenStreetMap contributors" in (out / "index.html").read_text()
    assert "OpenStreetMap contributors" in (out / "weekly-risk.svg").read_text()


def test_a_missing_extract_is_an_error_naming_it(runs: Path, tmp_path: Path) -> None:
    """--osm pointing nowhere stops with a message naming the file."""
    with pytest.raises(ConfigError, match=r"nowhere\.osm\.pbf"):
        analyze(runs, osm=tmp_path / "nowhere.osm.pbf")
    result = CliRunner().invoke(cli, ["analyze", str(runs), "--osm", str(tmp_path / "x.pbf")])
    assert result.exit_code == 1 and "x.pbf" in result.stderr


def test_the_real_andorra_trace(tmp_path: Path) -> None:
    """The real GPS trace through the real Andorra extract, given times: mostly road."""
    maps = Path(os.environ.get("LOADWATCH_MAPS", "../shared/maps"))
    if not (maps / "andorra.osm.pbf").exists():
        if os.environ.get("CI"):
            pytest.fail("CI must provide the shared maps (LOADWATCH_MAPS)")
        pytest.skip("no shared maps here")
    root = ET.parse(maps / "andorra-map-matching-trace.gpx").getroot()
    points = [
        (float(p.get("lat", "nan")), float(p.get("lon", "nan")))
        for p in root.iter()
        if p.tag.endswith("trkpt")
    ]
    lat, lon = (np.array(column) for column in zip(*points, strict=True))
    folder = tmp_path / "andorra"
    folder.mkdir()
    (folder / "trace.gpx").write_text(gpx_along(lat, lon, START))
    result = analyze(folder, osm=maps / "andorra.osm.pbf", timezone="UTC")
    run = result.timeline.iloc[0]
    assert run["surface_source"] == "map"
    assert run["surface_km_road"] / run["distance_km"] > 0.9
