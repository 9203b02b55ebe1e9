"""Distance units people read: kilometres or miles.

loadwatch keeps every distance in km (``distance_km``, the JSON, the CSV) and converts only
where a person reads it: the terminal table, the charts, ``index.html`` and the advice. Imports
nothing heavy, so every one of those may use it.
"""

from __future__ import annotations

from loadwatch.errors import ConfigError

#: Kilometres in one international mile.
KM_PER_MILE = 1.609344


def km_per_unit(units: str) -> float:
    """Kilometres in one ``units``: divide a distance in km by it to show it in ``units``.

    Raises:
        ConfigError: ``units`` is neither ``"km"`` nor ``"mi"``.
    """
    if units == "km":
        return 1.0
    if units == "mi":
        return KM_PER_MILE
    raise ConfigError(f'units must be "km" or "mi"; got {units!r}')
