"""Points at equal distances along a run, the form a track is matched (and stored) in.

The function lives in :mod:`loadwatch.ingest.geo`, so that summarising a run does not load the map
package; it is re-exported here as part of the maps API.
"""

from __future__ import annotations

from loadwatch.ingest.geo import resample_track

__all__ = ["resample_track"]
