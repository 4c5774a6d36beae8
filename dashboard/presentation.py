"""Presentation mode: one chart filling a projected screen, large type, controls tucked away.

A steering group looks at one screen for an hour; whoever drives it steps through the
indicators with the arrow keys. The mode lives in the URL (`?present=true`), so a link in an
agenda opens the meeting view directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from reporting.theme import SYNTHETIC_NOTE

KEY = "present"
#: the rows of a ranked chart the type is sized for: 32 boroughs must each keep a readable label in the height left
#: under the header and the key finding on the smallest screen presented on (1280x720: about 560 px)
SCREEN_HEIGHT = 560
FONT_SCALE = 1.45
#: the key of the container holding the way out and the synthetic-data stamp, fixed in the top right corner
CORNER = "presentation_corner"
#: the key of a page's one-line header (title, ← Previous, Next →, Choices)
HEADER = "presentation_header"

# The page is one screen: its blocks are a column as tall as the window, the header and the key finding take what
# they need and the lead chart (height="stretch") the rest, so it fits 1024x768, 1280x720 and 1920x1080 alike.
# Headline figures (st.metric) are the largest type on screen; titles and the finding are smaller than them.
_STYLE = f"""
<style>
html, body, [data-testid="stAppViewContainer"] {{ font-size: 18px; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {{ display: none; }}
[data-testid="stMainBlockContainer"] {{
  padding: 0.5rem 1.2rem 0.4rem 1.2rem; max-width: 100%; height: 100vh; box-sizing: border-box;
}}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ height: 100%; gap: 0.4rem; }}
[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] p {{ font-size: 1.05rem; line-height: 1.35; }}
h1 {{ font-size: 1.5rem !important; padding: 0 !important; }}
h3 {{ font-size: 1.35rem !important; padding: 0 !important; margin: 0 !important; white-space: nowrap; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: 2.6rem !important; line-height: 1.1; }}
[data-testid="stMetricLabel"] p {{ font-size: 1rem !important; white-space: normal !important; }}
.st-key-{CORNER} {{
  position: fixed; top: 0.45rem; right: 1.2rem; z-index: 1000; width: auto !important; background: #ffffff;
}}
.st-key-{CORNER} [data-testid="stCaptionContainer"] p {{
  font-size: 0.8rem; color: #8a1c1c; border: 1px solid #8a1c1c; padding: 0.1rem 0.4rem; margin: 0; white-space: nowrap;
}}
.st-key-{HEADER} {{ padding-right: 24rem; flex-wrap: nowrap !important; }}
.st-key-{HEADER} button p {{ white-space: nowrap; }}
[data-testid="stPopoverBody"] {{ min-width: min(56rem, 92vw); }}
</style>
"""


def from_url() -> bool:
    """Whether the page was opened in presentation mode, read before any widget exists (for the page set-up)."""
    return st.query_params.get(KEY, "false").lower() in ("true", "1", "yes")


def presenting() -> bool:
    return bool(st.session_state.get(KEY, from_url()))


def toggle() -> None:
    """The sidebar switch (kept in the URL); in presentation mode the sidebar is hidden, so `exit_button` leaves it."""
    st.toggle(
        "Presentation mode",
        key=KEY,
        bind="query-params",
        help="For a projected screen: one chart filling the screen, larger type, the choices tucked under a "
        "button. Step through indicators with the ← and → keys; Esc leaves presentation mode.",
    )


def _leave() -> None:
    st.session_state[KEY] = False
    st.session_state[_LEFT] = True  # the sidebar comes back open on the next run (see sidebar_state)


_LEFT = "_left_presentation"


def sidebar_state() -> str:
    """For `st.set_page_config`: collapsed while presenting, open again just after leaving, else Streamlit's own choice."""
    if presenting():
        return "collapsed"
    return "expanded" if st.session_state.pop(_LEFT, False) else "auto"


def apply() -> None:
    """Larger type and no sidebar or header (`exit_button` is the way back out)."""
    if not presenting():
        return
    st.html(_STYLE)


def corner(synthetic_note: str | None) -> None:
    """The way out (Esc) and, for demo data, a short synthetic-data stamp, together in the top right corner: out of
    the page's flow, so the header stays one line and the chart keeps the height."""
    with st.container(key=CORNER, horizontal=True, vertical_alignment="center", gap="small"):
        if synthetic_note:
            st.caption(synthetic_note)
        st.button(
            "Leave",
            on_click=_leave,
            shortcut="Esc",
            icon=":material/close_fullscreen:",
            key="leave_presentation",
            help="Leave presentation mode: back to the full page (Esc)",
        )


def stepper(options: Sequence[Any], key: str, columns: Sequence[Any], describe: Callable[[Any], str] = str) -> None:
    """Previous and next buttons for a selectbox's options, on the ← and → keys."""
    current = st.session_state.get(key, options[0])
    index = list(options).index(current) if current in options else 0

    def move(step: int) -> None:
        st.session_state[key] = options[(index + step) % len(options)]

    columns[0].button(
        "← Previous",
        on_click=move,
        args=(-1,),
        shortcut="Left",
        key=f"{key}_previous",
        help=f"{describe(options[(index - 1) % len(options)])} (← key)",
    )
    columns[1].button(
        "Next →",
        on_click=move,
        args=(1,),
        shortcut="Right",
        key=f"{key}_next",
        help=f"{describe(options[(index + 1) % len(options)])} (→ key)",
    )


