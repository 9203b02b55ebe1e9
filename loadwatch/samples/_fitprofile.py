"""The slice of the FIT profile the sample writer needs: base types, messages, fields, enums.

Field numbers, base types, scales and offsets follow the FIT SDK's Profile.xlsx (the same
numbers fitparse's ``profile.py`` carries). Only messages an activity file uses are listed.
"""

from __future__ import annotations

from typing import NamedTuple


class BaseType(NamedTuple):
    """A FIT base type: its id byte in definitions, numpy/struct codes, and its invalid value."""

    id: int
    size: int
    struct_code: str
    numpy_dtype: str
    invalid: int
    low: int
    high: int


#: FIT base types by name. ``low``/``high`` bound the valid raw values (the invalid one excluded).
BASE_TYPES: dict[str, BaseType] = {
    "enum": BaseType(0x00, 1, "B", "<u1", 0xFF, 0, 0xFE),
    "sint8": BaseType(0x01, 1, "b", "<i1", 0x7F, -0x80, 0x7E),
    "uint8": BaseType(0x02, 1, "B", "<u1", 0xFF, 0, 0xFE),
    "sint16": BaseType(0x83, 2, "h", "<i2", 0x7FFF, -0x8000, 0x7FFE),
    "uint16": BaseType(0x84, 2, "H", "<u2", 0xFFFF, 0, 0xFFFE),
    "sint32": BaseType(0x85, 4, "i", "<i4", 0x7FFFFFFF, -0x80000000, 0x7FFFFFFE),
    "uint32": BaseType(0x86, 4, "I", "<u4", 0xFFFFFFFF, 0, 0xFFFFFFFE),
    "uint8z": BaseType(0x0A, 1, "B", "<u1", 0, 1, 0xFF),
    "uint16z": BaseType(0x8B, 2, "H", "<u2", 0, 1, 0xFFFF),
    "uint32z": BaseType(0x8C, 4, "I", "<u4", 0, 1, 0xFFFFFFFF),
    # Strings are null-terminated UTF-8; their size is set per definition.
    "string": BaseType(0x07, 1, "s", "S1", 0, 0, 0),
}


class Field(NamedTuple):
    """One field of a message: its number, base type, scale/offset and enum table (if any)."""

    num: int
    base_type: str
    scale: float = 1.0
    offset: float = 0.0
    enum: str | None = None


class Message(NamedTuple):
    """A FIT message: its global number and fields by name."""

    num: int
    fields: dict[str, Field]


_TIMESTAMP = Field(253, "uint32")
_MESSAGE_INDEX = Field(254, "uint16")

_LAP_OR_SESSION_COMMON: dict[str, Field] = {
    "timestamp": _TIMESTAMP,
    "message_index": _MESSAGE_INDEX,
    "event": Field(0, "enum", enum="event"),
    "event_type": Field(1, "enum", enum="event_type"),
    "start_time": Field(2, "uint32"),
    "start_position_lat": Field(3, "sint32"),
    "start_position_long": Field(4, "sint32"),
    "total_elapsed_time": Field(7, "uint32", 1000),
    "total_timer_time": Field(8, "uint32", 1000),
    "total_distance": Field(9, "uint32", 100),
}

