"""How Streamlit draws the reporting tables: column widths, header help and heights (display settings only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reporting.tables import LOCAL_HEADER, MATRIX_HELP, VERDICT_HELP


def column_config(table: pd.DataFrame, header: str) -> dict[str, object]:
    """The name column wide enough for 'Kingston upon Thames' and frozen, so a row is still named when a narrow screen
    scrolls the table across; each verdict column explained on hover of its header."""
    config: dict[str, object] = {header: st.column_config.TextColumn(header, width=190, pinned=True)}
    for column in table.columns:
        if column.endswith("verdict"):
            config[column] = st.column_config.TextColumn(column, help=VERDICT_HELP, width=170)
    return config


def matrix_config(table: pd.DataFrame, header: str) -> dict[str, object]:
    """Names wide enough to read; each indicator column explained on hover of its header."""
    config: dict[str, object] = {header: st.column_config.TextColumn(header, width=180, pinned=True)}
    for column in table.columns:
        if column.endswith("%") and column != LOCAL_HEADER:
            config[column] = st.column_config.Column(column, help=MATRIX_HELP, width=150)
    return config


def fit_height(rows: int) -> int:
    """Pixel height that shows every row (Streamlit rows are 35 px, plus the header) up to a screenful."""
    return min(35 * rows + 38, 1200)
