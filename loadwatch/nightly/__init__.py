"""Nightly: one complete run (cache, analysis, outputs, notification), its log and its schedule."""
