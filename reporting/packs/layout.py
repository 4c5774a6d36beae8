"""The page a pack's charts are drawn for: the geometry `build` sizes each chart to and `pdf` places it by.

A chart is laid out `CHART_WIDTH` px wide and placed across the whole text block of an A4 landscape page, so its
smallest text (`SMALLEST_FONT_PX`) prints at `printed_points(SMALLEST_FONT_PX)`, 8.2 pt: legible on paper, where a
chart shrunk to fit half the page printed its labels at about 5 pt.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from reporting.images import CHART_WIDTH

PAGE = landscape(A4)
MARGIN = 14 * mm
#: ReportLab's frame keeps 6 pt inside each margin
FRAME_PADDING = 6
#: the text block's width in points, which every chart spans
TEXT_WIDTH = PAGE[0] - 2 * MARGIN - 2 * FRAME_PADDING
#: points per chart pixel once placed
SCALE = TEXT_WIDTH / CHART_WIDTH
#: the tallest a chart is placed, leaving room on its page for its title, subtitle, sentence and source line
CHART_MAX_HEIGHT = 370.0
#: the tallest a chart is laid out, in pixels
CHART_MAX_HEIGHT_PX = int(CHART_MAX_HEIGHT / SCALE)
#: the smallest text on a pack chart, in chart pixels (axis keys; ticks and labels are 12-14 px)
SMALLEST_FONT_PX = 12
#: the smallest size any text is printed at, in points
SMALLEST_PRINTED = 8.0


def printed_points(font_px: float) -> float:
    """The printed size, in points, of text `font_px` high on a chart placed across the text block."""
    return font_px * SCALE
