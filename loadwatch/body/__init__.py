"""The body log stage: what the runner tells loadwatch about their body, read and written.

Pain by region, the effort of a run (RPE), strength sessions and the weekly OSTRC check-in:
:mod:`~loadwatch.body.entries` are the typed entries and their checks,
:mod:`~loadwatch.body.ostrc` the check-in's questions and scoring, :mod:`~loadwatch.body.store`
the log file (JSON Lines, appended, never rewritten) and :mod:`~loadwatch.body.csvimport` a
spreadsheet read into entries. Like :mod:`loadwatch.ingest`, it reads the user's input from
files; :mod:`loadwatch.metrics` reads its frame, never its files.
"""
