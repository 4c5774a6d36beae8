"""House style: palette, verdict words and symbols, and the Plotly template every figure uses.

Streamlit swaps Plotly's default template for one whose colours only its browser code fills
in, so figures exported from the app come out black. Every builder therefore sets the
`marac` template explicitly and pages render with `theme=None`: screen equals export.
Verdict colours, symbols and words are `reporting.verdicts`'.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#d9dcde"
RANGE_FILL = "rgba(0, 112, 60, 0.12)"  # the expected range band
#: Okabe-Ito hues (colour-blind safe), with the pale ones left out or darkened (#8a6d00 for its yellow-orange) so every
#: line meets WCAG's 3:1 for graphics against the white background; lines also differ in width and dash
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#8a6d00", "#6f777b"]

SYNTHETIC_NOTE = "Synthetic demo data: not real MARAC figures"
#: the same, short enough for a presented screen's corner (each chart there carries `SYNTHETIC_NOTE` too)
SYNTHETIC_STAMP = "Synthetic demo data"
#: the same as a file's or a pack's first line, and as a page banner in capitals
SYNTHETIC_LINE = "SYNTHETIC DEMO DATA: not real MARAC figures."
SYNTHETIC_BANNER = SYNTHETIC_NOTE.upper()
#: a table's header row and the rules between its rows, in packs as on screen
HEADER_FILL = "#e8eaeb"
RULE = "#b1b4b6"
SYNTHETIC_MARK = "#b10e1e"  # the synthetic mark's red, on every chart


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (AA: 4.5 for text, 3 for large text and graphics)."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour(fill: str) -> str:
    """White or ink, whichever reads better on a fill."""
    return "#ffffff" if contrast_ratio("#ffffff", fill) >= contrast_ratio(INK, fill) else INK


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font=dict(family=FONT, size=14, color=INK),
            title=dict(font=dict(size=18), x=0, xanchor="left"),
            paper_bgcolor="white",
            plot_bgcolor="white",
            colorway=SERIES,
            xaxis=dict(gridcolor=GRID, linecolor=MUTED, ticks="outside", zeroline=False),
            yaxis=dict(gridcolor=GRID, linecolor=MUTED, ticks="outside", zeroline=False),
            legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0),
            margin=dict(l=70, r=20, t=120, b=90),
            hoverlabel=dict(font=dict(family=FONT)),
        )
    )


pio.templates["marac"] = _template()
TEMPLATE = "marac"
#: passed to every st.plotly_chart: the modebar camera would save the unrounded screen chart, so downloads
#: go through the dashboard's own buttons instead
SCREEN_CONFIG = {"modeBarButtonsToRemove": ["toImage"], "displaylogo": False}
