"""The old home of the JSON, CSV and table renderers, kept for the imports that still use it.

They live in :mod:`loadwatch.render.data` (JSON and CSV, from the field schema) and
:mod:`loadwatch.render.table` (the terminal table) now; this module goes once ``cli.py`` and
``tests/test_corpus.py`` import from there.
"""

from __future__ import annotations

from loadwatch.render.data import to_csv, to_json
from loadwatch.render.table import render_table

__all__ = ["render_table", "to_csv", "to_json"]
