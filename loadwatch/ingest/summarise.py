"""A file's bytes to the summaries of its activities, FIT files without samples frames.

A summary needs only the samples' arrays: for FIT, whose reader has them before it builds
the frames, building the frames is half the cost of the whole file (a one-hour run). Other
formats are read into activities and summarised as :func:`~loadwatch.ingest.summary.summarise`
does.
"""

from __future__ import annotations

import numpy as np

from loadwatch.ingest.exports import Opener
from loadwatch.ingest.formats import Format
from loadwatch.ingest.readers import read_source
from loadwatch.ingest.readers.fit import read_fit_arrays
from loadwatch.ingest.summary import ActivitySummary, summarise, summarise_arrays


def summarise_source(
    data: bytes, format: str, source: str, opener: Opener | None = None
) -> list[ActivitySummary]:
    """The summaries of every activity in a file: the same as :func:`summarise` of each
    activity :func:`~loadwatch.ingest.readers.read_source` reads, FIT files without frames.

    Args:
        data: The file's bytes.
        format: Its format (a registry format).
        source: Where the bytes came from, for errors and the summaries.
        opener: For a file read streamed (see ``read_source``); FIT files never are.

    Raises:
        LoadwatchError: For anything that stops the file from being read.
    """
    if format != Format.FIT or opener is not None:
        return [summarise(activity) for activity in read_source(data, format, source, opener)]
    summaries = []
    for activity in read_fit_arrays(data, source):
        if not activity.ordered:  # rows to sort or drop first: as the frame has them
            summaries.append(summarise(activity.to_activity()))
            continue
        time = activity.columns["time"]
        elapsed_s = (time - time[0]).astype("float64") if len(time) else np.empty(0)
        summaries.append(summarise_arrays(activity, elapsed_s, activity.columns))
    return summaries
