"""A Strava bulk export: activities.csv in every header variant gives sport, gear, RPE and the
activities without a file; the planned routes of routes/ never count."""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import shutil
import zipfile
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from factories import gpx

from loadwatch import analyze
from loadwatch.body.entries import make_entry
from loadwatch.body.store import append
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.cache_codec import decode_outcomes, encode_outcomes
from loadwatch.ingest.gear import CSV_ONLY, parse_activities_csv, strava_sport
from loadwatch.ingest.scan import Scan, scan
from loadwatch.ingest.stravacsv import HEADERS, clean_header, number, parse_date, read_rows

SPAN = (
    '<span class="translation_missing" title="translation missing: '
    'en-US.lib.export.portability_exporter.activities.horton_values.{0}">{1}</span>'
)
# Each variant: its header, its date form, its Run and Walk types, its decimal separator.
VARIANTS: dict[str, dict[str, object]] = {
    "english-2017": {
        "header": "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Commute,Activity Gear,Filename",
        "date": "Jun {day}, 2026, 7:00:00 AM",
        "types": ("Run", "Walk"),
        "comma": False,
    },
    "english-2024": {
        "header": "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
        "Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,"
        f"{SPAN.format('total_steps', 'Total Steps')},"
        f"{SPAN.format('perceived_exertion', 'Perceived Exertion')},"
        "Perceived Relative Effort,Media",
        "date": "Jun {day}, 2026, 7:00:00 AM",
        "types": ("Run", "Walk"),
        "comma": False,
    },
    "french": {
        "header": "ID de l'activité,Date de l'activité,Nom de l'activité,Type d'activité,"
        "Description de l'activité,Temps écoulé,Distance,Fréquence cardiaque max.,"
        "Effort relatif,Trajet,Note privée sur l'activité,Matériel de l'activité,"
        "Nom du fichier,Poids de l'athlète,Poids du vélo,Temps écoulé,Temps de déplacement,"
        "Distance,Nombre total de pas,Effort perçu,Effort relatif perçu,Médias",
        "date": "{day} juin 2026, 07:00:00",
        "types": ("Course à pied", "Marche"),
        "comma": True,
    },
    "spanish": {
        "header": "ID de actividad,Fecha de la actividad,Nombre de la actividad,"
        "Tipo de actividad,Descripción de la actividad,Tiempo transcurrido,Distancia,"
        "Frecuencia cardiaca máxima,Esfuerzo relativo,Desplazamiento,"
        "Nota privada de la actividad,Equipo de la actividad,Nombre del archivo,"
        "Peso del deportista,Peso de la bicicleta,Tiempo transcurrido,Tiempo en movimiento,"
        "Distancia,Pasos totales,Esfuerzo percibido,Esfuerzo relativo percibido,Medios",
        "date": "{day} jun 2026, 7:00:00",
        "types": ("Carrera", "Caminata"),
        "comma": True,
    },
    "czech": {
        "header": "ID aktivity,Datum aktivity,Název aktivity,Typ aktivity,Popis aktivity,"
        "Uplynulý čas,Vzdálenost,Max. srdeční tep,Relativní úsilí,Dojíždění,"
        "Soukromá poznámka k aktivitě,Vybavení aktivity,Název souboru,Hmotnost sportovce,"
        "Hmotnost kola,Uplynulý čas,Čas v pohybu,Vzdálenost,Celkový počet kroků,"
        "Vnímané úsilí,Vnímané relativní úsilí,Média",
        "date": "{day}. 6. 2026 7:00:00",
        "types": ("Běh", "Chůze"),
        "comma": True,
    },
}


