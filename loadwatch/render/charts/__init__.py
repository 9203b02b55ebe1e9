"""Chart of weekly load, 10%-rule flags and overuse risk: stacked panels, as PNG and SVG.

:func:`weekly_risk_figure` draws the figure (for a notebook), :func:`write_charts` writes it as
files. Uses matplotlib's object API only under a fixed style, so neither pyplot's global state
nor the user's matplotlibrc can change the result. The modules inside are the chart's parts:
``_style`` (palette and settings), ``_panels`` (the weekly panels), ``_risk`` (the risk layers)
and ``_figure`` (the figure, its layout and the files).
"""

from loadwatch.render.charts._figure import PNG_DPI, weekly_risk_figure, write_charts
from loadwatch.render.charts._risk import RISK_STYLES
from loadwatch.render.charts._style import FLAG_COLOR, FLAG_HATCH, NORMAL_COLOR, SURFACES
from loadwatch.units import KM_PER_MILE

__all__ = [
    "FLAG_COLOR",
    "FLAG_HATCH",
    "KM_PER_MILE",
    "NORMAL_COLOR",
    "PNG_DPI",
    "RISK_STYLES",
    "SURFACES",
    "weekly_risk_figure",
    "write_charts",
]
