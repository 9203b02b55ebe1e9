"""Shoes: config tables, Strava's activities.csv (folder and zip), gear per run and wear."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from factories import timeline_frame

from loadwatch.analysis import analyze
from loadwatch.errors import ConfigError
from loadwatch.ingest.gear import parse_activities_csv
from loadwatch.ingest.scan import scan
from loadwatch.metrics.shoes import assign_gear, gear_through_duplicates, shoe_status
from loadwatch.model import Duplicate
from loadwatch.settings.config import load_config
from loadwatch.settings.shoes import Shoe

STRAVA_CSV = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
    "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
    "Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance\n"
    '101,"Jun 1, 2026, 7:00:00 AM",Morning Run,Run,,1800,10.0,,,false,,Pegasus 40,'
    "activities/101.fit.gz,,,1800,1790,10000\n"
    '102,"Jun 2, 2026, 7:00:00 AM",Ride,Ride,,3600,30.0,,,false,,Old Bike,'
    "activities/102.gpx,,,3600,3500,30000\n"
    '103,"Jun 3, 2026, 7:00:00 AM",Manual run,Run,,1800,5.0,,,false,,Pegasus 40,,,,1800,1800,5000\n'
    '104,"Jun 4, 2026, 7:00:00 AM",No gear,Run,,1800,5.0,,,false,,,activities/104.gpx.gz,,,1,1,1\n'
)


def test_config_shoes_are_read(tmp_path: Path) -> None:
    """[[shoes]] gives name, days of use (TOML dates or text) and the limit (default 700)."""
    (tmp_path / "loadwatch.toml").write_text(
        '[[shoes]]\nname = "Pegasus"\nfirst_day = 2026-03-01\nlast_day = "2026-09-30"\n'
        'limit_km = 600\n\n[[shoes]]\nname = "Trail"\nfirst_day = 2026-05-01\n'
    )
    config = load_config(tmp_path, user_config=False)
    assert config.shoes == (
        Shoe("Pegasus", date(2026, 3, 1), date(2026, 9, 30), 600.0),
        Shoe("Trail", date(2026, 5, 1), None, 700.0),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("shoes = 3", "'shoes' must be a list"),
        ("[[shoes]]\nfirst_day = 2026-01-01", "'shoes[0].name' must be non-empty text"),
        ("[[shoes]]\nname = 'A'\nsize = 44", "unknown key 'shoes[0].size'"),
        ("[[shoes]]\nname = 'A'\nfirst_day = 'soon'", "'shoes[0].first_day' must be a date"),
        ("[[shoes]]\nname = 'A'\nfirst_day = 2026-05-01T07:00:00", "must be a date"),
        (
            "[[shoes]]\nname = 'A'\nfirst_day = 2026-05-01\nlast_day = 2026-04-01",
            "'shoes[0].last_day' must not be before",
        ),
        ("[[shoes]]\nname = 'A'\nlast_day = 2026-04-01", "has a last_day but no first_day"),
        ("[[shoes]]\nname = 'A'\nlimit_km = 0", "'shoes[0].limit_km' must be a distance"),
        ("[[shoes]]\nname = 'A'\nlimit_km = true", "'shoes[0].limit_km' must be a distance"),
    ],
)
def test_bad_shoes_name_key_and_file(tmp_path: Path, text: str, message: str) -> None:
    """Every bad [[shoes]] value is a ConfigError naming the key and the file."""
    config_file = tmp_path / "loadwatch.toml"
    config_file.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
        load_config(tmp_path, user_config=False)
    assert str(config_file) in str(info.value)


def test_activities_csv_gear_by_filename() -> None:
    """Rows with a file and a gear are matched; manual activities and empty gear are not."""
    table = parse_activities_csv(STRAVA_CSV.encode("utf-8-sig"), "export/activities.csv")
    assert table.problem is None
    assert table.by_label() == {
        "export/activities/101.fit.gz": "Pegasus 40",
        "export/activities/102.gpx": "Old Bike",
    }


def test_activities_csv_without_gear_column_is_reported() -> None:
    """An activities.csv without the gear column gives no gear and says why."""
    table = parse_activities_csv(b"Activity ID,Filename\n1,activities/1.fit\n", "activities.csv")
    assert table.by_label() == {}
    assert table.problem is not None and "'Activity Gear'" in table.problem
    assert parse_activities_csv(b"", "activities.csv").problem == "is empty"


def test_strava_gear_is_found_in_folders_and_zips(tmp_path: Path) -> None:
    """activities.csv is read from a subfolder and from inside a zip export, never written."""
    (tmp_path / "strava").mkdir()
    (tmp_path / "strava" / "activities.csv").write_text(STRAVA_CSV)
    with zipfile.ZipFile(tmp_path / "export_9.zip", "w") as archive:
        archive.writestr("activities.csv", STRAVA_CSV.replace("Pegasus 40", "Zip Shoe"))
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "activities.csv").write_text(STRAVA_CSV)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    gear = scan(tmp_path).gear
    assert gear.gear["strava/activities/101.fit.gz"] == "Pegasus 40"
    assert gear.gear["export_9.zip/activities/101.fit.gz"] == "Zip Shoe"
    assert not any(label.startswith(".hidden") for label in gear.gear)
    assert gear.problems == ()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert scan(tmp_path / "export_9.zip").gear.gear["export_9.zip/activities/102.gpx"]


def test_gear_from_strava_then_config_dates() -> None:
    """Strava's gear wins; other runs take the first shoe whose days cover them."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 10.0, "source": "activities/1.fit"},
            {"start": "2026-06-02 07:00", "distance_km": 8.0},
            {"start": "2026-06-03 07:00", "distance_km": 5.0},
            {"start": "2026-06-04 07:00", "distance_km": 30.0, "sport": "cycling"},
            {"start": "2026-06-10 07:00", "distance_km": 6.0},
        ]
    )
    shoes = [
        Shoe("Road", date(2026, 6, 2), date(2026, 6, 3), limit_km=12.0),
        Shoe("Other", date(2026, 6, 1)),
    ]
    out = assign_gear(frame, shoes=shoes, strava_gear={"activities/1.fit": "road"})
    assert list(out["gear"]) == ["road", "Road", "Road", None, "Other"]
    # "road" from Strava and "Road" from the config are the same pair: 10, 18, 23 km.
    assert list(out["shoe_km"].iloc[[0, 1, 2, 4]]) == [10.0, 18.0, 23.0, 6.0]
    assert list(out["shoe_limit_km"].iloc[[0, 1, 2, 4]]) == [12.0, 12.0, 12.0, 700.0]
    status = shoe_status(out)
    assert [(s.name, s.runs, s.distance_km, s.worn) for s in status] == [
        ("road", 3, 23.0, True),
        ("Other", 1, 6.0, False),
    ]
    assert status[0].first_run == date(2026, 6, 1) and status[0].last_run == date(2026, 6, 3)