def activities_csv(variant: str) -> str:
    """The variant's activities.csv: a run with its file, a walk whose file says running, a
    manual run without a file."""
    spec = VARIANTS[variant]
    header = next(csv.reader([str(spec["header"])]))
    run, walk = spec["types"]  # type: ignore[misc]
    rows = [
        # id, day, name, type, elapsed, km, gear, file, moving, metres, rpe
        ("1", 1, "Tempo &amp; hills", run, 1800, 5.4, "Pegasus 40", "activities/1.gpx", 1790,
         5400.5, 7),
        ("2", 2, "Evening walk", walk, 1800, 5.4, "", "activities/2.gpx.gz", 1800, 5400.5, ""),
        ("3", 3, "Treadmill (typed in)", run, 1800, 5.0, "Pegasus 40", "", 1750, 5000.0, 6),
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for ident, day, name, kind, elapsed, km, gear, file, moving, metres, rpe in rows:
        by_meaning = {
            "id": ident,
            "date": str(spec["date"]).format(day=day),
            "name": name,
            "type": kind,
            "elapsed": _decimal(elapsed, spec),
            "km": _decimal(km, spec),
            "gear": gear,
            "file": file,
            "moving": _decimal(moving, spec),
            "metres": _decimal(metres, spec),
            "rpe": str(rpe),
        }
        writer.writerow(_cells(header, by_meaning))
    return out.getvalue()


def _decimal(value: float, spec: dict[str, object]) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if spec["comma"] else text


def _cells(header: list[str], values: dict[str, str]) -> list[str]:
    """A row's cells in the header's order, by each column's meaning (the first of a pair of
    Distance columns is the athlete's unit, the second metres)."""
    meaning = {
        "activity id": "id", "id de l'activite": "id", "id de actividad": "id",
        "id aktivity": "id", "activity date": "date", "date de l'activite": "date",
        "fecha de la actividad": "date", "datum aktivity": "date",
    }  # fmt: skip
    cells: list[str] = []
    seen: set[str] = set()
    for cell in header:
        key = clean_header(cell)
        found = meaning.get(key) or next((m for m, names in HEADERS.items() if key in names), "")
        if found == "distance":
            found = "metres" if "distance" in seen else "km"
            seen.add("distance")
        if found == "commute":
            cells.append("false")
            continue
        cells.append(values.get(found, ""))
    return cells


def build_export(folder: Path, variant: str) -> Path:
    """A Strava export folder: activities.csv, activities/ and a planned route in routes/."""
    start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    (folder / "activities").mkdir(parents=True)
    (folder / "routes").mkdir()
    (folder / "activities" / "1.gpx").write_text(gpx(start, type_=None))
    walk = gpx(start.replace(day=2), type_="running", speed=3.0)
    (folder / "activities" / "2.gpx.gz").write_bytes(gzip.compress(walk.encode()))
    # A planned route with made-up times: 0.4 km in two minutes, a plausible jog.
    (folder / "routes" / "route_1.gpx").write_text(gpx(start, minutes=2, speed=3.4))
    (folder / "activities.csv").write_text(activities_csv(variant), encoding="utf-8")
    return folder


def _check(result: Scan, prefix: str, variant: str) -> None:
    kept = {s.source: s for s in result.summaries}
    run = kept[f"{prefix}activities/1.gpx"]
    assert run.sport == "running"
    assert run.name == "Tempo & hills"
    walk = kept[f"{prefix}activities/2.gpx.gz"]
    assert walk.sport == "walking"  # the CSV's type wins over the file's
    manual = kept[f"{prefix}activities.csv#3"]
    assert manual.format == "strava-csv"
    assert manual.sport == "running"
    assert manual.start == datetime(2026, 6, 3, 7, 0, tzinfo=UTC)
    assert manual.distance_m == pytest.approx(5000)
    assert CSV_ONLY in manual.warnings
    assert result.gear.gear[f"{prefix}activities/1.gpx"] == "Pegasus 40"
    if variant == "english-2017":  # no Moving Time, no Perceived Exertion, one Distance in km
        assert manual.duration_s == pytest.approx(1800)
        assert math.isnan(run.rpe)
    else:
        assert manual.duration_s == pytest.approx(1750)
        assert run.rpe == 7 and manual.rpe == 6
        assert math.isnan(walk.rpe)
    assert len(kept) == 3  # the planned route is not an activity
    skipped = {s.source: s.reason for s in result.skipped}
    assert "route planned in Strava" in skipped[f"{prefix}routes/route_1.gpx"]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_header_variant_in_a_folder(tmp_path: Path, variant: str) -> None:
    """Sport, name, gear and RPE from the CSV; the manual run counted; the route not."""
    build_export(tmp_path / "export", variant)
    _check(scan(tmp_path), "export/", variant)


@pytest.mark.parametrize("variant", ["english-2024", "czech"])
def test_a_zipped_export(tmp_path: Path, variant: str) -> None:
    """The same export as Strava sends it, export_NNN.zip, read without unpacking."""
    folder = build_export(tmp_path / "unpacked", variant)
    archive = tmp_path / "in" / "export_123.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                handle.write(path, path.relative_to(folder).as_posix())
    _check(scan(archive.parent), "export_123.zip/", variant)


def test_the_weeks_count_the_manual_run(tmp_path: Path) -> None:
    """analyze(): two runs in the week (the recorded one and the typed-in one), no route."""
    build_export(tmp_path / "export", "english-2024")
    result = analyze(tmp_path, timezone="UTC", as_of="2026-06-10")
    runs = result.timeline[result.timeline["sport"] == "running"]
    assert len(runs) == 2
    assert result.weeks["runs"].sum() == 2


def test_the_cache_keeps_what_the_csv_says(tmp_path: Path) -> None:
    """A warm run from the cache gives the same sports, RPE and manual activities."""
    build_export(tmp_path / "export", "french")
    with Cache(tmp_path / "cache.sqlite3") as cache:
        scan(tmp_path / "export", cache=cache)
        warm = scan(tmp_path / "export", cache=cache)
    _check(warm, "", "french")


def test_rows_it_cannot_use(tmp_path: Path) -> None:
    """A CSV without Filename, an empty one, broken CSV, a manual row without date or time."""
    assert read_rows(b"Activity ID,Activity Gear\n1,Shoe\n")[1] is not None
    assert read_rows(b"")[1] == "is empty"
    _, problem = read_rows(b"Filename\na.gpx\n" + b"b" * 200_000 + b"\n")
    assert problem is not None and "not valid CSV" in problem
    table = parse_activities_csv(
        b"Activity Date,Activity Type,Elapsed Time,Filename\n,Run,100,\n"
        b'"Jun 1, 2026, 7:00:00 AM",Run,,\n\n',
        "activities.csv",
    )
    assert table.problem is not None and "'Activity Gear'" in table.problem
    (tmp_path / "activities.csv").write_bytes(
        b"Activity Date,Activity Type,Elapsed Time,Filename,Activity Gear\n,Run,100,,\n"
    )
    assert scan(tmp_path).summaries == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("5,23", 5.23), ("1 234,5", 1234.5), ("1,234.5", 1234.5), ("1.234,5", 1234.5),
     ("abc", None), ("", None), ("nan", None)],
)  # fmt: skip
def test_numbers_in_every_language(text: str, value: float | None) -> None:
    """Decimal commas and thousands separators."""
    assert number(text) == value


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("Apr 2, 2019, 6:47:35 PM", datetime(2019, 4, 2, 18, 47, 35, tzinfo=UTC)),
        ("Dec 31, 2019, 12:05:00 AM", datetime(2019, 12, 31, 0, 5, tzinfo=UTC)),
        ("2 févr. 2019, 06:47:35", datetime(2019, 2, 2, 6, 47, 35, tzinfo=UTC)),
        ("2 de sept. de 2019 6:47:35", datetime(2019, 9, 2, 6, 47, 35, tzinfo=UTC)),
        ("2. 4. 2019 6:47:35", datetime(2019, 4, 2, 6, 47, 35, tzinfo=UTC)),
        ("2019-04-02 06:47:35", datetime(2019, 4, 2, 6, 47, 35, tzinfo=UTC)),
        ("31 fevr. 2019, 06:47:35", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates_in_every_language(text: str, moment: datetime | None) -> None:
    """English, French, Spanish, Czech and numeric dates; impossible ones give None."""
    assert parse_date(text) == moment


def test_strava_types() -> None:
    """Strava's types in English and other languages, and unknown ones."""
    assert strava_sport("Trail Run") == ("running", "trail")
    assert strava_sport("Weight Training") == ("strength", None)
    assert strava_sport("Course à pied") == ("running", None)
    assert strava_sport("Workout") == ("other", None)
    assert strava_sport("Kitesurf") is None
    assert strava_sport(None) is None


@pytest.mark.skipif(os.environ.get("LOADWATCH_CORPUS") is None, reason="needs the corpus")
def test_an_export_of_corpus_files(corpus: Path, tmp_path: Path) -> None:
    """Strava's own files (a gzipped FIT, a GPX) with an activities.csv: the CSV's sport,
    gear and RPE; a planned route never counts."""
    strava = corpus.parent / "corpus-exports" / "strava"
    if not strava.is_dir():
        pytest.skip("the shared exports are not beside the corpus")
    export = tmp_path / "export"
    (export / "activities").mkdir(parents=True)
    (export / "routes").mkdir()
    shutil.copy(
        strava / "GoldenCheetah__GoldenCheetah" / "14582164182.fit.gz", export / "activities"
    )
    run = strava / "jimmykane__sports-lib" / "20170319_run_906581465.gpx"
    shutil.copy(run, export / "activities" / "906581465.gpx")
    shutil.copy(run, export / "routes" / "906581465.gpx")  # a route made from the run
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
        "Activity Gear,Filename,Elapsed Time,Moving Time,Distance,Perceived Exertion\n"
        '906581465,"Mar 19, 2017, 8:00:00 AM",Sunday long run,Trail Run,5000,12.6,Speedgoat,'
        "activities/906581465.gpx,5000,4800,12600,8\n"
        '14582164182,"Feb 19, 2025, 6:00:00 PM",MyWhoosh,Virtual Ride,1632,14.9,Trainer,'
        "activities/14582164182.fit.gz,1632,1632,14900,5\n"
    )
    result = scan(tmp_path)
    kept = {s.source: s for s in result.summaries}
    assert len(kept) == 2
    trail = kept["export/activities/906581465.gpx"]
    assert (trail.sport, trail.sub_sport, trail.rpe) == ("running", "trail", 8)
    assert kept["export/activities/14582164182.fit.gz"].sport == "cycling"
    assert result.gear.gear["export/activities/906581465.gpx"] == "Speedgoat"
    assert "export/routes/906581465.gpx" in {s.source for s in result.skipped}


