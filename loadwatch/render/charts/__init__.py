"""Chart of weekly load, 10%-rule flags and overuse risk: stacked panels, as PNG and SVG.

:func:`weekly_risk_figure` draws the figure (for a notebook), :func:`write_charts` writes it as
files: the newest 26 weeks in full (``detail_weeks``), under a strip of every week when the
history is longer. Uses matplotlib's object API only under a fixed style, so neither pyplot's
global state nor the user's matplotlibrc can change the result. The modules inside are the
chart's parts: ``_style`` (palette, one look per meaning, settings), ``_panels`` (the weekly
panels), ``_risk`` (the risk layers), ``_strip`` (the whole history), ``_scale`` (readable
axes), ``_layout`` (where everything goes) and ``_figure`` (the figure and the files).
"""

from loadwatch.render.charts._figure import (
    DETAIL_WEEKS,
    PNG_DPI,
    weekly_risk_figure,
    write_charts,
)
from loadwatch.render.charts._risk import RISK_STYLES
from loadwatch.render.charts._style import FLAG_COLOR, FLAG_HATCH, LOOKS, NORMAL_COLOR, SURFACES
from loadwatch.units import KM_PER_MILE

__all__ = [
    "DETAIL_WEEKS",
    "FLAG_COLOR",
    "FLAG_HATCH",
    "KM_PER_MILE",
    "LOOKS",
    "NORMAL_COLOR",
    "PNG_DPI",
    "RISK_STYLES",
    "SURFACES",
    "weekly_risk_figure",
    "write_charts",
]
