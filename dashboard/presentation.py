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
#: plot height on a 1920x1080 projector with the browser's own bars, so the chart fills the screen without scrolling
SCREEN_HEIGHT = 820
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
    st.toggle("Presentation mode", key=KEY, bind="query-params",
              help="For a projected screen: one chart filling the screen, larger type, the choices tucked under a "
                   "button. Step through indicators with the ← and → keys; Esc leaves presentation mode.")


def _leave() -> None:
    st.session_state[KEY] = False


def apply() -> None:
    """Larger type and no sidebar or header, and a way back out (Esc)."""
    if not presenting():
        return
    st.html(_STYLE)


def exit_button(column: Any) -> None:
    column.button("Leave presentation mode", on_click=_leave, shortcut="Esc", icon=":material/close_fullscreen:",
                  key="leave_presentation", help="Back to the full page (Esc)")


def stepper(options: Sequence[Any], key: str, columns: Sequence[Any], describe: Callable[[Any], str] = str) -> None:
    """Previous and next buttons for a selectbox's options, on the ← and → keys."""
    current = st.session_state.get(key, options[0])
    index = list(options).index(current) if current in options else 0

    def move(step: int) -> None:
        st.session_state[key] = options[(index + step) % len(options)]

    columns[0].button(f"← {describe(options[(index - 1) % len(options)])}", on_click=move, args=(-1,), shortcut="Left",
                      key=f"{key}_previous", help="Previous (← key)")
    columns[1].button(f"{describe(options[(index + 1) % len(options)])} →", on_click=move, args=(1,), shortcut="Right",
                      key=f"{key}_next", help="Next (→ key)")


def screen_figure(fig: go.Figure) -> go.Figure:
    """The same figure at projector size: taller, with every font scaled up (the export stays as built)."""
    if not presenting():
        return fig
    scaled = go.Figure(fig)
    base = (fig.layout.font.size or 14) if fig.layout.font else 14
    scaled.update_layout(height=SCREEN_HEIGHT, font=dict(size=round(base * FONT_SCALE)))
    for annotation in scaled.layout.annotations or ():
        if annotation.font and annotation.font.size:
            annotation.font.size = round(annotation.font.size * FONT_SCALE)
    return scaled
