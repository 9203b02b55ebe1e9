"""Small Polar and Suunto files written by hand for the device reader tests."""

from __future__ import annotations

import json
from typing import Any


def hrm(
    *,
    smode: str = "111000100",
    interval: int = 5,
    rows: tuple[str, ...] = ("120\t100\t80\t50", "130\t120\t82\t52", "140\t110\t84\t54"),
) -> bytes:
    """A Polar HRM file (version 1.06) with the given SMode, interval and sample rows."""
    lines = [
        "[Params]",
        "Version=106",
        "Monitor=33",
        f"SMode={smode}",
        "Date=20240102",
        "StartTime=07:30:00.0",
        "Length=00:00:15.0",
        f"Interval={interval}",
        "",
        "[Note]",
        "",
        "[HRData]",
        *rows,
    ]
    return "\r\n".join(lines).encode("ascii")


def polar_flow(**changes: Any) -> dict[str, Any]:
    """A Polar Flow training session of one 3-second run, as a JSON-ready dict."""
    exercise: dict[str, Any] = {
        "startTime": "2024-01-02T08:00:00.000",
        "stopTime": "2024-01-02T08:00:03.000",
        "timezoneOffset": 60,
        "duration": "PT3.000S",
        "distance": 10.0,
        "sport": "RUNNING",
        "samples": {
            "heartRate": [
                {"dateTime": f"2024-01-02T08:00:0{i}.000", "value": 140 + i} for i in range(4)
            ],
            "speed": [{"dateTime": f"2024-01-02T08:00:0{i}.000", "value": 10.8} for i in range(4)],
            "cadence": [{"dateTime": f"2024-01-02T08:00:0{i}.000", "value": 85} for i in range(4)],
            "recordedRoute": [
                {"dateTime": f"2024-01-02T08:00:0{i}.000", "latitude": 52.5, "longitude": 13.4}
                for i in range(4)
            ],
        },
    }
    exercise.update(changes)
    return {
        "exportVersion": "1.3",
        "name": "Morning run",
        "startTime": "2024-01-02T08:00:00.000",
        "timeZoneOffset": 60,
        "exercises": [exercise],
    }


def polar_flow_bytes(**changes: Any) -> bytes:
    """:func:`polar_flow` as a file's bytes."""
    return json.dumps(polar_flow(**changes), indent=2).encode("utf-8")


def suunto_json(samples: list[dict[str, Any]] | None = None, activity: str = "Running") -> bytes:
    """A Suunto app DeviceLog of a 2-second run (HR and cadence in hertz) as a file's bytes."""
    if samples is None:
        samples = [
            {"Events": [{"Lap": {"Type": "Start"}}], "TimeISO8601": "2024-01-02T08:00:00+01:00"},
            *(
                {
                    "HR": 2.5,
                    "Cadence": 1.4,
                    "Speed": 3.0,
                    "Distance": 3.0 * i,
                    "Latitude": 0.9163,
                    "Longitude": 0.2339,
                    "TimeISO8601": f"2024-01-02T08:00:0{i}+01:00",
                }
                for i in range(3)
            ),
        ]
    log = {
        "DeviceLog": {
            "Header": {
                "Activity": activity,
                "DateTime": "2024-01-02T08:00:00+01:00",
                "Duration": 2.0,
                "Distance": 6,
                "Device": {"Name": "Suunto 9"},
            },
            "Samples": samples,
        }
    }
    return json.dumps(log).encode("utf-8")


def sml(prolog: str = "", samples: str | None = None) -> bytes:
    """A Suunto Moveslink .sml of a 2-second run, with an optional prolog (say, a DTD)."""
    if samples is None:
        samples = "".join(
            f"<Sample><HR>2.5</HR><Cadence>1.4</Cadence><Speed>3</Speed>"
            f"<Distance>{3 * i}</Distance><Time>{i}</Time>"
            + ("<UTC>2024-01-02T07:00:00</UTC>" if i == 0 else "")
            + "<SampleType>periodic</SampleType></Sample>"
            for i in range(3)
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"{prolog}"
        '<sml xmlns="http://www.suunto.com/schemas/sml"><DeviceLog>'
        "<Header><Duration>2</Duration><Activity>Running</Activity><Distance>6</Distance>"
        "<DateTime>2024-01-02T08:00:00</DateTime></Header>"
        "<Device><Name>Suunto Ambit3 Peak</Name></Device>"
        f"<Samples>{samples}</Samples></DeviceLog></sml>"
    ).encode()
