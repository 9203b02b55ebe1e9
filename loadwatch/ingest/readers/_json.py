"""What the JSON readers (Polar Flow, Suunto app) share: decoding a document safely."""

from __future__ import annotations

import json
from typing import Any

from loadwatch.errors import CorruptFileError


def load_json_object(data: bytes, source: str, fmt: str) -> dict[str, Any]:
    """The top-level object of a JSON document in UTF-8, 16 or 32 (told as :mod:`json` does).

    Args:
        data: The file's bytes.
        source: Label used in errors.
        fmt: The format's name in messages (``"Polar Flow"``).

    Raises:
        CorruptFileError: Not valid text in its encoding, not well-formed JSON (a file cut
            short), or not an object.
    """
    document = _load(data, source, fmt)
    if not isinstance(document, dict):
        raise CorruptFileError(f"is JSON, but not a {fmt} file (no object at its top)", path=source)
    return document


def _load(data: bytes, source: str, fmt: str) -> Any:
    """Any JSON document, decoded in the encoding :func:`json.detect_encoding` finds."""
    encoding = json.detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise CorruptFileError(
            f"is not valid {encoding.upper()} text, so it is not a readable {fmt} file; save it "
            "again as UTF-8",
            path=source,
            offset=e.start,
        ) from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise CorruptFileError(
            f"is not a readable {fmt} file: its JSON is broken at line {e.lineno}, column "
            f"{e.colno} ({e.msg}). The file is damaged or was cut short; export it again",
            path=source,
        ) from e
    except RecursionError as e:  # nesting deeper than any export: a hostile file
        raise CorruptFileError(f"nests its JSON too deeply to be a {fmt} file", path=source) from e


def load_json_array(data: bytes, source: str, fmt: str) -> list[Any]:
    """The top-level array of a JSON document, decoded as :func:`load_json_object` does.

    Raises:
        CorruptFileError: Not valid text, not well-formed JSON, or not an array.
    """
    document = _load(data, source, fmt)
    if not isinstance(document, list):
        raise CorruptFileError(f"is JSON, but not a {fmt} file (no list at its top)", path=source)
    return document


def number(value: object) -> float:
    """A JSON value as a finite float; NaN for null, text, booleans and infinities."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    result = float(value)
    return result if result == result and abs(result) != float("inf") else float("nan")