#: the smallest type on a presented chart: a row's label is never taller than three quarters of its row, and 32
#: rows in the height a 1280x720 screen leaves need 8 px
MIN_TYPE = 8.0
#: the room added under a presented chart for its small print's second line
SMALL_PRINT_LINE = 14
#: the longest line of small print (source, method) on a presented chart, so it wraps inside the smallest screen
SMALL_PRINT = 140


def screen_figure(fig: go.Figure) -> go.Figure:
    """The same figure for a projected screen: larger type where its rows leave room, a tighter top, and small print
    wrapped to fit; its height is the window's (the page draws it with height="stretch").

    Type grows by FONT_SCALE, or less where a chart has many rows: 32 ranked boroughs must each keep a readable label
    inside `SCREEN_HEIGHT`, the height a 1280x720 screen leaves it, and so inside any taller one. The export is
    untouched: this works on a copy.
    """
    if not presenting():
        return fig
    scaled = go.Figure(fig)
    base = 14
    if fig.layout.template and fig.layout.template.layout.font and fig.layout.template.layout.font.size:
        base = fig.layout.template.layout.font.size
    margin = fig.layout.margin
    top, bottom = margin.t or 120, margin.b or 90  # the chart's own: its title, subtitle, stamp and keys need them
    rows = max(
        (
            len(trace.y)
            for trace in fig.data
            if trace.type == "bar" and trace.orientation == "h" and trace.y is not None
        ),
        default=0,
    )
    if rows and fig.layout.yaxis.categoryarray:
        rows = len(fig.layout.yaxis.categoryarray)
    size = base * FONT_SCALE
    if rows:  # a row's label at most three quarters of its height, and never below MIN_TYPE
        size = max(MIN_TYPE, min(size, (SCREEN_HEIGHT - top - bottom - SMALL_PRINT_LINE) / rows * 0.75))
    factor = size / base
    title = (
        fig.layout.template.layout.title.font.size if fig.layout.template and fig.layout.template.layout.title else None
    )
    scaled.update_layout(
        height=SCREEN_HEIGHT,
        font=dict(size=round(size)),
        title=dict(font=dict(size=round((title or 18) * 1.2)), y=1, yref="container", yanchor="top", pad=dict(t=4)),
        margin=dict(l=round((margin.l or 70) * max(factor, 0.8)), r=margin.r, t=top, b=bottom + SMALL_PRINT_LINE),
    )
    heading, _, subtitle = (scaled.layout.title.text or "").partition("<br><sup>")
    if subtitle:  # Plotly's own subtitle: a two-line title anchored at the top would lose its first line above it
        scaled.update_layout(
            title=dict(text=heading, subtitle=dict(text=subtitle.removesuffix("</sup>"), font=dict(size=15))),
        )
    if rows:
        scaled.update_yaxes(
            dtick=1
        )  # every row keeps its name: Plotly would drop every other one when they are this close
    if scaled.layout.yaxis.ticktext:  # a name's second line (a referral gap) stays in its hover: one line per row
        scaled.update_yaxes(ticktext=[str(t).split("<br>")[0] for t in scaled.layout.yaxis.ticktext])
    # text a trace sizes itself grows or shrinks with the rest; a map's labels with its tiles, which an equal-aspect
    # map draws smaller when the chart is shorter than the one they were sized for
    locked = bool(scaled.layout.yaxis.scaleanchor)
    drawn = SCREEN_HEIGHT - top - bottom - SMALL_PRINT_LINE
    sized_for = (fig.layout.height or SCREEN_HEIGHT) - top - bottom
    text_factor = min(factor, drawn / max(sized_for, 1)) if locked else factor
    for trace in scaled.data:
        font = getattr(trace, "textfont", None)
        if font is not None and isinstance(font.size, int | float):
            font.size = max(8, round(font.size * text_factor))
    # on screen the corner carries the synthetic-data stamp: the chart's own (kept in every download) would crowd its
    # subtitle on a narrow screen
    scaled.layout.annotations = [a for a in scaled.layout.annotations or () if a.text != SYNTHETIC_NOTE.upper()]
    for annotation in scaled.layout.annotations:
        in_data = (annotation.xref or "x").startswith("x")  # placed on the axes (Plotly's default), not the paper
        on_the_map = locked and in_data and annotation.font and annotation.font.size
        if on_the_map:  # a tile's label drawn as an annotation (the City of London's outline) shrinks with its tile
            annotation.font.size = max(8, round(annotation.font.size * text_factor))
        elif in_data and annotation.y == 1.0 and annotation.yref == "paper":
            annotation.yshift = (annotation.yshift or 0) + 16  # a band's label a line above the range's key

        if annotation.yref == "paper" and annotation.y == 0 and annotation.yshift and annotation.yshift < 0:
            # the source line at the foot: wrapped inside the narrowest screen, its second line in the room added
            annotation.update(text=_wrapped(annotation.text or ""), yshift=annotation.yshift - SMALL_PRINT_LINE)
    return scaled


def _wrapped(text: str) -> str:
    """Small print broken into lines of at most `SMALL_PRINT` characters, at spaces, keeping its own breaks."""
    lines: list[str] = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > SMALL_PRINT:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "<br>".join(lines)
