"""The old home of the JSON, CSV and table renderers, kept for the imports that still use it.

The renderers live in :mod:`loadwatch.render.data` (JSON and CSV, from the field schema) and
:mod:`loadwatch.render.table` (the terminal table). Import them from there: this module goes once
nothing imports it.
"""

from __future__ import annotations

from loadwatch.render.data import report_dict, to_csv, to_json, week_records
from loadwatch.render.table import change_text, render_table

__all__ = ["change_text", "render_table", "report_dict", "to_csv", "to_json", "week_records"]
