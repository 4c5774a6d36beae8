"""How a page shows a chart: drawn, and its figures a click away as a table (display only)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard import presentation, table_display
from reporting.chart_tables import AS_TABLE, NO_TABLE, figures_table
from reporting.theme import SCREEN_CONFIG


def chart(fig: go.Figure, *, key: str, alt: str, screen: bool = True, **options: Any) -> Any:
    """`st.plotly_chart` (at projector size in presentation mode when `screen`), then, off the projector, a fold
    holding the chart's figures as a table, laid out only once opened (a table costs a first view time)."""
    presenting = screen and presentation.presenting()
    event = st.plotly_chart(
        presentation.screen_figure(fig) if screen else fig,
        theme=None,
        config=SCREEN_CONFIG,
        key=key,
        alt=alt,
        # presented, the lead chart takes the window's height left under the header and the key finding
        **({"height": "stretch"} if presenting else {}),
        **options,
    )
    if not presentation.presenting():
        fold = st.expander(AS_TABLE, key=f"{key}_as_table", on_change="rerun", icon=":material/table_view:")
        if fold.open:
            table = figures_table(fig)
            if table.empty:  # a chart whose points carry no words of their own: its figures are in the page's tables
                fold.caption(NO_TABLE)
            else:
                fold.dataframe(
                    table,
                    hide_index=True,
                    height=table_display.fit_height(len(table)),
                    width="stretch",
                    column_config=table_display.fitted_config(table, table.columns[0], widest=None),
                )
    return event
