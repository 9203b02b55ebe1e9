"""Render: an :class:`~loadwatch.model.Analysis` as a table, JSON, CSV, a page or charts.

Renderers read only the analysis they are given; they never read activity files.
"""
