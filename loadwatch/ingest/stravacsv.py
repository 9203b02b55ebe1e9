"""Strava's ``activities.csv``, column by meaning: each activity's type, name, gear, RPE, times.

A Strava bulk export lists every activity in ``activities.csv``. Its header changed over the
years and follows the athlete's language, so columns are found by **meaning**, never by
position: a header cell is cleaned (HTML fragments such as ``<span class="...">`` dropped,
entities unescaped, accents and case folded, spaces squeezed) and looked up in
:data:`HEADERS`, which lists the English, French, Spanish and Czech names (old ``snake_case``
exports too). Columns added at the end over time are found wherever they are.

Two columns appear twice in exports since about 2021: ``Distance`` (first in the athlete's
unit, km or mi, then in metres) and ``Elapsed Time`` (first rounded, then exact, both in
seconds). The later of a pair is taken, in metres and seconds. A lone ``Distance`` column (older
exports) is in the athlete's unit, which the file does not say: it is read as kilometres, a
convention (an imperial athlete's manual entries then count 1.6 times short).

Numbers accept decimal commas (``5,23``) and spaces or dots between thousands. Dates are
Strava's UTC dates in English (``Apr 2, 2019, 6:47:35 AM``), French, Spanish or Czech words,
or numbers (``2. 4. 2019 6:47:35``).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
import unicodedata
from datetime import UTC, datetime

#: Each meaning, and the header names (cleaned: see :func:`clean_header`) that carry it.
HEADERS: dict[str, tuple[str, ...]] = {
    "file": ("filename", "file name", "nom du fichier", "nombre del archivo", "nazev souboru"),
    "gear": (
        "activity gear", "gear", "materiel de l'activite", "materiel", "equipo de la actividad",
        "equipo", "vybaveni aktivity", "vybaveni",
    ),
    "type": (
        "activity type", "type", "type d'activite", "tipo de actividad", "typ aktivity",
    ),
    "name": (
        "activity name", "name", "nom de l'activite", "nombre de la actividad", "nazev aktivity",
    ),
    "date": (
        "activity date", "date", "date de l'activite", "fecha de la actividad", "datum aktivity",
    ),
    "elapsed": (
        "elapsed time", "elapsed_time", "temps ecoule", "tiempo transcurrido", "uplynuly cas",
    ),
    "moving": (
        "moving time", "moving_time", "temps de deplacement", "tiempo en movimiento",
        "cas v pohybu",
    ),
    "distance": ("distance", "distancia", "vzdalenost"),
    "rpe": (
        "perceived exertion", "effort percu", "esfuerzo percibido", "vnimane usili",
    ),
    "commute": ("commute", "trajet", "desplazamiento", "dojizdeni"),
}  # fmt: skip

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_MONTHS: dict[str, int] = {}
for _number, _words in enumerate(
    (
        "jan janv ene leden led",
        "feb fevr fev feb unor uno",
        "mar mars marzo brezen bre",
        "apr avr abr duben dub",
        "may mai mayo kveten kve",
        "jun juin junio cerven cer",
        "jul juil julio cervenec cvc",
        "aug aout ago srpen srp",
        "sep sept septiembre zari zar set",
        "oct octobre octubre rijen rij",
        "nov novembre noviembre listopad lis",
        "dec decembre dic diciembre prosinec pro",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_words.split(), _number))
_DATE_WORDS = re.compile(
    r"^(?:(?P<m1>[a-z]+)\.? (?P<d1>\d{1,2}),? (?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\.? (?:de )?(?P<m2>[a-z]+)\.? (?:de )?(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})[./] ?(?P<m3>\d{1,2})[./] ?(?P<y3>\d{4})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2}))"
    r",?[ T](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))? ?(?P<ampm>[ap]\.? ?m\.?)?$"
)


@dataclasses.dataclass(frozen=True)
class StravaRow:
    """One activity as ``activities.csv`` lists it (what it says; blanks are None).

    Attributes:
        file: The activity file, relative to the folder holding the CSV (``/`` separators);
            None for an activity without one (a manual entry).
        gear: The gear chosen for it.
        type: Strava's activity type as written (``Run``, ``Course à pied``...).
        name: The activity's name.
        start: Its start, UTC, in ISO form.
        elapsed_s: Elapsed time, seconds.
        moving_s: Moving time, seconds.
        distance_m: Distance, metres.
        rpe: Perceived exertion, 1 to 10.
        commute: Whether it was marked as a commute.
    """

    file: str | None = None
    gear: str | None = None
    type: str | None = None
    name: str | None = None
    start: str | None = None
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    commute: bool = False


def clean_header(cell: str) -> str:
    """A header cell as :data:`HEADERS` spells it: no HTML, accents, case or extra spaces."""
    text = html.unescape(_TAG.sub(" ", cell)).replace("\u2019", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE.sub(" ", text).strip().lower()


def columns(header: list[str]) -> dict[str, list[int]]:
    """Each meaning found in a header, with the positions of its columns (left to right)."""
    lookup = {name: meaning for meaning, names in HEADERS.items() for name in names}
    found: dict[str, list[int]] = {}
    for position, cell in enumerate(header):
        meaning = lookup.get(clean_header(cell))
        if meaning is not None:
            found.setdefault(meaning, []).append(position)
    return found


def number(text: str | None) -> float | None:
    """A number as Strava writes it in any language (``5,23``, ``1 234,5``, ``1,234.5``)."""
    if text is None:
        return None
    cell = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cell and "." in cell:
        thousands = "," if cell.index(",") < cell.index(".") else "."
        cell = cell.replace(thousands, "")
    cell = cell.replace(",", ".")
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_date(text: str | None) -> datetime | None:
    """A date of ``activities.csv`` (UTC), in any of the forms the module docstring lists."""
    if not text:
        return None
    match = _DATE_WORDS.match(clean_header(text))
    if match is None:
        return None
    parts = match.groupdict()
    year = next(parts[k] for k in ("y1", "y2", "y3", "y4") if parts[k])
    day = next(parts[k] for k in ("d1", "d2", "d3", "d4") if parts[k])
    month_text = next(parts[k] for k in ("m1", "m2", "m3", "m4") if parts[k])
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text[:4].rstrip("."))
    month = month or _MONTHS.get(month_text[:3])
    hour = int(parts["h"]) % 12 if parts["ampm"] else int(parts["h"])
    if parts["ampm"] and parts["ampm"].startswith("p"):
        hour += 12
    try:
        return datetime(
            int(year),
            month or 0,
            int(day),
            hour,
            int(parts["mi"]),
            int(parts["s"] or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def read_rows(data: bytes) -> tuple[list[StravaRow], str | None]:
    """Every activity ``activities.csv`` lists, and why (part of) it could not be used.

    Raises nothing: an empty file, or one without a ``Filename`` column, gives no rows and
    the reason.
    """
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], "is empty"
    where = columns(header)
    if "file" not in where:
        return [], "has no 'Filename' column, so its activities are not used"
    rows: list[StravaRow] = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_row(cells, where))
    except csv.Error as error:
        return rows, f"is not valid CSV after {len(rows)} rows ({error})"
    return rows, None


def _cell(cells: list[str], where: dict[str, list[int]], meaning: str) -> str | None:
    """The cell of a meaning (the later column of a pair), stripped; None when blank."""
    positions = where.get(meaning)
    if not positions or positions[-1] >= len(cells):
        return None
    return cells[positions[-1]].strip() or None


def _row(cells: list[str], where: dict[str, list[int]]) -> StravaRow:
    def cell(meaning: str) -> str | None:
        return _cell(cells, where, meaning)

    distance = number(cell("distance"))
    if distance is not None and len(where.get("distance", ())) < 2:
        distance *= 1000.0  # a lone Distance column: the athlete's unit, read as km
    start = parse_date(cell("date"))
    rpe = number(cell("rpe"))
    return StravaRow(
        file=_relative(cell("file")),
        gear=cell("gear"),
        type=cell("type"),
        name=html.unescape(cell("name") or "") or None,
        start=None if start is None else start.isoformat(),
        elapsed_s=_positive(number(cell("elapsed"))),
        moving_s=_positive(number(cell("moving"))),
        distance_m=None if distance is None or distance < 0 else distance,
        rpe=rpe if rpe is not None and 1 <= rpe <= 10 else None,
        commute=(cell("commute") or "").lower() in ("true", "1", "yes", "vrai", "si", "sí", "ano"),
    )


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _relative(file: str | None) -> str | None:
    """A ``Filename`` cell as a relative path with ``/`` separators."""
    if not file:
        return None
    file = file.replace("\\", "/")
    while file.startswith("./"):
        file = file[2:]
    return file.lstrip("/") or None