def test_multi_activity_sources_match_their_file() -> None:
    """A part of a multisport file ('file.fit#2') takes the file's Strava gear."""
    frame = timeline_frame(
        [{"start": "2026-06-01 07:00", "distance_km": 10.0, "source": "a/1.fit#2"}]
    )
    out = assign_gear(frame, strava_gear={"a/1.fit": "Shoe"})
    assert out["gear"].iloc[0] == "Shoe"


def test_gear_follows_a_run_kept_from_the_watch_over_its_strava_copy(tmp_path: Path) -> None:
    """The watch's FIT is kept and the Strava export's GPX of the same run set aside: the
    shoe activities.csv names for the GPX goes to the kept run, and counts on the shoe."""
    sample = Path(__file__).parent.parent / "sample_data"
    watch = tmp_path / "runs" / "garmin"
    watch.mkdir(parents=True)
    kept = "2026-07-30-18-33-55.fit"
    shutil.copy(sample / "garmin" / "2026-07" / kept, watch / kept)
    export = tmp_path / "runs" / "strava" / "activities"
    export.mkdir(parents=True)
    shutil.copy(sample / "strava-export" / "activities" / "15350724901.gpx.gz", export)
    (export.parent / "activities.csv").write_text(
        STRAVA_CSV.replace("activities/101.fit.gz", "activities/15350724901.gpx.gz")
    )
    result = analyze(tmp_path / "runs", timezone="Europe/Berlin")
    assert [d.duplicate_of for d in result.duplicates] == [f"garmin/{kept}"]
    run = result.timeline.set_index("source").loc[f"garmin/{kept}"]
    assert run["gear"] == "Pegasus 40"
    assert [(shoe.name, shoe.runs) for shoe in result.shoes] == [("Pegasus 40", 1)]
    assert result.shoes[0].distance_km == pytest.approx(run["distance_km"])


def test_gear_the_kept_file_has_of_its_own_wins() -> None:
    """Only a kept file without gear of its own takes its duplicate's."""
    gear = {"strava/a.gpx": "Old", "strava/b.gpx": "Old", "garmin/b.fit": "New"}
    duplicates = [
        Duplicate("strava/a.gpx", "garmin/a.fit"),
        Duplicate("strava/b.gpx", "garmin/b.fit"),
        Duplicate("strava/c.gpx", "garmin/c.fit"),
    ]
    moved = gear_through_duplicates(gear, duplicates)
    assert moved["garmin/a.fit"] == "Old"
    assert moved["garmin/b.fit"] == "New"
    assert "garmin/c.fit" not in moved
    assert gear == {"strava/a.gpx": "Old", "strava/b.gpx": "Old", "garmin/b.fit": "New"}