MESSAGES: dict[str, Message] = {
    "file_id": Message(
        0,
        {
            "type": Field(0, "enum", enum="file"),
            "manufacturer": Field(1, "uint16", enum="manufacturer"),
            "product": Field(2, "uint16"),
            "serial_number": Field(3, "uint32z"),
            "time_created": Field(4, "uint32"),
        },
    ),
    "session": Message(
        18,
        {
            **_LAP_OR_SESSION_COMMON,
            "sport": Field(5, "enum", enum="sport"),
            "sub_sport": Field(6, "enum", enum="sub_sport"),
            "total_calories": Field(11, "uint16"),
            "avg_speed": Field(14, "uint16", 1000),
            "max_speed": Field(15, "uint16", 1000),
            "avg_heart_rate": Field(16, "uint8"),
            "max_heart_rate": Field(17, "uint8"),
            "avg_cadence": Field(18, "uint8"),
            "total_ascent": Field(22, "uint16"),
            "total_descent": Field(23, "uint16"),
            "first_lap_index": Field(25, "uint16"),
            "num_laps": Field(26, "uint16"),
            "trigger": Field(28, "enum", enum="session_trigger"),
            "enhanced_avg_speed": Field(124, "uint32", 1000),
            "enhanced_max_speed": Field(125, "uint32", 1000),
        },
    ),
    "lap": Message(
        19,
        {
            **_LAP_OR_SESSION_COMMON,
            "total_calories": Field(11, "uint16"),
            "avg_speed": Field(13, "uint16", 1000),
            "max_speed": Field(14, "uint16", 1000),
            "avg_heart_rate": Field(15, "uint8"),
            "max_heart_rate": Field(16, "uint8"),
            "avg_cadence": Field(17, "uint8"),
            "total_ascent": Field(21, "uint16"),
            "total_descent": Field(22, "uint16"),
            "lap_trigger": Field(24, "enum", enum="lap_trigger"),
            "sport": Field(25, "enum", enum="sport"),
            "sub_sport": Field(39, "enum", enum="sub_sport"),
            "enhanced_avg_speed": Field(110, "uint32", 1000),
        },
    ),
    "record": Message(
        20,
        {
            "timestamp": _TIMESTAMP,
            "position_lat": Field(0, "sint32"),
            "position_long": Field(1, "sint32"),
            "altitude": Field(2, "uint16", 5, 500),
            "heart_rate": Field(3, "uint8"),
            "cadence": Field(4, "uint8"),
            "distance": Field(5, "uint32", 100),
            "speed": Field(6, "uint16", 1000),
            "fractional_cadence": Field(53, "uint8", 128),
            "enhanced_speed": Field(73, "uint32", 1000),
            "enhanced_altitude": Field(78, "uint32", 5, 500),
        },
    ),
    "event": Message(
        21,
        {
            "timestamp": _TIMESTAMP,
            "event": Field(0, "enum", enum="event"),
            "event_type": Field(1, "enum", enum="event_type"),
            "data": Field(3, "uint32"),
            "event_group": Field(4, "uint8"),
        },
    ),
    "device_info": Message(
        23,
        {
            "timestamp": _TIMESTAMP,
            "device_index": Field(0, "uint8"),
            "device_type": Field(1, "uint8"),
            "manufacturer": Field(2, "uint16", enum="manufacturer"),
            "serial_number": Field(3, "uint32z"),
            "product": Field(4, "uint16"),
            "software_version": Field(5, "uint16", 100),
        },
    ),
    "activity": Message(
        34,
        {
            "timestamp": _TIMESTAMP,
            "total_timer_time": Field(0, "uint32", 1000),
            "num_sessions": Field(1, "uint16"),
            "type": Field(2, "enum", enum="activity"),
            "event": Field(3, "enum", enum="event"),
            "event_type": Field(4, "enum", enum="event_type"),
            "local_timestamp": Field(5, "uint32"),
        },
    ),
}

#: Enum values by name, for the enums the messages above use (a subset of each).
ENUMS: dict[str, dict[str, int]] = {
    "file": {"device": 1, "settings": 2, "sport": 3, "activity": 4, "workout": 5, "course": 6},
    "activity": {"manual": 0, "auto_multi_sport": 1},
    "event": {"timer": 0, "session": 8, "lap": 9, "activity": 26},
    "event_type": {"start": 0, "stop": 1, "marker": 3, "stop_all": 4},
    "lap_trigger": {"manual": 0, "time": 1, "distance": 2, "session_end": 7},
    "session_trigger": {"activity_end": 0, "manual": 1},
    "manufacturer": {
        "garmin": 1,
        "dynastream": 15,
        "suunto": 23,
        "wahoo_fitness": 32,
        "coros": 294,
        "polar_electro": 123,
        "development": 255,
        "strava": 265,
    },
    "sport": {
        "generic": 0,
        "running": 1,
        "cycling": 2,
        "fitness_equipment": 4,
        "swimming": 5,
        "training": 10,
        "walking": 11,
        "hiking": 17,
    },
    "sub_sport": {
        "generic": 0,
        "treadmill": 1,
        "street": 2,
        "trail": 3,
        "track": 4,
        "spin": 5,
        "indoor_cycling": 6,
        "road": 7,
        "mountain": 8,
        "lap_swimming": 17,
        "open_water": 18,
        "strength_training": 20,
        "indoor_running": 45,
        "gravel_cycling": 46,
        "virtual_activity": 58,
    },
}

#: Sports whose FIT ``cadence`` counts strides (one per two steps), not steps or revolutions.
STRIDE_SPORTS: frozenset[int] = frozenset({1, 11, 17})

#: Garmin product ids of the devices the samples use (``garmin_product`` in the profile).
GARMIN_PRODUCTS: dict[str, int] = {"fr235": 2431, "fr935": 2691, "fenix5": 2697, "edge520": 2067}
