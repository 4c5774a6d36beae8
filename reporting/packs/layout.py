"""The page a pack's charts are drawn for: the geometry `build` sizes each chart to and `pdf` places it by.

A chart is laid out `CHART_WIDTH` px wide and placed across the whole text block of an A4 landscape page, so its
smallest text (`SMALLEST_FONT_PX`) prints at `printed_points(SMALLEST_FONT_PX)`, 8.2 pt: legible on paper, where a
chart shrunk to fit half the page printed its labels at about 5 pt.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import simpleSplit

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


#: the text block's height in points
TEXT_HEIGHT = PAGE[1] - 2 * MARGIN - 2 * FRAME_PADDING
#: a slide's room between its title (to 0.95 in) and its footer line (from 7.05 in), in points
SLIDE_ROOM = (7.05 - 0.95) * inch
#: the what-changed page's room below its heading (17 pt on 22 pt, 8 pt after), on a page and on a slide alike
CHANGES_ROOM = min(TEXT_HEIGHT - 30, SLIDE_ROOM)
#: a row of the what-changed page's tables: one line of `SMALLEST_PRINTED` text on 9.5 pt, 1 pt above, 1.5 below
CHANGES_ROW = 12.0
#: (size, leading, room before) of each kind of text on the what-changed page, as `pdf` and `pptx` print it
CHANGES_TEXT = {
    "h1": (17.0, 22.0, 0.0),
    "sentence": (11.5, 15.5, 6.0),
    "small": (8.5, 11.0, 0.0),
    "h2": (13.0, 17.0, 4.0),
    "body": (10.5, 14.0, 0.0),
}


def text_height(text: str, kind: str) -> float:
    """How tall `text` prints across the text block as `CHANGES_TEXT[kind]`, in points. Measured in Helvetica, whose
    widths Liberation Sans (the PDF's font) and Arial (the slides') share."""
    size, leading, before = CHANGES_TEXT[kind]
    return before + leading * max(1, len(simpleSplit(text, "Helvetica", size, TEXT_WIDTH)))


#: the room between the what-changed page's blocks (the periods line and its table, the table and its notes, the
#: notes and the returns, the returns' table and its notes)
CHANGES_SPACE = 2 * mm
