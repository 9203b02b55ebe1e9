"""Ingest: from files on disk to one summary per activity.

:mod:`~loadwatch.ingest.sources` finds files, :mod:`~loadwatch.ingest.readers` turns them into
:class:`~loadwatch.ingest.activity.Activity` objects, :mod:`~loadwatch.ingest.summary` reduces
each to what the weeks need, :mod:`~loadwatch.ingest.scan` does that for a folder (in parallel,
through :mod:`~loadwatch.ingest.cache`), and :mod:`~loadwatch.ingest.usable` sets duplicates and
damaged files aside.
"""
