"""Metrics: pure functions from activity summaries to the timeline, weeks, risk and advice.

No file is read or written here: every function takes data and returns data.
"""
