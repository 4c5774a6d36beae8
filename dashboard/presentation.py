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

KEY = "present"
#: plot height on a 1920x1080 projector, under the synthetic-data banner, the heading row and the key finding, so the
#: chart fills the rest of the screen without scrolling
SCREEN_HEIGHT = 780
FONT_SCALE = 1.45

_STYLE = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 0.8rem; padding-bottom: 0.5rem; max-width: 100%; }
[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] p { font-size: 1.15rem; }
h1 { font-size: 2.1rem !important; padding-top: 0 !important; }
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


def exit_button(column: Any) -> None:
    column.button(
        "Leave presentation mode",
        on_click=_leave,
        shortcut="Esc",
        icon=":material/close_fullscreen:",
        key="leave_presentation",
        help="Back to the full page (Esc)",
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


def screen_figure(fig: go.Figure) -> go.Figure:
    """The same figure at projector size: taller, with its type, margins and notes scaled up together.

    Type grows by FONT_SCALE, or less where a chart has many rows (32 ranked boroughs must each keep
    a readable label inside the screen's height). The export is untouched: this works on a copy.
    """
    if not presenting():
        return fig
    scaled = go.Figure(fig)
    base = 14
    if fig.layout.template and fig.layout.template.layout.font and fig.layout.template.layout.font.size:
        base = fig.layout.template.layout.font.size
    margin = fig.layout.margin
    top, bottom = (margin.t or 120), (margin.b or 90)
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
    if rows:
        size = min(size, (SCREEN_HEIGHT - top * FONT_SCALE - bottom) / rows * 0.8)
    factor = max(size, base) / base
    title = (
        fig.layout.template.layout.title.font.size if fig.layout.template and fig.layout.template.layout.title else None
    )
    scaled.update_layout(
        height=SCREEN_HEIGHT,
        font=dict(size=round(base * factor)),
        title=dict(font=dict(size=round((title or 18) * FONT_SCALE))),
        margin=dict(
            l=round((margin.l or 70) * factor), r=margin.r, t=round(top * FONT_SCALE), b=round(bottom * factor)
        ),
    )
    if rows:
        scaled.update_yaxes(
            dtick=1
        )  # every row keeps its name: Plotly would drop every other one when they are this close
    for trace in scaled.data:  # text a trace sizes itself (the map's labels) grows with the rest
        font = getattr(trace, "textfont", None)
        if font is not None and isinstance(font.size, int | float):
            font.size = round(font.size * factor)
    for annotation in scaled.layout.annotations or ():
        if annotation.font and annotation.font.size:
            annotation.font.size = round(annotation.font.size * factor)
        if annotation.yshift:
            annotation.yshift = round(annotation.yshift * factor)
    return scaled
