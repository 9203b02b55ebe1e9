"""Deterministic sample activity files, and the FIT, GPX and TCX writers that make them.

``python -m loadwatch.samples sample_data`` (or :func:`generate`) writes sixteen weeks of a
made-up runner's activities, built so that each kind of flag shows up; the folder's
README.txt tells the story. The writers are public for tests and benchmarks:
:func:`write_activity_fit` and :class:`FitWriter` (:mod:`loadwatch.samples.fitwrite`),
:func:`write_gpx` and :func:`write_tcx` (:mod:`loadwatch.samples.xmlwrite`).
"""

from __future__ import annotations

from pathlib import Path

from loadwatch.atomic import write_atomically
from loadwatch.errors import LoadwatchError
from loadwatch.samples._extras import NOTES_CSV, PHOTO, SAMPLE_CONFIG, readme, route_gpx
from loadwatch.samples._generate import produce
from loadwatch.samples._plan import routes
from loadwatch.samples.fitwrite import FitWriter, fit_crc, write_activity_fit
from loadwatch.samples.xmlwrite import write_gpx, write_tcx

__all__ = [
    "FitWriter",
    "fit_crc",
    "generate",
    "write_activity_fit",
    "write_demo",
    "write_gpx",
    "write_tcx",
]


def generate(out_dir: Path, *, seed: int = 7) -> list[Path]:
    """Write the sample activity folder into ``out_dir`` (created if needed).

    The same ``seed`` always gives the same bytes: the simulation uses a seeded numpy
    generator and nothing from the clock, and gzip headers carry no timestamp. Existing files
    of the same names are replaced (atomically); nothing else in ``out_dir`` is touched.

    Args:
        out_dir: The folder to write into.
        seed: Seed of the simulation.

    Returns:
        Every file written, sorted.
    """
    out_dir = Path(out_dir)
    produced = produce(out_dir, seed)
    extras = {
        "README.txt": readme(produced).encode(),
        "notes.csv": NOTES_CSV.encode(),
        "loadwatch.toml": SAMPLE_CONFIG.encode(),
        "strava-export/media/2f6c9a1e-0714.jpg": PHOTO,
        "strava-export/routes/3301234567890123456.gpx": route_gpx(routes()["grunewald"]),
    }
    for name, data in extras.items():
        write_atomically(out_dir / name, data)
    names = [name for item in produced for name in item.paths] + list(extras)
    return sorted(out_dir / name for name in names)


def write_demo(out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write the sample folder for someone who has no activity files at hand (``loadwatch demo``).

    Args:
        out_dir: The folder to write into: new, or empty.
        force: Write into a folder that holds files already (files of the same names are
            replaced; nothing else is touched).

    Returns:
        Every file written, sorted.

    Raises:
        LoadwatchError: ``out_dir`` is a file, or a folder that is not empty and ``force`` is
            false.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise LoadwatchError("is a file, not a folder", path=out_dir)
    if not force and out_dir.is_dir() and any(out_dir.iterdir()):
        raise LoadwatchError(
            "is not empty; choose a new folder (or --force to write the samples among its files)",
            path=out_dir,
        )
    return generate(out_dir)
