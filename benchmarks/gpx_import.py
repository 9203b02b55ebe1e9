"""GPX and TCX import: where the time goes, and what a streaming GPX path could save.

Usage::

    python benchmarks/gpx_import.py [--runs 200] [--jobs 2 1]

Generates one-hour runs at 1 Hz as GPX (Garmin TrackPointExtension heart rate and cadence,
as Strava exports them) and as TCX, then:

* in this process, per GPX file: gpxpy's parse, the rest of :func:`read_gpx` (times, distances,
  the samples frame), and :func:`summarise`; the same for TCX (:func:`read_tcx`, standard
  library XML);
* bare extractions of the same track points, streamed with ``xml.etree.ElementTree`` or
  found with regular expressions, times parsed in one go: lower bounds for what a streaming
  path for plain tracks would cost (they handle none of the reader's edge cases);
* a cold ``loadwatch analyze`` of the GPX folder (no cache), wall time and peak memory, with
  :mod:`cold_import`'s measurement.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import gpxpy
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_import import measure
from history import FIRST_DAY

from loadwatch.ingest.readers.gpx import read_gpx
from loadwatch.ingest.readers.tcx import read_tcx
from loadwatch.ingest.summary import summarise
from loadwatch.samples.xmlwrite import write_gpx, write_tcx

#: One hour at 1 Hz.
SECONDS = 3600


def _columns(day: int) -> dict[str, object]:
    rng = np.random.default_rng(day)
    speed = np.clip(2.8 + np.cumsum(rng.normal(0, 0.02, SECONDS)) * 0.1, 1.5, 5.5)
    distance = np.cumsum(speed)
    heading = np.cumsum(rng.normal(0, 0.02, SECONDS))
    north, east = np.cumsum(speed * np.cos(heading)), np.cumsum(speed * np.sin(heading))
    return {
        "start": FIRST_DAY + timedelta(days=day),
        "elapsed_s": np.arange(float(SECONDS)),
        "lat": 47.37 + north / 111_195,
        "lon": 8.54 + east / 75_000,
        "altitude_m": 410 + 15 * np.sin(distance / 900),
        "hr_bpm": np.clip(120 + 30 * (speed - 2), 60, 200).round(),
        "cadence_spm": np.clip(150 + 8 * speed, 120, 200).round(),
        "distance": distance,
    }


def _gpx(day: int) -> bytes:
    columns = _columns(day)
    columns.pop("distance")
    return write_gpx(**columns, name="Morning Run")  # type: ignore[arg-type]


def _tcx(day: int) -> bytes:
    columns = _columns(day)
    columns["distance_m"] = columns.pop("distance")
    return write_tcx(**columns)  # type: ignore[arg-type]


def _stream_points(data: bytes) -> pd.DataFrame:
    """Track points of a plain GPX track, streamed: what a fast path would at least do."""
    lat, lon, ele, times, hr, cad = [], [], [], [], [], []
    for _, element in ET.iterparse(_Bytes(data), events=("end",)):
        tag = element.tag.rpartition("}")[2]
        if tag == "trkpt":
            lat.append(element.get("lat"))
            lon.append(element.get("lon"))
            values = {child.tag.rpartition("}")[2]: child for child in element.iter()}
            ele.append(values["ele"].text if "ele" in values else None)
            times.append(values["time"].text if "time" in values else None)
            hr.append(values["hr"].text if "hr" in values else None)
            cad.append(values["cad"].text if "cad" in values else None)
            element.clear()
    frame = pd.DataFrame({"lat": lat, "lon": lon, "ele": ele, "hr": hr, "cad": cad}, dtype=float)
    frame["time"] = pd.to_datetime(times, utc=True, format="ISO8601")
    return frame


_POINT = re.compile(rb'<trkpt\s+lat="([^"]*)"\s+lon="([^"]*)"\s*>(.*?)</trkpt>', re.DOTALL)
_CHILDREN = {
    name: re.compile(rb"<(?:\w+:)?" + name.encode() + rb">([^<]*)</")
    for name in ("ele", "time", "hr", "cad")
}


def _scan_points(data: bytes) -> pd.DataFrame:
    """Track points found by regular expressions over the bytes: the cheapest possible path
    for the plain tracks apps write (one <trkpt> layout), with no XML parser at all."""
    points = _POINT.findall(data)
    columns: dict[str, list[bytes]] = {name: [] for name in _CHILDREN}
    for _, _, inner in points:
        for name, pattern in _CHILDREN.items():
            found = pattern.search(inner)
            columns[name].append(found.group(1) if found else b"nan")
    frame = pd.DataFrame(
        {
            "lat": np.array([p[0] for p in points], dtype=float),
            "lon": np.array([p[1] for p in points], dtype=float),
            **{k: np.array(v, dtype=float) for k, v in columns.items() if k != "time"},
        }
    )
    times = [t.decode() for t in columns["time"]]
    frame["time"] = pd.to_datetime(times, utc=True, format="ISO8601")
    return frame


class _Bytes:
    """A minimal file object over bytes, for iterparse."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


