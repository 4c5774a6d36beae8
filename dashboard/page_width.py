"""How wide a desktop page's content is: Streamlit's wide layout keeps 5rem of margin either side of the content, which
at 1280 px beside the sidebar leaves 820 px for a table of a dozen MARAC figures. Narrower margins give the content
128 px more, so a table of figures and their verdicts fits the commonest laptop and projector width without scrolling
across. Display settings only; presentation mode sets its own.
"""

from __future__ import annotations

import streamlit as st

#: each side of the content, on a screen wide enough for the sidebar beside it (Streamlit's own is 5rem)
SIDE = "1rem"
CSS = f"""
<style>
@media screen and (min-width: 736px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: {SIDE}; padding-right: {SIDE}; }}
}}
</style>
"""


def apply() -> None:
    """On every desktop page (not while presenting): the narrower side margins."""
    st.html(CSS)