def test_the_cache_refuses_a_strava_row_it_did_not_write() -> None:
    """A stored row with a wrong field or type is not used (the file is read again)."""
    table = parse_activities_csv(activities_csv("english-2024").encode(), "activities.csv")
    blob = encode_outcomes([table])
    assert decode_outcomes(blob) == [table]
    document = json.loads(zlib.decompress(blob))
    document["outcomes"][0]["gear"]["activities"][0]["rpe"] = "seven"
    with pytest.raises(ValueError, match="rpe"):
        decode_outcomes(zlib.compress(json.dumps(document).encode()))
    document["outcomes"][0]["gear"]["activities"][0]["extra"] = 1
    with pytest.raises(ValueError, match="other fields"):
        decode_outcomes(zlib.compress(json.dumps(document).encode()))


def test_a_header_that_is_not_csv() -> None:
    """A header line too long for CSV: no gear column, said so."""
    table = parse_activities_csv(b'"' + b"x" * 200_000 + b'"\n', "activities.csv")
    assert table.problem is not None


def test_strava_s_perceived_exertion_is_the_run_s_effort_unless_the_log_says(
    tmp_path: Path,
) -> None:
    """analyze(): the CSV's Perceived Exertion is each run's rpe and counts in srpe_load; an
    effort logged in the body log for that run wins."""
    build_export(tmp_path / "export", "english-2024")
    result = analyze(tmp_path, timezone="UTC", as_of="2026-06-10")
    runs = result.timeline[result.timeline["sport"] == "running"].set_index("source")
    assert runs.loc["export/activities/1.gpx", "rpe"] == 7
    assert runs.loc["export/activities.csv#3", "rpe"] == 6
    assert result.weeks["srpe_load"].iloc[-1] > 0
    body = tmp_path / "body.jsonl"
    effort = make_entry("rpe", {"date": "2026-06-01", "rpe": 4}, date.max)
    append(body, [effort])
    logged = analyze(tmp_path, timezone="UTC", as_of="2026-06-10", body_log=body)
    runs = logged.timeline[logged.timeline["sport"] == "running"].set_index("source")
    assert runs.loc["export/activities/1.gpx", "rpe"] == 4
    assert runs.loc["export/activities.csv#3", "rpe"] == 6