def _timed(files: list[bytes], work: Callable[[bytes], object]) -> float:
    start = time.perf_counter()
    for data in files:
        work(data)
    return (time.perf_counter() - start) / len(files) * 1000


def main() -> None:
    """Generate the files, time each step and the cold import, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="one-hour runs per format")
    parser.add_argument("--jobs", type=int, nargs="+", default=[os.cpu_count() or 1, 1])
    options = parser.parse_args()
    gpx_files = [_gpx(day) for day in range(options.runs)]
    tcx_files = [_tcx(day) for day in range(min(options.runs, 50))]
    print(
        f"{options.runs} GPX and {len(tcx_files)} TCX one-hour runs at 1 Hz "
        f"({np.mean([len(d) for d in gpx_files]) / 1e6:.2f} MB and "
        f"{np.mean([len(d) for d in tcx_files]) / 1e6:.2f} MB each)"
    )
    print()
    texts = [data.decode() for data in gpx_files]
    gpxpy_ms = _timed(texts, gpxpy.parse)  # type: ignore[arg-type]
    read_ms = _timed(gpx_files, lambda data: read_gpx(data, "run.gpx"))
    activities = [read_gpx(data, "run.gpx")[0] for data in gpx_files[:20]]
    summary_ms = _timed(activities, summarise)  # type: ignore[arg-type]
    stream_ms = _timed(gpx_files, _stream_points)
    scan_ms = _timed(gpx_files, _scan_points)
    total = read_ms + summary_ms
    print("per GPX file (ms)")
    print(
        f"  gpxpy.parse                    {gpxpy_ms:7.1f}  ({gpxpy_ms / total:.0%} of the total)"
    )
    print(f"  rest of read_gpx               {read_ms - gpxpy_ms:7.1f}")
    print(f"  summarise                      {summary_ms:7.1f}")
    print(f"  total                          {total:7.1f}")
    print(f"  points by ElementTree.iterparse {stream_ms:6.1f}  (lower bounds of a fast path)")
    print(f"  points by regular expressions  {scan_ms:7.1f}")
    tcx_ms = _timed(tcx_files, lambda data: read_tcx(data, "run.tcx"))
    tcx_activities = [read_tcx(data, "run.tcx")[0] for data in tcx_files[:20]]
    tcx_summary_ms = _timed(tcx_activities, summarise)  # type: ignore[arg-type]
    print("per TCX file (ms)")
    print(f"  read_tcx                       {tcx_ms:7.1f}")
    print(f"  summarise                      {tcx_summary_ms:7.1f}")
    print()
    scratch = Path(tempfile.mkdtemp(prefix="loadwatch-gpx-"))
    try:
        folder = scratch / "history"
        folder.mkdir()
        for day, data in enumerate(gpx_files):
            (folder / f"run-{day:04d}.gpx").write_bytes(data)
        print(f"{'loadwatch analyze (GPX folder)':<34} {'wall':>8} {'CPU':>8} {'PSS sum':>9}")
        for jobs in options.jobs:
            args = [sys.executable, "-m", "loadwatch", "analyze", str(folder), "--no-cache"]
            args += ["-q", "--format", "json", "--timezone", "UTC", "--jobs", str(jobs)]
            figures = measure(args, dict(os.environ))
            print(
                f"--jobs {jobs:<27} {figures['wall_s']:7.1f}s {figures['cpu_s']:7.1f}s "
                f"{figures['pss_mb']:6.0f} MB"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
